package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncServerConfig;

/**
 * The console pages in a real browser (SPEC §5, issue 12): each test seeds the realm through the admin API and SCIM,
 * then runs a Playwright spec of admin-console/e2e that signs in as a master-realm admin and drives the pages, with
 * an axe-core accessibility check on each. Needs Debian's chromium: run with {@code mvn -Pbrowser verify}
 * ({@code .ci/run} does, after installing it); not part of the README's test command.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ConsoleBrowserSuite extends BrowserSuiteBase {

    @Test
    void theDirectoriesPageListsEveryDirectoryWithItsCounts() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta Production");
        String ada = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("ada", "Ada", "Lovelace", "ada@corp.test")));
        String group = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Engineering",
            "members", List.of(Map.of("value", ada)))));
        dirsync.scimDirectory("Okta Staging");
        Map<String, Object> seed = seed();
        seed.put("scimDirectoryId", okta.id());
        seed.put("groupId", group);
        Browser.run("directories.spec.ts", urls.getBase(), seed);
    }

    @Test
    void aScimDirectoryIsSetUpThroughTheWizardAndItsMappingsEdited() {
        Map<String, Object> seed = seed();
        seed.put("scimDirectoryId", dirsync.scimDirectory("Mapped Okta").id());
        Browser.run("scim-directory.spec.ts", urls.getBase(), seed);
    }

    @Test
    void anAdminWhoMayOnlyViewUsersSeesNoActionButton() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Viewed Okta");
        String userId = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("alan", "Alan", "Turing", "alan@corp.test")));
        Map<String, Object> seed = seed();
        seed.put("scimDirectoryId", okta.id());
        seed.put("userId", userId);
        String viewer = "viewer-" + realm.getName().toLowerCase();
        viewOnlyMasterAdmin(viewer, VIEWER_PASSWORD);
        seed.put("viewer", viewer);
        seed.put("viewerPassword", VIEWER_PASSWORD);
        Browser.run("view-only.spec.ts", urls.getBase(), seed);
    }

    /**
     * An admin with only {@code manage-realm} (the API lets it read and change directories' configuration, not their
     * users): it reaches the directories from the navigation, configures them, and sees no page or tab about users.
     */
    @Test
    void anAdminWhoMayOnlyManageTheRealmConfiguresDirectoriesWithoutSeeingTheirUsers() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Configured Okta");
        okta.scim("POST", "/Users", DirSync.scimUser("grace", "Grace", "Hopper", "grace@corp.test"));
        Map<String, Object> seed = seed();
        seed.put("scimDirectoryId", okta.id());
        String configurer = "configurer-" + realm.getName().toLowerCase();
        masterAdmin(configurer, VIEWER_PASSWORD, "manage-realm");
        seed.put("configurer", configurer);
        seed.put("configurerPassword", VIEWER_PASSWORD);
        Browser.run("realm-config-only.spec.ts", urls.getBase(), seed);
        assertEquals("Configured Okta (renamed)", dirsync.admin("GET", "/directories/" + okta.id(), null).json()
            .get("name").asText(), "the console's save reached the server");
    }

    static final String VIEWER_PASSWORD = "Viewer-Pass-123";

}
