package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

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
class RunsBrowserSuite extends BrowserSuiteBase {

    static final String VIEWER_PASSWORD = "V1ewer-Passw0rd!";

    TestDirectory ldap;

    @AfterEach
    void tearDown() {
        if (ldap != null) {
            ldap.close();
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
        String viewer = "viewer-" + realm.getName().toLowerCase();
        viewOnlyMasterAdmin(viewer, VIEWER_PASSWORD);
        seed.put("viewerUser", viewer);
        seed.put("viewerPassword", VIEWER_PASSWORD);
        Browser.run("runs-held.spec.ts", urls.getBase(), seed);

        JsonNode confirmed = dirsync.admin("GET", "/directories/" + id + "/runs/" + held.get("id").asText(), null).json();
        assertEquals("completed", confirmed.get("status").asText(), confirmed::toString);
        assertEquals(10, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    // ------------------------------------------------------------------ helpers

    /** An LDAP directory with setup completed (active: it can be paused). */
    private String activeLdapDirectory(String name, Map<String, Object> settings) {
        String id = dirsync.ldapDirectory(name, settings);
        Http.Result setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        return id;
    }

}
