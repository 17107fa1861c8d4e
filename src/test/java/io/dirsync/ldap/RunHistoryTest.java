package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;

/**
 * Issue 12's run history as the console reads it: a running pull shows its progress (entries read, applied, failed,
 * the page it is on), written a page at a time so that another request sees it while the run goes on, and the finished
 * report keeps the last figures; the history has a total for paging ({@code runs/count}) and pages newest first.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class RunHistoryTest extends DirSyncIntegrationTest {

    TestDirectory ldap;

    @AfterEach
    void tearDown() {
        if (ldap != null) {
            ldap.close();
        }
    }

    @Test
    void aRunningSyncShowsItsProgressPageByPageAndItsReportKeepsTheLastFigures() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        Assumptions.assumeTrue(ldap.inMemory(), "needs the in-memory server to hold a page back");
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            dns.add(ldap.user(String.format("p%02d", i), "Paged", "User" + i, "p" + i + "@example.org"));
        }
        String everyone = ldap.group("Everyone", dns.toArray(String[]::new));
        // One entry fails: its username is a local administrator's, which a directory never adopts (rule 2).
        privilegedLocalUser("p05");
        Map<String, Object> settings = ldap.settings("uid"); // pages of 5: 5, 5, 5, 5, 3
        settings.put("syncedGroups", List.of(everyone));
        String id = dirsync.ldapDirectory("Paged LDAP", settings);

        ldap.holdPagedSearchesAfter(2);
        Http.Result started = dirsync.admin("POST", "/directories/" + id + "/sync?wait=0", Map.of("kind", "full"));
        assertEquals(202, started.status(), started::toString);
        String runId = started.json().get("id").asText();
        String runUrl = "/directories/" + id + "/runs/" + runId;

        // Pages 1 and 2 are applied, page 3 is held back by the directory: the run shows where it is.
        JsonNode running = waitForRun(runUrl, r -> r.at("/progress/page").asInt() == 2
            && r.at("/progress/applied").asLong() + r.at("/progress/failed").asLong() == 10);
        assertEquals("running", running.get("status").asText(), running::toString);
        assertTrue(running.path("endedAt").isMissingNode() || running.get("endedAt").isNull(), running::toString);
        assertEquals(10, running.at("/progress/read").asLong(), running::toString);
        assertTrue(running.at("/progress/updatedAt").asLong() >= running.get("startedAt").asLong(), running::toString);
        JsonNode listed = dirsync.admin("GET", "/directories/" + id + "/runs?first=0&max=20", null).json().get(0);
        assertEquals(runId, listed.get("id").asText(), "the history shows the running run first");
        assertEquals(running.get("progress"), listed.get("progress"), listed::toString);
        assertEquals(1, dirsync.admin("GET", "/directories/" + id + "/runs/count", null).json().get("count").asInt());

        ldap.releasePages();
        JsonNode done = waitForRun(runUrl, r -> !r.get("status").asText().equals("running"));
        assertEquals("completed", done.get("status").asText(), done::toString);
        assertEquals(23, done.at("/progress/read").asLong(), done::toString);
        assertEquals(22, done.at("/progress/applied").asLong(), done::toString);
        assertEquals(1, done.at("/progress/failed").asLong(), done::toString);
        assertEquals(5, done.at("/progress/page").asInt(), done::toString);
        assertEquals(22, done.at("/userCounts/created").asInt(), done::toString);
        assertEquals(1, done.at("/counts/failed").asInt(), done::toString);
        assertTrue(done.at("/errors/0/subject").asText().startsWith("uid=p05,"), done::toString);
        assertTrue(done.get("held").isEmpty(), done::toString);
    }

    @Test
    void aHeldRunListsWhomItWouldTrashUntilItIsConfirmed() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            dns.add(ldap.user("h" + i, "Held", "User" + i, "h" + i + "@example.org"));
        }
        String everyone = ldap.group("Everyone", dns.toArray(String[]::new));
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(everyone));
        String id = dirsync.ldapDirectory("Held LDAP", settings);
        dirsync.fullSync(id);
        for (int i = 0; i < 10; i++) {
            ldap.removeMember(everyone, dns.get(i));
        }

        JsonNode held = dirsync.fullSync(id);
        assertEquals("held", held.get("status").asText(), held::toString);
        assertEquals(10, held.at("/counts/held").asInt(), held::toString);
        assertEquals(10, held.get("held").size(), held::toString);
        Set<String> names = new LinkedHashSet<>();
        held.get("held").forEach(u -> names.add(u.get("username").asText()));
        assertTrue(names.contains("h0") && names.contains("h9") && !names.contains("h10"), names::toString);
        JsonNode first = held.at("/held/0");
        assertEquals(realm.admin().users().search(first.get("username").asText(), true).get(0).getId(),
            first.get("userId").asText());
        assertEquals(2, held.at("/progress/read").asLong(), "the two users still in the group: " + held);

        String runUrl = "/directories/" + id + "/runs/" + held.get("id").asText();
        assertEquals(200, dirsync.admin("POST", runUrl + "/confirm", null).status());
        JsonNode confirmed = dirsync.admin("GET", runUrl, null).json();
        assertEquals("completed", confirmed.get("status").asText());
        assertEquals(10, confirmed.at("/counts/trashed").asInt(), confirmed::toString);
        assertTrue(confirmed.get("held").isEmpty(), "a confirmed run's report says what it trashed: " + confirmed);
    }

    @Test
    void theHistoryHasATotalAndPagesNewestFirst() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String alice = ldap.user("alice", "Alice", "Liddell", "alice@example.org");
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(ldap.group("Engineering", alice)));
        String id = dirsync.ldapDirectory("Counted LDAP", settings);
        assertEquals(0, dirsync.admin("GET", "/directories/" + id + "/runs/count", null).json().get("count").asInt());
        for (int i = 0; i < 3; i++) {
            dirsync.fullSync(id);
        }
        Http.Result single = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "user", "username", "alice"));
        assertEquals(200, single.status(), single::toString);

        Http.Result count = dirsync.admin("GET", "/directories/" + id + "/runs/count", null);
        assertEquals(200, count.status(), count::toString);
        assertEquals(4, count.json().get("count").asInt(), count::toString);
        List<JsonNode> runs = new ArrayList<>();
        dirsync.admin("GET", "/directories/" + id + "/runs?first=0&max=2", null).json().forEach(runs::add);
        dirsync.admin("GET", "/directories/" + id + "/runs?first=2&max=2", null).json().forEach(runs::add);
        assertEquals(4, runs.stream().map(r -> r.get("id").asText()).distinct().count(), runs::toString);
        assertEquals("user", runs.get(0).get("kind").asText(), "the newest first");
        for (int i = 1; i < runs.size(); i++) {
            assertTrue(runs.get(i - 1).get("startedAt").asLong() >= runs.get(i).get("startedAt").asLong(), runs::toString);
        }
        assertEquals(0, dirsync.admin("GET", "/directories/" + id + "/runs?first=4&max=2", null).json().size());
        assertNotNull(runs.get(0).get("progress"), "a pull run reports its progress");

        // Another directory's id, or none: 404 naming it.
        Http.Result unknown = dirsync.admin("GET", "/directories/no-such-directory/runs/count", null);
        assertEquals(404, unknown.status(), unknown::toString);
        // A day's pushes report no progress.
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Counted Okta");
        okta.scim("POST", "/Users", DirSync.scimUser("ada", "Ada", "Lovelace", "ada@corp.test"));
        assertEquals(1, dirsync.admin("GET", "/directories/" + okta.id() + "/runs/count", null).json().get("count").asInt());
        JsonNode push = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().get(0);
        assertFalse(push.has("progress"), push::toString);

        // The total is read with view-users, as the history is.
        String viewer = bearerOf(adminWith("view-users"));
        Http.Result viewed = Http.send("GET", dirsync.adminUrl("/directories/" + id + "/runs/count"), viewer, null);
        assertEquals(200, viewed.status(), viewed::toString);
        Http.Result nobody = Http.send("GET", dirsync.adminUrl("/directories/" + id + "/runs/count"),
            bearerOf(adminWith("view-realm")), null);
        assertEquals(403, nobody.status(), nobody::toString);
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode waitForRun(String runUrl, java.util.function.Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            Http.Result r = dirsync.admin("GET", runUrl, null);
            assertEquals(200, r.status(), r::toString);
            last = r.json();
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run never got there; last seen: " + last);
    }

    /** A local user holding a realm-management role: an administrator (rule 2 never adopts it). */
    private void privilegedLocalUser(String username) {
        String userId = localUser(username);
        grant(userId, "view-users");
    }

    /** A user of the test realm with one realm-management role and a password; its username. */
    private String adminWith(String role) {
        String username = "admin-" + role;
        String userId = localUser(username);
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue("Adm1n-Passw0rd!");
        password.setTemporary(false);
        realm.admin().users().get(userId).resetPassword(password);
        grant(userId, role);
        return username;
    }

    private void grant(String userId, String role) {
        ClientRepresentation rm = realm.admin().clients().findByClientId("realm-management").get(0);
        RoleRepresentation r = realm.admin().clients().get(rm.getId()).roles().get(role).toRepresentation();
        realm.admin().users().get(userId).roles().clientLevel(rm.getId()).add(List.of(r));
    }

    /** A bearer token of the test realm's admin-cli for a user made by {@link #adminWith}. */
    private String bearerOf(String username) {
        Http.Result token = Http.form(urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token",
            Map.of("grant_type", "password", "client_id", "admin-cli", "username", username, "password", "Adm1n-Passw0rd!"));
        assertEquals(200, token.status(), token::toString);
        return "Bearer " + token.json().get("access_token").asText();
    }
}
