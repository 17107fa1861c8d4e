package io.dirsync.it;

import java.util.Map;
import java.util.function.BooleanSupplier;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
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

    /** A local (unmanaged) user of the test realm, with names and an e-mail {@code <username>@corp.test}; its id. */
    protected String localUser(String username) {
        UserRepresentation u = new UserRepresentation();
        u.setUsername(username);
        u.setFirstName("Local");
        u.setLastName("User");
        u.setEmail(username + "@corp.test");
        u.setEnabled(true);
        try (Response r = realm.admin().users().create(u)) {
            if (r.getStatus() != 201) {
                throw new AssertionError("user " + username + " not created: " + r.getStatus() + " " + r.readEntity(String.class));
            }
            String location = r.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    /** Links a user of the test realm to identity provider {@code alias} (an OIDC provider that is never called). */
    protected void linkToIdentityProvider(String userId, String alias) {
        if (realm.admin().identityProviders().findAll().stream().noneMatch(p -> p.getAlias().equals(alias))) {
            IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
            idp.setAlias(alias);
            idp.setProviderId("oidc");
            idp.setEnabled(true);
            idp.setConfig(Map.of("clientId", "kc", "clientSecret", "s", "authorizationUrl", "https://idp.invalid/auth",
                "tokenUrl", "https://idp.invalid/token", "clientAuthMethod", "client_secret_post"));
            realm.admin().identityProviders().create(idp).close();
        }
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider(alias);
        link.setUserId("idp-" + userId);
        link.setUserName(realm.admin().users().get(userId).toRepresentation().getUsername());
        realm.admin().users().get(userId).addFederatedIdentity(alias, link).close();
    }

    /** A public client {@code cli} of the test realm that may sign users in by direct grant (resource-owner password). */
    protected void directGrantClient() {
        org.keycloak.representations.idm.ClientRepresentation cli = new org.keycloak.representations.idm.ClientRepresentation();
        cli.setClientId("cli");
        cli.setPublicClient(true);
        cli.setDirectAccessGrantsEnabled(true);
        try (Response r = realm.admin().clients().create(cli)) {
            if (r.getStatus() != 201) {
                throw new AssertionError("client cli not created: " + r.getStatus());
            }
        }
    }

    /** A direct grant of {@link #directGrantClient()}'s client, answered as Keycloak answers it. */
    protected Http.Result directGrant(String username, String password) {
        return Http.form(urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token",
            Map.of("grant_type", "password", "client_id", "cli", "username", username, "password", password));
    }

    /** Whether the password signs the user in by direct grant; an answer other than a refusal of it fails the test. */
    protected boolean signsIn(String username, String password) {
        Http.Result r = directGrant(username, password);
        if (r.status() != 200 && !r.body().contains("invalid_grant")) {
            throw new AssertionError("direct grant of " + username + ": " + r);
        }
        return r.status() == 200;
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
