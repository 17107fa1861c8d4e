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
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

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

    /** The heartbeat limit the test server is started with (DirSyncServerConfig). */
    static final long HEARTBEAT_TIMEOUT_MILLIS = DirSyncServerConfig.RUN_HEARTBEAT_TIMEOUT_SECONDS * 1000L;

    TestDirectory ldap;

    @InjectRunOnServer(permittedPackages = {"io.dirsync.ldap", "io.dirsync.it"})
    RunOnServerClient onServer;

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

    @Test
    void aRunWaitingOnAPageLongerThanTheHeartbeatLimitKeepsBeatingAndIsNotClosed() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        Assumptions.assumeTrue(ldap.inMemory(), "needs the in-memory server to hold a page back");
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            dns.add(ldap.user(String.format("b%02d", i), "Beat", "User" + i, "b" + i + "@example.org"));
        }
        Map<String, Object> settings = ldap.settings("uid"); // pages of 5
        settings.put("syncedGroups", List.of(ldap.group("Everyone", dns.toArray(String[]::new))));
        String id = dirsync.ldapDirectory("Beating LDAP", settings);
        String node = onServer.fetchString(session -> io.dirsync.engine.ClusterNode.name(session));

        ldap.holdPagedSearchesAfter(1);
        Http.Result started = dirsync.admin("POST", "/directories/" + id + "/sync?wait=0", Map.of("kind", "full"));
        assertEquals(202, started.status(), started::toString);
        String runUrl = "/directories/" + id + "/runs/" + started.json().get("id").asText();
        JsonNode first = waitForRun(runUrl, r -> r.at("/progress/page").asInt() == 1, 60);
        assertEquals(node, first.get("node").asText(), "the run names the node running it: " + first);
        long firstBeat = first.get("heartbeatAt").asLong();

        // The directory holds page 2 back (an LDAP server slow to answer, a throttled Graph call): the run's thread writes
        // nothing, its node's heartbeat goes on. Once the beats span more than the limit, with the schedule ticking every
        // 2 s all along, the run is still running: only a node that stopped answering has its runs closed.
        JsonNode waited = waitForRun(runUrl, r -> !r.get("status").asText().equals("running")
            || r.get("heartbeatAt").asLong() > firstBeat + HEARTBEAT_TIMEOUT_MILLIS + 4_000, 180);
        assertEquals("running", waited.get("status").asText(), "a live run was closed: " + waited);
        assertEquals(1, waited.at("/progress/page").asInt(), "the run went on without its page: " + waited);

        ldap.releasePages();
        JsonNode done = waitForRun(runUrl, r -> !r.get("status").asText().equals("running"), 60);
        assertEquals("completed", done.get("status").asText(), done::toString);
        assertEquals(12, done.at("/userCounts/created").asInt(), done::toString);
        assertEquals(node, done.get("node").asText(), done::toString);
    }

    @Test
    void aRunWhoseNodeStoppedAnsweringIsClosedAsFailedByTheNextTickNamingTheNode() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Orphaned Runs");
        String realmId = realm.getId();
        String directoryId = okta.id();
        // Rows as a killed node leaves them: a pull still running whose node's last beat is older than the limit, and one
        // opened by a release without heartbeats (no node, no beat), which only the directory's next pull closes.
        long limit = HEARTBEAT_TIMEOUT_MILLIS;
        String ids = onServer.fetchString(session -> {
            io.dirsync.storage.DirSyncStore store = new io.dirsync.storage.DirSyncStore(session);
            StringBuilder made = new StringBuilder();
            for (String node : new String[] {"node-that-died", null}) {
                io.dirsync.storage.SyncRunEntity r = new io.dirsync.storage.SyncRunEntity();
                r.setId(org.keycloak.models.utils.KeycloakModelUtils.generateId());
                r.setRealmId(realmId);
                r.setDirectoryId(directoryId);
                r.setKind(io.dirsync.storage.RunKind.FULL);
                r.setStatus(io.dirsync.storage.RunStatus.RUNNING);
                r.setStartedAt(org.keycloak.common.util.Time.currentTimeMillis() - 2 * limit);
                r.setNode(node);
                r.setHeartbeatAt(node == null ? null : System.currentTimeMillis() - limit - 60_000);
                store.persist(r);
                made.append(made.length() == 0 ? "" : ",").append(r.getId());
            }
            return made.toString();
        });
        String dead = ids.split(",")[0];
        String old = ids.split(",")[1];
        JsonNode closed = waitForRun("/directories/" + directoryId + "/runs/" + dead,
            r -> !r.get("status").asText().equals("running"), 60);
        assertEquals("failed", closed.get("status").asText(), closed::toString);
        assertTrue(closed.get("message").asText().startsWith("Node node-that-died stopped answering"), closed::toString);
        assertTrue(closed.get("endedAt").asLong() > 0, closed::toString);
        // The tick that closed the dead node's run has left the beat-less one as it was.
        JsonNode untouched = dirsync.admin("GET", "/directories/" + directoryId + "/runs/" + old, null).json();
        assertEquals("running", untouched.get("status").asText(), untouched::toString);
    }

    // ------------------------------------------------------------------ helpers

    /** The run's report once {@code until} holds, read every 100 ms for at most {@code seconds}; fails with the last one. */
    private JsonNode waitForRun(String runUrl, java.util.function.Predicate<JsonNode> until, int seconds)
        throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
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

    private JsonNode waitForRun(String runUrl, java.util.function.Predicate<JsonNode> until) throws InterruptedException {
        return waitForRun(runUrl, until, 60);
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
