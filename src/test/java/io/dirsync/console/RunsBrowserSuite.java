package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;
import io.dirsync.ldap.TestDirectory;

/**
 * The Sync and History tabs of a directory and a run's report in a real browser (issue 12): an LDAP directory on an
 * in-JVM LDAP server, synced from the Sync tab while the page follows the run's progress; its report in History; a
 * held run (rule 10) whose users go to the trash when an admin confirms it; a view-users admin who sees no Sync,
 * Pause or Confirm button. Run with {@code mvn -Pbrowser verify -Dtest=RunsBrowserSuite}.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class RunsBrowserSuite extends DirSyncIntegrationTest {

    static final String VIEWER_PASSWORD = "V1ewer-Passw0rd!";

    TestDirectory ldap;
    String viewerId;

    @BeforeEach
    void selectTheAdminTheme() {
        RealmRepresentation master = admin.realm("master").toRepresentation();
        if (!"dirsync".equals(master.getAdminTheme())) {
            master.setAdminTheme("dirsync");
            admin.realm("master").update(master);
        }
    }

    @AfterEach
    void tearDown() {
        if (ldap != null) {
            ldap.close();
        }
        if (viewerId != null) {
            admin.realm("master").users().get(viewerId).remove();
        }
    }

    @Test
    void syncNowFromTheSyncTabFollowsTheRunAndHistoryShowsItsReport() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            dns.add(ldap.user(String.format("u%02d", i), "Sync", "User" + i, "u" + i + "@example.org"));
        }
        Map<String, Object> settings = ldap.settings("uid"); // pages of 5
        settings.put("syncedGroups", List.of(ldap.group("Engineering", dns.toArray(String[]::new))));
        String id = activeLdapDirectory("Corp LDAP", settings);
        // A directory that answers slowly: the page sees the run going on, page by page.
        ldap.slowPagedSearches(2500);

        Map<String, Object> seed = seed();
        seed.put("directoryId", id);
        Browser.run("runs-sync.spec.ts", urls.getBase(), seed);

        JsonNode runs = dirsync.admin("GET", "/directories/" + id + "/runs", null).json();
        assertEquals(2, runs.size(), "a full and a single-user sync: " + runs);
        assertEquals("user", runs.get(0).get("kind").asText());
        assertEquals(12, runs.get(1).at("/userCounts/created").asInt(), runs::toString);
    }

    @Test
    void aHeldRunShowsWhomItWouldTrashAndConfirmingItTrashesThem() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            dns.add(ldap.user(String.format("h%02d", i), "Held", "User" + i, "h" + i + "@example.org"));
        }
        String everyone = ldap.group("Everyone", dns.toArray(String[]::new));
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(everyone));
        String id = activeLdapDirectory("Held LDAP", settings);
        dirsync.fullSync(id);
        for (int i = 0; i < 10; i++) {
            ldap.removeMember(everyone, dns.get(i)); // 10 of 12 leave: more than the guard's 20 %
        }
        JsonNode held = dirsync.fullSync(id);
        assertEquals("held", held.get("status").asText(), held::toString);

        Map<String, Object> seed = seed();
        seed.put("directoryId", id);
        seed.put("heldRunId", held.get("id").asText());
        seed.put("viewerUser", viewer());
        seed.put("viewerPassword", VIEWER_PASSWORD);
        Browser.run("runs-held.spec.ts", urls.getBase(), seed);

        JsonNode confirmed = dirsync.admin("GET", "/directories/" + id + "/runs/" + held.get("id").asText(), null).json();
        assertEquals("completed", confirmed.get("status").asText(), confirmed::toString);
        assertEquals(10, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    // ------------------------------------------------------------------ helpers

    private Map<String, Object> seed() {
        Map<String, Object> seed = new HashMap<>();
        seed.put("realm", realm.getName());
        seed.put("adminUser", ConsoleBrowserSuite.ADMIN);
        seed.put("adminPassword", ConsoleBrowserSuite.ADMIN_PASSWORD);
        return seed;
    }

    /** An LDAP directory with setup completed (active: it can be paused). */
    private String activeLdapDirectory(String name, Map<String, Object> settings) {
        String id = dirsync.ldapDirectory(name, settings);
        Http.Result setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        return id;
    }

    /** A master-realm admin who may only view the test realm's users (view-users); its username. */
    private String viewer() {
        String username = "viewer-" + realm.getName().toLowerCase();
        UserRepresentation u = new UserRepresentation();
        u.setUsername(username);
        u.setFirstName("View");
        u.setLastName("Only");
        u.setEmail(username + "@corp.test");
        u.setEmailVerified(true);
        u.setEnabled(true);
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(VIEWER_PASSWORD);
        password.setTemporary(false);
        u.setCredentials(List.of(password));
        try (Response r = admin.realm("master").users().create(u)) {
            assertEquals(201, r.getStatus(), () -> r.readEntity(String.class));
            String location = r.getLocation().toString();
            viewerId = location.substring(location.lastIndexOf('/') + 1);
        }
        ClientRepresentation realmClient = admin.realm("master").clients().findByClientId(realm.getName() + "-realm").get(0);
        RoleRepresentation viewUsers = admin.realm("master").clients().get(realmClient.getId()).roles().get("view-users")
            .toRepresentation();
        admin.realm("master").users().get(viewerId).roles().clientLevel(realmClient.getId()).add(List.of(viewUsers));
        return username;
    }
}
