package io.dirsync.cluster;

import static io.dirsync.cluster.Nodes.admin;
import static io.dirsync.cluster.Nodes.count;
import static io.dirsync.cluster.Nodes.ctl;
import static io.dirsync.cluster.Nodes.db;
import static io.dirsync.cluster.Nodes.onNode;
import static io.dirsync.cluster.Nodes.one;
import static io.dirsync.cluster.Nodes.runs;
import static io.dirsync.cluster.Nodes.scim;
import static io.dirsync.cluster.Nodes.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import io.dirsync.it.DirSync;
import io.dirsync.it.Http;
import io.dirsync.ldap.TestDirectory;

/**
 * Issue 15, two nodes: two {@code kc.sh start} processes of the 26.7.3 distribution on one PostgreSQL, clustered by
 * Keycloak's default ispn stack (JDBC_PING), started by {@code .ci/cluster.sh}, which passes their base URLs
 * ({@code dirsync.cluster.nodes}), the database ({@code dirsync.cluster.db.*}) and a control script
 * ({@code dirsync.cluster.ctl}: {@code kill9 N}, {@code start N}). Not in the default suite (its name ends in Suite).
 *
 * <p>Figures: {@code dirsync.cluster.users} (default 500), {@code dirsync.cluster.groups} (10),
 * {@code dirsync.cluster.periods} (3), {@code dirsync.cluster.killUsers} (2000); the script passes 1,000 users, 20
 * groups and 3,000 LDAP users, and with {@code CLUSTER_FULL=1} 5,000 users, 50 groups and 10,000 LDAP users. The SCIM
 * burst with a killed node sends half the users (at least 200).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSuite {

    private static final String[] NODES = Nodes.URLS;
    private static final int USERS = Integer.getInteger("dirsync.cluster.users", 500);
    private static final int GROUPS = Integer.getInteger("dirsync.cluster.groups", 10);
    private static final int PERIODS = Integer.getInteger("dirsync.cluster.periods", 3);
    private static final int KILL_USERS = Integer.getInteger("dirsync.cluster.killUsers", 2000);
    private static final int CLIENTS = 8;

    private static final Keycloak[] ADMINS = new Keycloak[2];
    private static final List<TestDirectory> LDAP = new ArrayList<>();

    @BeforeAll
    static void connect() {
        for (int i = 0; i < 2; i++) {
            waitUntil("node " + (i + 1) + " ready", () -> true, 1);
            ADMINS[i] = admin(i);
        }
    }

    @AfterAll
    static void close() {
        for (int i = 0; i < 2; i++) {
            try {
                setOffset(i, 0);
            } catch (RuntimeException | AssertionError ignored) {
                // a node the kill test left down: nothing to reset
            }
            if (ADMINS[i] != null) {
                ADMINS[i].close();
            }
        }
        LDAP.forEach(TestDirectory::close);
    }

    // ------------------------------------------------------------------ 1. admin changes reach the other node at once

    @Test
    @Order(1)
    void anAdminChangeOnNodeOneTakesEffectOnNodeTwoAtOnce() {
        String realm = realm("admin-change");
        DirSync one = new DirSync(ADMINS[0], realm, NODES[0]);
        DirSync two = new DirSync(ADMINS[1], realm, NODES[1]);
        DirSync.ScimDirectory d = one.scimDirectory("Cluster Okta");
        String base2 = onNode(1, d.baseUrl());
        // Node 2 serves the directory first, so anything it kept per node would be warm.
        assertEquals(201, scim(base2, d.token(), "POST", "/Users", DirSync.scimUser("warm", "W", "Arm", "warm@corp.test")).status());

        // A token regenerated on node 1: node 2 refuses the old one on its next request and takes the new one.
        Http.Result regenerated = one.admin("POST", "/directories/" + d.id() + "/token", null);
        assertEquals(200, regenerated.status(), regenerated::toString);
        String token = regenerated.json().get("token").asText();
        assertEquals(401, scim(base2, d.token(), "GET", "/Users", null).status(), "node 2 still took the old token");
        assertEquals(200, scim(base2, token, "GET", "/Users", null).status(), "node 2 refused the new token");

        // A mapping changed on node 1: node 2's next create uses it.
        Http.Result mapped = one.admin("PUT", "/directories/" + d.id(),
            Map.of("settings", Map.of("mappings", List.of(Map.of("source", "nickName", "target", "alias1")))));
        assertEquals(200, mapped.status(), mapped::toString);
        Map<String, Object> nick = new HashMap<>(DirSync.scimUser("nicked", "N", "Icked", "nicked@corp.test"));
        nick.put("nickName", "nick-on-two");
        Http.Result created = scim(base2, token, "POST", "/Users", nick);
        assertEquals(201, created.status(), created::toString);
        UserRepresentation u = ADMINS[1].realm(realm).users().get(DirSync.id(created)).toRepresentation();
        assertEquals(List.of("nick-on-two"), u.getAttributes() == null ? null : u.getAttributes().get("alias1"),
            "node 2 created the user without node 1's new mapping");

        // Paused on node 1: node 2's SCIM refuses (401, as for credentials refused, saying why); resumed: it serves again.
        assertEquals(200, one.admin("POST", "/directories/" + d.id() + "/pause", null).status());
        Http.Result paused = scim(base2, token, "POST", "/Users", DirSync.scimUser("late", "L", "Ate", "late@corp.test"));
        assertEquals(401, paused.status(), paused::toString);
        assertTrue(paused.body().contains("is paused in Keycloak"), paused::toString);
        assertEquals(200, one.admin("POST", "/directories/" + d.id() + "/resume", null).status());
        assertEquals(201, scim(base2, token, "POST", "/Users", DirSync.scimUser("late", "L", "Ate", "late@corp.test")).status());
        assertEquals(200, two.admin("GET", "/directories/" + d.id(), null).status());
    }

    // ------------------------------------------------------------------ 2. SCIM on both nodes, duplicates on purpose

    @Test
    @Order(2)
    void eightClientsOnTwoNodesCreateEveryUserOnceWithEveryMembership() throws Exception {
        String realm = realm("scim-load");
        DirSync.ScimDirectory d = new DirSync(ADMINS[0], realm, NODES[0]).scimDirectory("Load Okta");
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, String> ids = new ConcurrentHashMap<>();
        AtomicInteger duplicatesSent = new AtomicInteger();
        long started = System.currentTimeMillis();

        // Client c sends the users n with n % 8 == c; every 10th user is also sent by the next client, on the other node,
        // at about the same moment (both lists are in the order of n).
        List<List<Integer>> work = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            work.add(new ArrayList<>());
        }
        for (int n = 0; n < USERS; n++) {
            work.get(n % CLIENTS).add(n);
            if (n % 10 == 0) {
                work.get((n + 1) % CLIENTS).add(n);
                duplicatesSent.incrementAndGet();
            }
        }
        for (List<Integer> w : work) {
            w.sort(null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    String base = onNode(client % 2, d.baseUrl());
                    for (int n : work.get(client)) {
                        String name = "load-" + n;
                        Http.Result r = scim(base, d.token(), "POST", "/Users", DirSync.scimUser(name, "L" + n, "Oad", name + "@corp.test"));
                        count(statuses, "POST /Users", r.status());
                        if (r.status() == 201) {
                            String before = ids.putIfAbsent(name, DirSync.id(r));
                            assertEquals(null, before, "two creates of " + name + " both answered 201");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.MINUTES);
            }

            // Groups, each created on one node; members added in chunks of 25, the chunks spread over both nodes.
            Map<Integer, String> groups = new ConcurrentHashMap<>();
            List<Future<?>> made = new ArrayList<>();
            for (int g = 0; g < GROUPS; g++) {
                int group = g;
                made.add(pool.submit(() -> {
                    Http.Result r = scim(onNode(group % 2, d.baseUrl()), d.token(), "POST", "/Groups", Map.of(
                        "schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", "Load Group " + group));
                    count(statuses, "POST /Groups", r.status());
                    assertEquals(201, r.status(), r::toString);
                    groups.put(group, DirSync.id(r));
                    return null;
                }));
            }
            for (Future<?> f : made) {
                f.get(10, TimeUnit.MINUTES);
            }
            List<Future<?>> patched = new ArrayList<>();
            AtomicInteger chunkNo = new AtomicInteger();
            for (int g = 0; g < GROUPS; g++) {
                List<String> members = new ArrayList<>();
                for (int n = g; n < USERS; n += GROUPS) {
                    members.add(ids.get("load-" + n));
                }
                for (int from = 0; from < members.size(); from += 25) {
                    List<Map<String, String>> chunk = members.subList(from, Math.min(members.size(), from + 25)).stream()
                        .map(id -> Map.of("value", id)).toList();
                    String groupId = groups.get(g);
                    int node = chunkNo.getAndIncrement() % 2;
                    patched.add(pool.submit(() -> {
                        Http.Result r = scim(onNode(node, d.baseUrl()), d.token(), "PATCH", "/Groups/" + groupId, Map.of(
                            "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                            "Operations", List.of(Map.of("op", "add", "path", "members", "value", chunk))));
                        count(statuses, "PATCH /Groups", r.status());
                        return null;
                    }));
                }
            }
            for (Future<?> f : patched) {
                f.get(30, TimeUnit.MINUTES);
            }
            long seconds = (System.currentTimeMillis() - started) / 1000;
            System.out.printf("[cluster] SCIM load: %d users (%d duplicates sent), %d groups, %d s; statuses %s%n",
                USERS, duplicatesSent.get(), GROUPS, seconds, new TreeMap<>(statuses));

            assertTrue(statuses.keySet().stream().noneMatch(k -> k.endsWith(" 5xx") || k.contains(" 5")),
                "5xx answers: " + statuses);
            assertEquals(USERS, ids.size(), "users answered 201 once each: " + statuses);
            assertEquals(USERS + duplicatesSent.get(), statuses.getOrDefault("POST /Users 201", new AtomicInteger()).get()
                + statuses.getOrDefault("POST /Users 409", new AtomicInteger()).get(), "every create answered 201 or 409: " + statuses);
            assertEquals(duplicatesSent.get(), statuses.getOrDefault("POST /Users 409", new AtomicInteger()).get(),
                "every duplicate answered 409 (uniqueness): " + statuses);

            // Keycloak's and our tables: one user per userName, one managed row per user, every membership.
            try (Connection db = db()) {
                String realmId = ADMINS[0].realm(realm).toRepresentation().getId();
                assertEquals(USERS, one(db, "select count(*) from user_entity where realm_id = ? and username like 'load-%'", realmId));
                assertEquals(USERS, one(db, "select count(distinct username) from user_entity where realm_id = ? and username like 'load-%'", realmId));
                assertEquals(USERS, one(db, "select count(*) from dirsync_managed_user m join user_entity u on u.id = m.user_id"
                    + " where m.directory_id = ? and u.username like 'load-%'", d.id()));
                assertEquals(0, one(db, "select count(*) from dirsync_managed_user m left join user_entity u on u.id = m.user_id"
                    + " where m.realm_id = ? and u.id is null", realmId), "managed rows without their Keycloak user");
                assertEquals(0, one(db, "select count(*) from (select user_id from dirsync_managed_user where realm_id = ?"
                    + " group by user_id having count(*) > 1) x", realmId), "a user managed twice");
                assertEquals(USERS, one(db, "select count(*) from user_group_membership m join keycloak_group g on g.id = m.group_id"
                    + " where g.realm_id = ? and g.name like 'Load Group %'", realmId), "memberships");
                for (Map.Entry<Integer, String> g : groups.entrySet()) {
                    int expected = (USERS - g.getKey() + GROUPS - 1) / GROUPS;
                    assertEquals(expected, one(db, "select count(*) from user_group_membership where group_id = ?", g.getValue()),
                        "members of Load Group " + g.getKey());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ 3. schedules on both nodes

    @Test
    @Order(3)
    void eachScheduledRunHappensOncePerPeriodAcrossBothNodes() throws Exception {
        String realm = realm("schedules");
        DirSync one = new DirSync(ADMINS[0], realm, NODES[0]);
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestDirectory ldap = TestDirectory.start("memory-openldap");
            LDAP.add(ldap);
            String u = ldap.user("sched" + i, "Sch", "Ed" + i, "sched" + i + "@example.org");
            Map<String, Object> settings = ldap.settings("uid");
            settings.put("syncedGroups", List.of(ldap.group("Staff" + i, u)));
            // A full sync every hour and nothing else: one run per period of 61 minutes.
            settings.put("fullSyncMinutes", 60);
            settings.put("adminSyncMinutes", 100_000);
            String id = one.ldapDirectory("Scheduled " + i, settings);
            assertEquals(200, one.admin("POST", "/directories/" + id + "/complete-setup", null).status());
            dirs.add(id);
        }
        for (String id : dirs) {
            assertEquals(0, runs(one, id).size(), "no run before the first period");
        }
        Map<String, List<Integer>> perPeriod = new LinkedHashMap<>();
        try {
            for (int p = 1; p <= PERIODS; p++) {
                int period = p;
                moveClocks(p * 61 * 60);
                for (String id : dirs) {
                    waitUntil("period " + p + "'s run of " + id, () -> runs(one, id).stream()
                        .filter(r -> r.get("status").asText().equals("completed")).count() >= period, 180);
                }
                // Counted once every directory's run of this period is in: the previous period has had this whole
                // wait, with ticks on both nodes every second, to run a second time.
                for (String id : dirs) {
                    perPeriod.computeIfAbsent(id, k -> new ArrayList<>()).add(runs(one, id).size());
                }
            }
            // One more period, so that the last one counted above had a period's ticks too.
            moveClocks((PERIODS + 1) * 61 * 60);
            for (String id : dirs) {
                waitUntil("the last period's run of " + id, () -> runs(one, id).size() >= PERIODS + 1, 180);
            }
            System.out.printf("[cluster] schedules: runs per directory after each of %d periods %s%n", PERIODS, perPeriod);
            List<Integer> expected = new ArrayList<>();
            for (int p = 1; p <= PERIODS; p++) {
                expected.add(p);
            }
            for (String id : dirs) {
                List<JsonNode> runs = runs(one, id);
                assertTrue(runs.stream().allMatch(r -> r.get("kind").asText().equals("full")), runs::toString);
                assertEquals(expected, perPeriod.get(id), "runs of " + id + " counted after each period (one each)");
                assertEquals(PERIODS + 1, runs.size(), "one run in each of " + (PERIODS + 1) + " periods: " + runs);
            }
        } finally {
            moveClocks(0);
            for (String id : dirs) {
                one.admin("POST", "/directories/" + id + "/pause", null);
            }
        }
    }

    /** Both nodes' clocks, node 2 first: each node's ticks see the new period when their own clock does. */
    private static void moveClocks(int seconds) {
        setOffset(1, seconds);
        setOffset(0, seconds);
        // The admin clients' tokens were issued by the old clocks: fresh ones, valid on the new.
        ADMINS[0].tokenManager().grantToken();
        ADMINS[1].tokenManager().grantToken();
    }

    // ------------------------------------------------------------------ 4. the trash purge on both nodes

    @Test
    @Order(4)
    void theTrashPurgeRunsOncePerPeriodAcrossBothNodesAndDeletesADueUserOnce() throws Exception {
        String realm = realm("purge");
        DirSync.ScimDirectory d = new DirSync(ADMINS[0], realm, NODES[0]).scimDirectory("Purge Okta");
        String leaver = DirSync.id(scim(d.baseUrl(), d.token(), "POST", "/Users",
            DirSync.scimUser("purge-leaver", "P", "L", "purge-leaver@corp.test")));
        assertEquals(201, scim(d.baseUrl(), d.token(), "POST", "/Users",
            DirSync.scimUser("purge-stayer", "P", "S", "purge-stayer@corp.test")).status());
        assertEquals(204, scim(onNode(1, d.baseUrl()), d.token(), "DELETE", "/Users/" + leaver, null).status());
        String realmId = realmId(0, realm);
        try {
            // The nodes purge each hour of the clock (the default interval), looked at every second by both.
            waitUntil("the first period's purge", () -> !purgeRuns(realmId).isEmpty(), 120);
            long first = purgeRuns(realmId).get(0).periodStart();
            for (int p = 1; p <= PERIODS; p++) {
                long period = first + p * PURGE_INTERVAL_MILLIS;
                moveClocks(p * 3600);
                waitUntil("period " + p + "'s purge", () -> purgeRuns(realmId).stream().anyMatch(r -> r.periodStart() >= period), 120);
            }
            // 7 days on: the user's time in the trash is up.
            int last = 7 * 24 * 3600 + (PERIODS + 1) * 3600;
            moveClocks(last);
            waitUntil("the purge of the trashed user", () -> purgeRuns(realmId).stream().anyMatch(r -> r.deleted() > 0), 120);
            List<PurgeRun> runs = purgeRuns(realmId);
            Map<String, Long> byNode = new TreeMap<>();
            runs.forEach(r -> byNode.merge(r.node(), 1L, Long::sum));
            System.out.printf("[cluster] trash purge: %d runs over %d periods and a week on, by node %s; %s%n", runs.size(),
                PERIODS + 1, byNode, runs);

            Map<Long, Long> perPeriod = new TreeMap<>();
            runs.forEach(r -> perPeriod.merge(r.periodStart(), 1L, Long::sum));
            assertTrue(perPeriod.values().stream().allMatch(n -> n == 1), "a period purged twice: " + perPeriod);
            for (int p = 0; p <= PERIODS; p++) {
                assertEquals(1L, perPeriod.getOrDefault(first + p * PURGE_INTERVAL_MILLIS, 0L), "period " + p + " skipped: " + runs);
            }
            assertTrue(runs.stream().allMatch(r -> r.status().equals("completed")), runs::toString);
            assertEquals(1, runs.stream().mapToInt(PurgeRun::deleted).sum(), "the user deleted and counted once: " + runs);
            try (Connection db = db()) {
                assertEquals(0, one(db, "select count(*) from user_entity where id = ?", leaver), "the trashed user is gone");
                assertEquals(1, one(db, "select count(*) from user_entity where realm_id = ? and username = 'purge-stayer'", realmId));
            }
        } finally {
            moveClocks(0);
        }
    }

    private static final long PURGE_INTERVAL_MILLIS = 3_600_000L;

    /** A row of the realm's purge history. */
    record PurgeRun(long periodStart, String node, String status, int deleted) {
    }

    /** The realm's purges, the earliest period first. */
    private static List<PurgeRun> purgeRuns(String realmId) {
        try (Connection db = db(); PreparedStatement st = db.prepareStatement("select period_start, node, status, deleted_count"
                + " from dirsync_purge_run where realm_id = ? order by period_start")) {
            st.setString(1, realmId);
            List<PurgeRun> runs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(new PurgeRun(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
                }
            }
            return runs;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ 5. kill -9 in the middle of a full sync

    @Test
    @Order(5)
    void aNodeKilledInTheMiddleOfAFullSyncLeavesAFailedRunNobodyTrashedAndTheNextRunConverges() throws Exception {
        String ctl = System.getProperty("dirsync.cluster.ctl", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(!ctl.isBlank(), "no control script (dirsync.cluster.ctl)");
        String realm = realm("killed");
        DirSync first = new DirSync(ADMINS[0], realm, NODES[0]);
        TestDirectory ldap = TestDirectory.start("memory-openldap");
        LDAP.add(ldap);
        List<String> dns = new ArrayList<>();
        for (int n = 0; n < KILL_USERS; n++) {
            dns.add(ldap.user("k" + n, "K", "Ill" + n, "k" + n + "@example.org"));
        }
        String group = ldap.group("Everyone", dns.toArray(String[]::new));
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(group));
        settings.put("pageSize", 100);
        settings.put("schedulePaused", true);
        String id = first.ldapDirectory("Killed LDAP", settings);
        assertEquals(200, first.admin("POST", "/directories/" + id + "/complete-setup", null).status());

        // A first full sync on node 1 (wait 0: the run goes on), killed once a few pages are in.
        Http.Result started = first.admin("POST", "/directories/" + id + "/sync?wait=0", Map.of("kind", "full"));
        assertTrue(started.status() == 202 || started.status() == 200, started::toString);
        waitUntil("pages read by the run", () -> runs(first, id).stream().anyMatch(r -> r.path("progress").path("read").asLong() >= 500), 600);
        String killedNode = runs(first, id).get(0).path("node").asText();
        assertFalse(killedNode.isBlank(), "the run names its node: " + runs(first, id));
        long killedAt = System.currentTimeMillis();
        ctl("kill9", 1);
        long pastKill = countManaged(realmId(1, realm), id);
        assertTrue(pastKill < KILL_USERS, "the run had finished before the kill: " + pastKill);

        // Node 1 stays down: node 2's schedule tick closes the killed run once its heartbeat is older than the limit,
        // naming the node, before any new run of the directory (its schedule is paused, nobody starts one).
        DirSync two = new DirSync(ADMINS[1], realm, NODES[1]);
        waitUntil("the survivor's tick closing the killed run",
            () -> runs(two, id).stream().noneMatch(r -> r.get("status").asText().equals("running")), 600);
        List<JsonNode> closed = runs(two, id);
        System.out.printf("[cluster] kill -9: the run of %s closed by node 2 %d s after the kill: %s%n", killedNode,
            (System.currentTimeMillis() - killedAt) / 1000, closed.get(0).path("message").asText());
        assertEquals(1, closed.size(), "a new run before the killed one was closed: " + closed);
        assertEquals("failed", closed.get(0).get("status").asText(), closed::toString);
        assertTrue(closed.get(0).get("message").asText().startsWith("Node " + killedNode + " stopped answering"), closed::toString);
        ctl("start", 1);
        ADMINS[0].close();
        ADMINS[0] = admin(0);
        Http.Result trash = two.admin("GET", "/trash/count", null);
        assertEquals(0, trash.json().path("count").asInt(trash.json().asInt()), "trashed by the broken run: " + trash);

        // The next run, on node 2, converges exactly.
        Http.Result next = two.admin("POST", "/directories/" + id + "/sync?wait=0", Map.of("kind", "full"));
        assertTrue(next.status() == 202 || next.status() == 200, next::toString);
        waitUntil("the next run's end", () -> runs(two, id).stream().noneMatch(r -> r.get("status").asText().equals("running")), 900);
        List<JsonNode> runs = runs(two, id);
        assertEquals("completed", runs.get(0).get("status").asText(), runs::toString);
        System.out.printf("[cluster] kill -9: %d users, %d managed when killed; runs %s%n", KILL_USERS, pastKill,
            runs.stream().map(r -> r.get("kind").asText() + ":" + r.get("status").asText()).toList());
        assertEquals(2, runs.size(), runs::toString);
        assertEquals(1, runs.stream().filter(r -> r.get("status").asText().equals("failed")).count(), "the killed run: " + runs);
        try (Connection db = db()) {
            String realmId = realmId(1, realm);
            assertEquals(KILL_USERS, one(db, "select count(*) from user_entity where realm_id = ? and username like 'k%'", realmId));
            assertEquals(KILL_USERS, one(db, "select count(*) from dirsync_managed_user m join user_entity u on u.id = m.user_id"
                + " where m.directory_id = ?", id));
            assertEquals(0, one(db, "select count(*) from dirsync_managed_user where directory_id = ? and trashed_at is not null", id));
            assertEquals(0, one(db, "select count(*) from dirsync_managed_user m left join user_entity u on u.id = m.user_id"
                + " where m.realm_id = ? and u.id is null", realmId), "orphan managed rows");
            assertEquals(0, one(db, "select count(*) from user_entity u left join dirsync_managed_user m on m.user_id = u.id"
                + " where u.realm_id = ? and m.user_id is null", realmId), "Keycloak users the directory does not manage");
            assertEquals(KILL_USERS, one(db, "select count(*) from user_group_membership m join keycloak_group g on g.id = m.group_id"
                + " where g.realm_id = ?", realmId), "memberships");
        }
    }

    // ------------------------------------------------------------------ 6. kill -9 during a burst of SCIM creates

    @Test
    @Order(6)
    void aNodeKilledDuringABurstOfScimCreatesWithRetriesLeavesEveryUserExactlyOnce() throws Exception {
        String ctl = System.getProperty("dirsync.cluster.ctl", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(!ctl.isBlank(), "no control script (dirsync.cluster.ctl)");
        String realm = realm("burst");
        DirSync.ScimDirectory d = new DirSync(ADMINS[1], realm, NODES[1]).scimDirectory("Burst Okta");
        int users = Math.max(200, USERS / 2);
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            // Client c sends users n % 8 == c to its node; a request that gets no answer or a 5xx is sent again, to the
            // other node after a failure, until it is answered 201 (created) or 409 (it exists: an earlier try took).
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    int node = client % 2;
                    for (int n = client; n < users; n += CLIENTS) {
                        String name = "burst-" + n;
                        for (int attempt = 0; ; attempt++) {
                            assertTrue(attempt < 200, name + " never answered: " + statuses);
                            int status;
                            try {
                                sent.incrementAndGet();
                                status = scim(onNode(node, d.baseUrl()), d.token(), "POST", "/Users",
                                    DirSync.scimUser(name, "B" + n, "Urst", name + "@corp.test")).status();
                            } catch (AssertionError | RuntimeException noAnswer) {
                                status = -1;
                            }
                            count(statuses, node == 0 ? "node 1" : "node 2", status);
                            if (status == 201 || status == 409) {
                                break;
                            }
                            retries.incrementAndGet();
                            node = 1 - node;
                            Thread.sleep(100);
                        }
                    }
                    return null;
                }));
            }
            waitUntil("a tenth of the burst", () -> statuses.entrySet().stream()
                .filter(e -> e.getKey().endsWith(" 201")).mapToInt(e -> e.getValue().get()).sum() >= users / 10, 600);
            ctl("kill9", 1);
            for (Future<?> f : done) {
                f.get(30, TimeUnit.MINUTES);
            }
            System.out.printf("[cluster] SCIM burst with node 1 killed: %d users, %d requests, %d retries; answers %s%n",
                users, sent.get(), retries.get(), new TreeMap<>(statuses));
        } finally {
            pool.shutdownNow();
            ctl("start", 1);
            ADMINS[0].close();
            ADMINS[0] = admin(0);
        }
        try (Connection db = db()) {
            String realmId = realmId(1, realm);
            assertEquals(users, one(db, "select count(*) from user_entity where realm_id = ? and username like 'burst-%'", realmId));
            assertEquals(users, one(db, "select count(*) from dirsync_managed_user m join user_entity u on u.id = m.user_id"
                + " where m.directory_id = ?", d.id()), "managed rows");
            assertEquals(0, one(db, "select count(*) from dirsync_managed_user m left join user_entity u on u.id = m.user_id"
                + " where m.realm_id = ? and u.id is null", realmId), "orphan managed rows");
            assertEquals(0, one(db, "select count(*) from user_entity u left join dirsync_managed_user m on m.user_id = u.id"
                + " where u.realm_id = ? and m.user_id is null", realmId), "Keycloak users without their managed row");
        }
        // Every user answers on the restarted node 1, by its userName.
        Http.Result list = scim(onNode(0, d.baseUrl()), d.token(), "GET", "/Users?count=1", null);
        assertEquals(users, list.json().get("totalResults").asInt(), list::toString);
        assertTrue(statuses.keySet().stream().noneMatch(k -> k.matches("node 2 5\\d\\d")), "node 2 answered 5xx: " + statuses);
    }

    // ------------------------------------------------------------------ helpers

    private static long countManaged(String realmId, String directoryId) throws Exception {
        try (Connection db = db()) {
            return one(db, "select count(*) from dirsync_managed_user where directory_id = ?", directoryId);
        }
    }

    private static String realmId(int node, String realm) {
        return ADMINS[node].realm(realm).toRepresentation().getId();
    }

    private static String realm(String prefix) {
        String name = prefix + "-" + Long.toString(System.nanoTime(), 36);
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(name);
        r.setEnabled(true);
        ADMINS[0].realms().create(r);
        return name;
    }

    private static void setOffset(int node, int seconds) {
        Http.Result r = Http.send("PUT", NODES[node] + "/realms/master/testing-timeoffset", null,
            Map.of("offset", seconds, "caches", false), null);
        assertTrue(r.status() / 100 == 2, "time offset on node " + (node + 1) + ": " + r);
    }
}
