package io.dirsync.it;

import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.BeforeEach;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * What every integration test class has (each also carries {@code @KeycloakIntegrationTest(config =
 * DirSyncServerConfig.class)}): the one shared Keycloak 26.7.3 with the extension, a fresh realm for each test, an
 * admin client, the server's URLs, and the extension's Admin REST API and SCIM endpoints as the tests drive them.
 */
public abstract class DirSyncIntegrationTest {

    @InjectRealm(lifecycle = LifeCycle.METHOD)
    protected ManagedRealm realm;

    @InjectAdminClient
    protected Keycloak admin;

    @InjectKeycloakUrls
    protected KeycloakUrls urls;

    protected DirSync dirsync;

    @BeforeEach
    protected void setUpDirSync() {
        dirsync = new DirSync(admin, realm, urls.getBase());
    }

    /** Waits for something a background job does (a scheduled run, a purge); fails after {@code seconds}. */
    public static void waitUntil(BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("Condition not met within " + seconds + " s");
            }
            Thread.sleep(500);
        }
    }
}
