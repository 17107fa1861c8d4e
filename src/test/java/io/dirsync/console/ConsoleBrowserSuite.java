package io.dirsync.console;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;

/**
 * The console pages in a real browser (SPEC §5, issue 12): each test seeds the realm through the admin API and SCIM,
 * then runs a Playwright spec of admin-console/e2e that signs in as a master-realm admin and drives the pages, with
 * an axe-core accessibility check on each. Needs Debian's chromium: run with {@code mvn -Pbrowser verify}
 * ({@code .ci/run} does, after installing it); not part of the README's test command.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ConsoleBrowserSuite extends DirSyncIntegrationTest {

    /** The bootstrap admin of Keycloak's test framework (a master-realm admin). */
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin";

    @BeforeEach
    void selectTheAdminTheme() {
        // A master-realm admin gets master's admin theme, whichever realm they manage.
        RealmRepresentation master = admin.realm("master").toRepresentation();
        if (!"dirsync".equals(master.getAdminTheme())) {
            master.setAdminTheme("dirsync");
            admin.realm("master").update(master);
        }
    }

    private Map<String, Object> seed() {
        Map<String, Object> seed = new HashMap<>();
        seed.put("realm", realm.getName());
        seed.put("adminUser", ADMIN);
        seed.put("adminPassword", ADMIN_PASSWORD);
        return seed;
    }

    @Test
    void theDirectoriesPageListsEveryDirectoryWithItsCounts() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta Production");
        okta.scim("POST", "/Users", DirSync.scimUser("ada", "Ada", "Lovelace", "ada@corp.test"));
        Map<String, Object> seed = seed();
        seed.put("scimDirectoryId", okta.id());
        Browser.run("directories.spec.ts", urls.getBase(), seed);
    }
}
