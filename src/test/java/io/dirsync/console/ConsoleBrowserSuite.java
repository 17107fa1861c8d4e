package io.dirsync.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
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
        seed.put("viewer", masterAdminWithRealmRoles("viewer-" + realm.getName(), "view-users"));
        seed.put("viewerPassword", VIEWER_PASSWORD);
        Browser.run("view-only.spec.ts", urls.getBase(), seed);
    }

    static final String VIEWER_PASSWORD = "Viewer-Pass-123";

    /**
     * A master-realm user holding only these roles of the test realm (client roles of master's client
     * {@code <realm>-realm}), as a master admin delegates one realm; its username.
     */
    private String masterAdminWithRealmRoles(String username, String... roles) {
        var users = admin.realm("master").users();
        if (users.searchByUsername(username, true).isEmpty()) {
            UserRepresentation u = new UserRepresentation();
            u.setUsername(username);
            u.setEnabled(true);
            u.setFirstName("View");
            u.setLastName("Only");
            u.setEmail(username + "@corp.test");
            u.setEmailVerified(true);
            CredentialRepresentation password = new CredentialRepresentation();
            password.setType(CredentialRepresentation.PASSWORD);
            password.setValue(VIEWER_PASSWORD);
            password.setTemporary(false);
            u.setCredentials(List.of(password));
            try (Response r = users.create(u)) {
                if (r.getStatus() != 201) {
                    throw new AssertionError("viewer not created: " + r.getStatus());
                }
            }
        }
        String userId = users.searchByUsername(username, true).get(0).getId();
        ClientRepresentation realmClient = admin.realm("master").clients().findByClientId(realm.getName() + "-realm").get(0);
        List<RoleRepresentation> wanted = java.util.Arrays.stream(roles)
            .map(role -> admin.realm("master").clients().get(realmClient.getId()).roles().get(role).toRepresentation())
            .toList();
        users.get(userId).roles().clientLevel(realmClient.getId()).add(wanted);
        return username;
    }
}
