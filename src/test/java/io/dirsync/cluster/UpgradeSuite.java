package io.dirsync.cluster;

import static io.dirsync.cluster.Nodes.admin;
import static io.dirsync.cluster.Nodes.count;
import static io.dirsync.cluster.Nodes.ctl;
import static io.dirsync.cluster.Nodes.db;
import static io.dirsync.cluster.Nodes.one;
import static io.dirsync.cluster.Nodes.onNode;
import static io.dirsync.cluster.Nodes.runs;
import static io.dirsync.cluster.Nodes.scim;
import static io.dirsync.cluster.Nodes.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.dirsync.duo.DuoRequests;
import io.dirsync.it.DirSync;
import io.dirsync.it.Http;
import io.dirsync.ldap.TestDirectory;

/**
 * Issue 15, the upgrade: started by {@code .ci/upgrade.sh} with both nodes on the released build
 * ({@code .ci/released-version}) and a fresh database. Writes through every source that writes, then upgrades the
 * cluster node by node ({@code dirsync.upgrade.strategy=rolling}, what Keycloak's {@code update-compatibility check}
 * allowed) or all at once ({@code recreate}) while SCIM clients keep writing, then checks that nothing was lost or
 * changed, that the old secrets still work and that the new build works on the upgraded database. Not in the default
 * suite (its name ends in Suite).
 *
 * <p>The data written before the upgrade lives in one realm ("before"), the clients' writes during it in another
 * ("rolling"), so that the first can be compared row for row: every column the release had, in every table of ours
 * and Keycloak's user, group, membership and component tables of that realm, before the first node stops and after
 * the last one is back. Columns that Keycloak or our jobs change on their own (an enrollment's last failed send) are
 * left out by name.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeSuite {

    private static final String STRATEGY = System.getProperty("dirsync.upgrade.strategy", "rolling");
    private static final Path WORK = Path.of(System.getProperty("dirsync.upgrade.work", "/var/tmp/dirsync-upgrade-ci"));
    private static final int SCIM_USERS = Integer.getInteger("dirsync.upgrade.users", 200);
    private static final int LDAP_USERS = 60;
    private static final int DUO_USERS = 20;
    private static final int TRASHED = 10;
    private static final int CLIENTS = 4;
    /** Users the clients create in each stage of the upgrade (at least). */
    private static final int PER_STAGE = 25;
    /** Columns a background job or a sign-in changes without anyone writing: not compared. */
    private static final Map<String, Set<String>> VOLATILE = Map.of(
        "dirsync_enrollment", Set.of("version", "last_error", "last_error_at"),
        "dirsync_directory", Set.of("last_request_at"));

    private static final Keycloak[] ADMINS = new Keycloak[2];
    private static TestDirectory ldap;
    private static String before;
    private static DirSync.ScimDirectory okta;
    private static DuoRequests duo;
    private static String ldapId;
    private static String staffDn;
    private static String rolling;
    private static DirSync.ScimDirectory rollingScim;
    private static final Map<String, List<String>> SNAPSHOT = new TreeMap<>();
    private static final Map<String, JsonNode> SAMPLE = new LinkedHashMap<>();
    private static Set<String> changesetsBefore;
    private static long scimTotalBefore;
    private static long duoUsersBefore;

    @BeforeAll
    static void connect() {
        for (int i = 0; i < 2; i++) {
            ADMINS[i] = admin(i);
        }
    }

    @AfterAll
    static void close() {
        for (Keycloak k : ADMINS) {
            if (k != null) {
                k.close();
            }
        }
        if (ldap != null) {
            ldap.close();
        }
    }

    // ------------------------------------------------------------------ 1. the released build writes

    @Test
    @Order(1)
    void theReleasedBuildWritesThroughEverySource() throws Exception {
        assertEquals(sha256(releasedJar()), sha256(nodeJar(1)), "node 1 does not run the released JAR");
        assertEquals(sha256(releasedJar()), sha256(nodeJar(2)), "node 2 does not run the released JAR");
        before = realm("before");
        DirSync one = new DirSync(ADMINS[0], before, Nodes.URLS[0]);

        // SCIM: users over both nodes, groups with members, some deleted into the trash.
        okta = one.scimDirectory("Okta");
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < SCIM_USERS; n++) {
            Http.Result r = scim(onNode(n % 2, okta.baseUrl()), okta.token(), "POST", "/Users",
                DirSync.scimUser("scim-" + n, "S" + n, "Cim", "scim-" + n + "@corp.test"));
            assertEquals(201, r.status(), r::toString);
            ids.add(DirSync.id(r));
        }
        for (int g = 0; g < 5; g++) {
            Http.Result r = okta.scim("POST", "/Groups", Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"),
                "displayName", "Team " + g));
            assertEquals(201, r.status(), r::toString);
            List<Map<String, String>> members = new ArrayList<>();
            for (int n = g; n < SCIM_USERS; n += 5) {
                members.add(Map.of("value", ids.get(n)));
            }
            Http.Result patched = scim(onNode(g % 2, okta.baseUrl()), okta.token(), "PATCH", "/Groups/" + DirSync.id(r), Map.of(
                "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(Map.of("op", "add", "path", "members", "value", members))));
            assertTrue(patched.status() == 200 || patched.status() == 204, patched::toString);
        }
        for (int n = 0; n < TRASHED; n++) {
            assertEquals(204, okta.scim("DELETE", "/Users/" + ids.get(SCIM_USERS - 1 - n), null).status());
        }

        // Duo Admin API: users, a group, memberships; its keys are secrets kept by the release.
        duo = DuoRequests.directory(one, "Duo");
        String duoGroup = duo.post("/admin/v1/groups", Map.of("name", "Duo Staff")).json().at("/response/group_id").asText();
        for (int n = 0; n < DUO_USERS; n++) {
            Http.Result r = duo.post("/admin/v1/users", Map.of("username", "duo-" + n, "realname", "Duo " + n,
                "email", "duo-" + n + "@corp.test"));
            assertEquals(200, r.status(), r::toString);
            if (n % 2 == 0) {
                Http.Result joined = duo.post("/admin/v1/users/" + r.json().at("/response/user_id").asText() + "/groups",
                    Map.of("group_id", duoGroup));
                assertEquals(200, joined.status(), joined::toString);
            }
        }

        // LDAP: a directory with a bind credential, synced once (run history), enrollment e-mails on (its users
        // queued; no mail server, so they stay pending).
        ldap = TestDirectory.start("memory-openldap");
        List<String> dns = new ArrayList<>();
        for (int n = 0; n < LDAP_USERS; n++) {
            dns.add(ldap.user("ldap-" + n, "L" + n, "Dap", "ldap-" + n + "@example.org"));
        }
        Map<String, Object> settings = ldap.settings("uid");
        staffDn = ldap.group("Staff", dns.toArray(String[]::new));
        settings.put("syncedGroups", List.of(staffDn));
        settings.put("schedulePaused", true);
        settings.put("enrollmentEmails", true);
        ldapId = one.ldapDirectory("Corp LDAP", settings);
        assertEquals(200, one.admin("POST", "/directories/" + ldapId + "/complete-setup", null).status());
        JsonNode run = one.fullSync(ldapId);
        assertEquals("completed", run.get("status").asText(), run::toString);

        // The realm the clients write to during the upgrade, its directory made by the release too.
        rolling = realm("rolling");
        rollingScim = new DirSync(ADMINS[1], rolling, Nodes.URLS[1]).scimDirectory("Rolling Okta");

        try (Connection db = db()) {
            String realmId = realmId(before);
            assertEquals(SCIM_USERS + DUO_USERS + LDAP_USERS, one(db, "select count(*) from dirsync_managed_user where realm_id = ?", realmId));
            assertEquals(TRASHED, one(db, "select count(*) from dirsync_managed_user where realm_id = ? and trashed_at is not null", realmId));
            assertEquals(LDAP_USERS, one(db, "select count(*) from dirsync_enrollment where realm_id = ? and lower(state) = 'pending'", realmId));
            assertTrue(one(db, "select count(*) from dirsync_run where realm_id = ?", realmId) >= 3, "a run per directory");
            assertTrue(one(db, "select count(*) from user_group_membership m join keycloak_group g on g.id = m.group_id"
                + " where g.realm_id = ?", realmId) >= SCIM_USERS - TRASHED + DUO_USERS / 2 + LDAP_USERS, "memberships");
            changesetsBefore = changesets(db);
        }
        for (int n = 0; n < SCIM_USERS; n += SCIM_USERS / 5) {
            SAMPLE.put(ids.get(n), okta.scim("GET", "/Users/" + ids.get(n), null).json());
        }
        scimTotalBefore = okta.scim("GET", "/Users?count=1", null).json().get("totalResults").asLong();
        duoUsersBefore = duo.get("/admin/v1/users", Map.of()).json().get("response").size();
        System.out.printf("[upgrade] released build wrote: %d SCIM users (%d trashed), 5 groups, %d Duo users, %d LDAP users"
            + " (synced, enrollment pending); changesets in the database: %s%n", SCIM_USERS, TRASHED, DUO_USERS, LDAP_USERS, changesetsBefore);
    }

    // ------------------------------------------------------------------ 2. the upgrade, clients writing throughout

    @Test
    @Order(2)
    void theClusterIsUpgradedWhileClientsWriteAndNoWriteIsLost() throws Exception {
        snapshot();
        Writers writers = new Writers(rollingScim);
        writers.start();
        try {
            writers.stage("old", PER_STAGE);
            if (STRATEGY.equals("rolling")) {
                upgrade(1, writers);
                writers.stage("mixed: node 1 new, node 2 released", PER_STAGE);
                upgrade(2, writers);
            } else {
                // A stop-all upgrade: the clients' requests fail (and are retried) until the first new node answers.
                writers.drain(0);
                writers.drain(1);
                ctl("stop", 1);
                ctl("stop", 2);
                install(1);
                install(2);
                startAndJoin(1);
                writers.serve(0);
                startAndJoin(2);
                writers.serve(1);
            }
            writers.stage("new", PER_STAGE);
        } finally {
            writers.stop();
        }
        System.out.printf("[upgrade] %s upgrade: %d users created by %d clients; per stage %s; answers %s%n", STRATEGY,
            writers.created.size(), CLIENTS, writers.stages, new TreeMap<>(writers.answers));
        assertEquals(sha256(newJar()), sha256(nodeJar(1)), "node 1 does not run the new JAR");
        assertEquals(sha256(newJar()), sha256(nodeJar(2)), "node 2 does not run the new JAR");

        assertTrue(writers.answers.keySet().stream().noneMatch(k -> k.matches("node \\d in service 5\\d\\d")),
            "5xx from a node in service: " + writers.answers);
        assertTrue(writers.failures.isEmpty(), "unexpected answers: " + writers.failures);
        try (Connection db = db()) {
            String realmId = realmId(rolling);
            List<String> names = strings(db, "select username from user_entity where realm_id = ? and username like 'roll-%'", realmId);
            assertEquals(new TreeSet<>(writers.created), new TreeSet<>(names), "the users the clients were told exist");
            assertEquals(names.size(), new TreeSet<>(names).size(), "a user twice");
            assertEquals(names.size(), one(db, "select count(*) from dirsync_managed_user m join user_entity u on u.id = m.user_id"
                + " where m.directory_id = ? and u.username like 'roll-%'", rollingScim.id()), "managed rows");
        }
    }

    /** Node n's rolling update: out of the clients' rotation, stopped, its distribution replaced, started, back in. */
    private static void upgrade(int node, Writers writers) throws Exception {
        writers.drain(node - 1);
        ctl("stop", node);
        install(node);
        startAndJoin(node);
        writers.serve(node - 1);
    }

    private static void install(int node) throws Exception {
        ctl("install", node, WORK.resolve("new").toString());
    }

    /** Starts node n and waits until its own log shows a cluster view of both nodes (it joined the other one). */
    private static void startAndJoin(int node) throws Exception {
        Path log = WORK.resolve("node" + node + ".log");
        long from = Files.size(log);
        long t0 = System.currentTimeMillis();
        ctl("start", node);
        waitUntil("node " + node + " in a cluster view of 2", () -> {
            try {
                String text = Files.readString(log).substring((int) from);
                return text.lines().anyMatch(l -> l.contains("ISPN000094") && l.contains("(2)"))
                    || STRATEGY.equals("recreate") && node == 1;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 120);
        System.out.printf("[upgrade] node %d started on the new build in %d s%n", node, (System.currentTimeMillis() - t0) / 1000);
        ADMINS[node - 1].close();
        ADMINS[node - 1] = admin(node - 1);
    }

    // ------------------------------------------------------------------ 3. what the release wrote is intact

    @Test
    @Order(3)
    void everythingTheReleaseWroteIsIntactAndLiquibaseAppliedTheNewChangesets() throws Exception {
        Map<String, List<String>> after = new TreeMap<>();
        try (Connection db = db()) {
            for (String table : SNAPSHOT.keySet()) {
                after.put(table, rows(db, table, QUERIES.get(table)));
            }
            Set<String> changesetsAfter = changesets(db);
            Set<String> applied = new TreeSet<>(changesetsAfter);
            applied.removeAll(changesetsBefore);
            System.out.printf("[upgrade] changesets applied by the upgrade: %s%n", applied);
            assertTrue(changesetsAfter.containsAll(changesetsBefore), "a changeset row vanished");
            assertEquals(changelogIds(), changesetsAfter, "the database's changesets and the new changelog's");
        }
        List<String> counts = new ArrayList<>();
        for (String table : SNAPSHOT.keySet()) {
            List<String> was = SNAPSHOT.get(table);
            List<String> is = after.get(table);
            counts.add(table + "=" + was.size());
            if (!was.equals(is)) {
                List<String> gone = new ArrayList<>(was);
                gone.removeAll(is);
                List<String> added = new ArrayList<>(is);
                added.removeAll(was);
                throw new AssertionError(table + " changed across the upgrade (" + QUERIES.get(table) + "): rows gone "
                    + gone.stream().limit(3).toList() + ", rows new " + added.stream().limit(3).toList());
            }
        }
        System.out.printf("[upgrade] rows of the release's realm unchanged: %s%n", counts);
        for (Map.Entry<String, JsonNode> e : SAMPLE.entrySet()) {
            // Read on node 1 as before: a group's $ref carries the node's URL.
            JsonNode now = scim(onNode(0, okta.baseUrl()), okta.token(), "GET", "/Users/" + e.getKey(), null).json();
            for (String field : List.of("userName", "name", "emails", "externalId", "active", "displayName", "groups")) {
                assertEquals(e.getValue().get(field), now.get(field), field + " of " + e.getKey());
            }
        }
    }

    // ------------------------------------------------------------------ 4. the old secrets still work

    @Test
    @Order(4)
    void theReleasesSecretsStillWork() throws Exception {
        for (int node = 0; node < 2; node++) {
            Http.Result list = scim(onNode(node, okta.baseUrl()), okta.token(), "GET", "/Users?count=1", null);
            assertEquals(200, list.status(), "the released SCIM token on node " + (node + 1) + ": " + list);
            assertEquals(scimTotalBefore, list.json().get("totalResults").asLong());
        }
        Http.Result users = duo.get("/admin/v1/users", Map.of());
        assertEquals(200, users.status(), "the released Duo keys: " + users);
        assertEquals(duoUsersBefore, users.json().get("response").size());

        // The stored bind credential: a sync through node 2 reads a user added since.
        ldap.addMember(staffDn, ldap.user("ldap-late", "Late", "Dap", "ldap-late@example.org"));
        DirSync two = new DirSync(ADMINS[1], before, Nodes.URLS[1]);
        JsonNode run = two.fullSync(ldapId);
        assertEquals("completed", run.get("status").asText(), run::toString);
        try (Connection db = db()) {
            assertEquals(LDAP_USERS + 1, one(db, "select count(*) from dirsync_managed_user where directory_id = ?", ldapId));
        }
        List<JsonNode> history = runs(two, ldapId);
        assertEquals(2, history.size(), history::toString);
        assertTrue(history.stream().allMatch(r -> r.get("status").asText().equals("completed")), history::toString);
    }

    // ------------------------------------------------------------------ 5. the new build works on the upgraded database

    @Test
    @Order(5)
    void theNewBuildWorksOnTheUpgradedDatabase() throws Exception {
        DirSync one = new DirSync(ADMINS[0], before, Nodes.URLS[0]);
        DirSync.ScimDirectory after = one.scimDirectory("After");
        Http.Result created = after.scim("POST", "/Users", DirSync.scimUser("after-1", "Af", "Ter", "after-1@corp.test"));
        assertEquals(201, created.status(), created::toString);
        assertEquals(409, scim(onNode(1, after.baseUrl()), after.token(), "POST", "/Users",
            DirSync.scimUser("after-1", "Af", "Ter", "after-1@corp.test")).status(), "uniqueness on node 2");
        assertEquals(204, after.scim("DELETE", "/Users/" + DirSync.id(created), null).status());
        Http.Result trash = one.admin("GET", "/trash/count", null);
        assertEquals(200, trash.status(), trash::toString);
        assertEquals(TRASHED + 1, trash.json().path("count").asInt(trash.json().asInt()), trash::toString);
        Http.Result enrollments = one.admin("GET", "/enrollments", null);
        assertEquals(200, enrollments.status(), enrollments::toString);
        assertEquals(LDAP_USERS + 1, enrollments.json().get("count").asInt(), "pending enrollments, the late LDAP user's too");
        List<JsonNode> runs = runs(one, after.id());
        assertEquals(1, runs.size(), runs::toString);
        assertEquals("push", runs.get(0).get("kind").asText(), runs::toString);
    }

    // ------------------------------------------------------------------ the clients

    /**
     * SCIM clients creating users in the "rolling" realm without pause, each request to a node in the rotation (a load
     * balancer's pool); a request left unanswered or answered 5xx is sent again to another node until it is answered
     * 201 (created) or 409 (an earlier try took). Answers are counted per node and whether the node was in the rotation
     * when the answer came, so that a 5xx of a node being stopped is told from one of a node in service.
     */
    private static final class Writers {
        final DirSync.ScimDirectory directory;
        final Set<Integer> inService = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stopped = new AtomicBoolean();
        final AtomicInteger next = new AtomicInteger();
        final Set<String> created = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final Map<String, Integer> stages = new LinkedHashMap<>();
        final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        final List<Future<?>> running = new ArrayList<>();

        Writers(DirSync.ScimDirectory directory) {
            this.directory = directory;
            inService.add(0);
            inService.add(1);
        }

        void start() {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    int turn = client;
                    while (!stopped.get()) {
                        String name = "roll-" + next.getAndIncrement();
                        boolean retried = false;
                        for (int attempt = 0; ; attempt++) {
                            assertTrue(attempt < 600, name + " never answered: " + answers);
                            List<Integer> nodes = List.copyOf(inService);
                            if (nodes.isEmpty()) {
                                Thread.sleep(200);
                                continue;
                            }
                            int node = nodes.get(turn++ % nodes.size());
                            int status;
                            try {
                                status = scim(onNode(node, directory.baseUrl()), directory.token(), "POST", "/Users",
                                    DirSync.scimUser(name, "R", "Oll", name + "@corp.test")).status();
                            } catch (AssertionError | RuntimeException noAnswer) {
                                status = -1;
                            }
                            count(answers, "node " + (node + 1) + (inService.contains(node) ? " in service" : " drained"), status);
                            if (status == 201 || status == 409 && retried) {
                                created.add(name);
                                break;
                            }
                            if (status != -1 && status < 500) {
                                failures.add(name + " answered " + status + " by node " + (node + 1));
                                break;
                            }
                            retried = true;
                            Thread.sleep(100);
                        }
                    }
                    return null;
                }));
            }
        }

        /** Waits until the clients created {@code users} more users in this stage. */
        void stage(String name, int users) {
            int from = created.size();
            waitUntil(users + " users created in stage '" + name + "'", () -> created.size() >= from + users || !failures.isEmpty()
                || running.stream().anyMatch(Future::isDone), 600);
            stages.put(name, created.size() - from);
        }

        void drain(int node) {
            inService.remove(node);
        }

        void serve(int node) {
            inService.add(node);
        }

        void stop() throws Exception {
            stopped.set(true);
            try {
                for (Future<?> f : running) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------ the snapshot

    private static final Map<String, String> QUERIES = new TreeMap<>();

    /**
     * Every row of the "before" realm in our tables (all that have a REALM_ID) and in Keycloak's tables the extension
     * writes, as text of the columns the release has, sorted.
     */
    private static void snapshot() throws Exception {
        try (Connection db = db()) {
            String realmId = realmId(before);
            Map<String, List<String>> columns = new TreeMap<>();
            try (PreparedStatement st = db.prepareStatement("select c.table_name, c.column_name from information_schema.columns c"
                + " where c.table_schema = current_schema() and c.table_name like 'dirsync\\_%'"
                + " and exists (select 1 from information_schema.columns r where r.table_schema = c.table_schema"
                + " and r.table_name = c.table_name and r.column_name = 'realm_id') order by c.table_name, c.ordinal_position");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!VOLATILE.getOrDefault(rs.getString(1), Set.of()).contains(rs.getString(2))) {
                        columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            for (Map.Entry<String, List<String>> t : columns.entrySet()) {
                String sql = "select " + concat(t.getValue()) + " from " + t.getKey() + " where realm_id = '" + realmId + "'";
                QUERIES.put(t.getKey(), sql);
            }
            // Keycloak's tables of the realm's users, groups and components (the LDAP directory's guard, the password policy).
            String in = "'" + realmId + "'";
            QUERIES.put("user_entity", ("select " + concat(List.of("id", "username", "email", "email_verified",
                "enabled", "first_name", "last_name", "created_timestamp", "federation_link")) + " from user_entity where realm_id = " + in));
            QUERIES.put("user_attribute", ("select " + concat(List.of("a.user_id", "a.name", "a.value"))
                + " from user_attribute a join user_entity u on u.id = a.user_id where u.realm_id = " + in));
            QUERIES.put("keycloak_group", ("select " + concat(List.of("id", "name", "parent_group"))
                + " from keycloak_group where realm_id = " + in));
            QUERIES.put("user_group_membership", ("select " + concat(List.of("m.group_id", "m.user_id"))
                + " from user_group_membership m join user_entity u on u.id = m.user_id where u.realm_id = " + in));
            QUERIES.put("component", ("select " + concat(List.of("c.id", "c.name", "c.provider_id", "c.provider_type",
                "c.parent_id", "cc.name", "cc.value")) + " from component c left join component_config cc on cc.component_id = c.id"
                + " where c.realm_id = " + in));
            QUERIES.put("realm_password_policy", ("select " + concat(List.of("password_policy"))
                + " from realm where id = " + in));
            for (String table : QUERIES.keySet()) {
                SNAPSHOT.put(table, rows(db, table, QUERIES.get(table)));
            }
        }
        long rows = SNAPSHOT.values().stream().mapToLong(List::size).sum();
        assertEquals(SCIM_USERS + DUO_USERS + LDAP_USERS, SNAPSHOT.get("dirsync_managed_user").size(), "the snapshot's managed users");
        System.out.printf("[upgrade] snapshot of the release's realm: %d tables, %d rows%n", SNAPSHOT.size(), rows);
    }

    private static String concat(List<String> columns) {
        return "concat_ws('|', " + String.join(", ", columns.stream().map(c -> "coalesce(" + c + "::text, '-')").toList()) + ")";
    }

    private static List<String> rows(Connection db, String table, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement st = db.prepareStatement(query); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        rows.sort(null);
        return rows;
    }

    // ------------------------------------------------------------------ helpers

    /** The changesets Keycloak's Liquibase recorded for the extension (its table for our JpaEntityProvider). */
    private static Set<String> changesets(Connection db) throws Exception {
        String table = strings(db, "select table_name from information_schema.tables where table_schema = current_schema()"
            + " and table_name like ? ", "databasechangelog\\_dirsync%").get(0);
        return new TreeSet<>(strings(db, "select id from " + table + " where author = ?", "dirsync"));
    }

    /** The ids of the new build's changelog (this checkout's, as the test classpath has it). */
    private static Set<String> changelogIds() throws Exception {
        try (InputStream in = UpgradeSuite.class.getClassLoader().getResourceAsStream("META-INF/dirsync-changelog.xml")) {
            NodeList sets = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getElementsByTagName("changeSet");
            Set<String> ids = new TreeSet<>();
            for (int i = 0; i < sets.getLength(); i++) {
                ids.add(((Element) sets.item(i)).getAttribute("id"));
            }
            return ids;
        }
    }

    private static List<String> strings(Connection db, String sql, String param) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, param);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String realm(String name) {
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(name);
        r.setEnabled(true);
        ADMINS[0].realms().create(r);
        return name;
    }

    private static String realmId(String realm) {
        return ADMINS[0].realm(realm).toRepresentation().getId();
    }

    private static Path releasedJar() {
        return WORK.resolve("released-" + System.getProperty("dirsync.upgrade.released") + ".jar");
    }

    private static Path newJar() throws Exception {
        return extensionJar(WORK.resolve("new"));
    }

    private static Path nodeJar(int node) throws Exception {
        return extensionJar(WORK.resolve("node" + node));
    }

    private static Path extensionJar(Path home) throws Exception {
        try (var files = Files.list(home.resolve("providers"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().startsWith("keycloak-directory-sync")).toList();
            assertEquals(1, jars.size(), "the extension's JAR in " + home + ": " + jars);
            return jars.get(0);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
