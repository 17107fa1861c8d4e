package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.it.DirSync;
import io.dirsync.it.Http;

/**
 * Issue 4's benchmark (Maven profile {@code bench}; not part of the normal test run): a generated OpenLDAP-like
 * directory of {@code -Dbench.users} users (default 10,000) in {@code -Dbench.groups} groups (default 20) is fully
 * synced by the directory sync, then the same data by Keycloak's plain LDAP provider (its own full sync, into a
 * second realm) as the anchor, then synced again unchanged. Prints wall time, the Keycloak server's peak heap
 * (sampled with jstat every 200 ms) and the changes each run wrote; on PostgreSQL also the rows each run inserted,
 * updated and deleted. With {@code -Ddirsync.ldap.target=slapd} the
 * data goes to a real slapd (see .ci/ldap-suites.sh) instead of the in-memory server.
 */
@KeycloakIntegrationTest(config = BenchServerConfig.class)
public class LdapSyncBench {

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @Test
    void fullSyncAgainstKeycloaksPlainLdapProvider() throws Exception {
        int users = Integer.getInteger("bench.users", 10_000);
        int groups = Integer.getInteger("bench.groups", 20);
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        try (TestDirectory ldap = TestDirectory.start("memory-openldap")) {
            ldap.leaveEntries(); // a real server here is a throwaway one
            long t = System.currentTimeMillis();
            List<List<String>> members = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                members.add(new ArrayList<>());
            }
            for (int i = 0; i < users; i++) {
                members.get(i % groups).add(ldap.user("b" + i, "Bench", "User" + i, "b" + i + "@example.org"));
            }
            List<String> groupDns = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                groupDns.add(ldap.group("Group" + g, members.get(g).toArray(String[]::new)));
            }
            System.out.printf("BENCH generated %d users in %d groups in %d ms (%s)%n", users, groups,
                System.currentTimeMillis() - t, ldap.flavour());

            // Warm-up: a fresh server spends one of this machine's two cores JIT-compiling for the first minute, so
            // whichever run came first paid for it (about 30 s of compilation during a 10,000-user first run). Both
            // paths sync a small directory of their own first; the measured runs then compare like with like.
            int warm = Integer.getInteger("bench.warmup", Math.min(2_000, users / 5));
            // Optional second anchor: Keycloak's provider with its group mapper (IMPORT mode), which also creates the
            // groups and memberships as the directory sync does. Off by default: it took 40 s for 2,000 users here,
            // and a 10,000-user run outlived the 5-minute transaction of Keycloak's own sync request.
            boolean anchorGroups = Boolean.getBoolean("bench.anchorGroups");
            if (warm > 0) {
                List<String> warmMembers = new ArrayList<>();
                for (int i = 0; i < warm; i++) {
                    warmMembers.add(ldap.user("w" + i, "Warm", "Up" + i, "w" + i + "@example.org"));
                }
                Map<String, Object> warmSettings = ldap.settings("uid");
                warmSettings.put("syncedGroups", List.of(ldap.group("Warmup", warmMembers.toArray(String[]::new))));
                warmSettings.put("pageSize", 500);
                Http.Result w = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", "Warm-up", "settings", warmSettings));
                assertEquals(201, w.status(), w::toString);
                long tw = System.currentTimeMillis();
                assertEquals("completed", sync(dirsync, w.json().get("id").asText()).get("status").asText());
                long ourWarm = System.currentTimeMillis() - tw;
                System.out.printf("BENCH warm-up: %d users (directory sync %d ms, keycloak %d ms%s)%n", warm, ourWarm,
                    plainSync(ldap, warmSettings, RowWrites.none(), false).millis(), anchorGroups
                        ? ", keycloak with groups " + plainSync(ldap, warmSettings, RowWrites.none(), true).millis() + " ms" : "");
            }

            Map<String, Object> settings = ldap.settings("uid");
            settings.put("syncedGroups", groupDns);
            settings.put("pageSize", 500);
            Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", "Bench", "settings", settings));
            assertEquals(201, created.status(), created::toString);
            String id = created.json().get("id").asText();

            RowWrites rows = RowWrites.connect();
            HeapSampler heap = HeapSampler.start();
            Map<String, long[]> before = rows.read();
            JsonNode first = sync(dirsync, id);
            long ours = first.get("endedAt").asLong() - first.get("startedAt").asLong();
            long oursHeap = heap.stop();
            String oursRows = rows.since(before);
            assertEquals("completed", first.get("status").asText(), first::toString);
            assertEquals(users + groups, first.at("/counts/created").asLong(), first::toString);

            heap = HeapSampler.start();
            before = rows.read();
            JsonNode second = sync(dirsync, id);
            long again = second.get("endedAt").asLong() - second.get("startedAt").asLong();
            long againHeap = heap.stop();
            String againRows = rows.since(before);
            long secondWrites = 0;
            for (String k : List.of("created", "updated", "adopted", "trashed", "restored", "failed")) {
                secondWrites += second.at("/counts/" + k).asLong();
            }

            // The anchor: Keycloak's own LDAP provider, same data, same scope filter, its own full sync.
            heap = HeapSampler.start();
            Plain anchor = plainSync(ldap, settings, rows, false);
            JsonNode plain = anchor.result();
            long keycloak = anchor.millis();
            long keycloakHeap = heap.stop();
            String keycloakRows = anchor.rows();
            // The same with Keycloak's group mapper (IMPORT mode): Keycloak then also creates the groups and the
            // memberships, as the directory sync does with its managed groups.
            Plain withGroups = null;
            long withGroupsHeap = 0;
            if (anchorGroups) {
                heap = HeapSampler.start();
                withGroups = plainSync(ldap, settings, rows, true);
                withGroupsHeap = heap.stop();
            }
            rows.close();

            System.out.printf("BENCH users=%d groups=%d target=%s%n", users, groups, ldap.flavour());
            System.out.printf("BENCH directory-sync full sync:      %7d ms  peak heap %5d MB  changes written %s%n", ours,
                oursHeap >> 20, first.get("counts"));
            System.out.printf("BENCH keycloak plain LDAP sync:      %7d ms  peak heap %5d MB  added=%d updated=%d failed=%d%n",
                keycloak, keycloakHeap >> 20, plain.path("added").asInt(), plain.path("updated").asInt(), plain.path("failed").asInt());
            System.out.printf("BENCH ratio directory-sync / keycloak: %.2fx%n", ours / (double) Math.max(1, keycloak));
            if (withGroups != null) {
                System.out.printf("BENCH keycloak plain LDAP sync + group mapper: %7d ms  peak heap %5d MB  added=%d failed=%d"
                    + "  rows %s  (ratio %.2fx)%n", withGroups.millis(), withGroupsHeap >> 20,
                    withGroups.result().path("added").asInt(), withGroups.result().path("failed").asInt(), withGroups.rows(),
                    ours / (double) Math.max(1, withGroups.millis()));
            }
            System.out.printf("BENCH second full sync (unchanged):  %7d ms  peak heap %5d MB  changes written %d %s%n", again,
                againHeap >> 20, secondWrites, second.get("counts"));
            System.out.printf("BENCH database rows written (PostgreSQL pg_stat_database): directory-sync first %s; keycloak %s;"
                + " directory-sync unchanged %s%n", oursRows, keycloakRows, againRows);
            assertEquals(0, secondWrites, "a second sync of unchanged data writes nothing: " + second);
        }
    }

    /** Keycloak's sync result, how long its REST call took and the rows it wrote. */
    private record Plain(JsonNode result, long millis, String rows) {
    }

    /**
     * Keycloak's plain LDAP provider on the same connection and scope (the groups of {@code settings}), in a realm of
     * its own, with its own full sync ("Sync all users"); the realm is removed afterwards.
     */
    private Plain plainSync(TestDirectory ldap, Map<String, Object> settings, RowWrites rows, boolean groupMapper)
        throws Exception {
        @SuppressWarnings("unchecked")
        List<String> groupDns = (List<String>) settings.get("syncedGroups");
        RealmRepresentation anchorRealm = new RealmRepresentation();
        anchorRealm.setRealm("bench-anchor-" + System.nanoTime());
        anchorRealm.setEnabled(true);
        admin.realms().create(anchorRealm);
        StringBuilder filter = new StringBuilder("(|");
        groupDns.forEach(dn -> filter.append("(memberOf=").append(dn).append(')'));
        ComponentRepresentation c = ldap.keycloakLdapProvider("plain ldap", filter.append(')').toString());
        c.getConfig().putSingle("pagination", "true");
        c.getConfig().putSingle("batchSizeForSync", "500");
        String cid;
        try (var r = admin.realm(anchorRealm.getRealm()).components().add(c)) {
            assertEquals(201, r.getStatus());
            String loc = r.getLocation().toString();
            cid = loc.substring(loc.lastIndexOf('/') + 1);
        }
        if (groupMapper) {
            ComponentRepresentation m = new ComponentRepresentation();
            m.setName("groups");
            m.setProviderId("group-ldap-mapper");
            m.setProviderType("org.keycloak.storage.ldap.mappers.LDAPStorageMapper");
            m.setParentId(cid);
            MultivaluedHashMap<String, String> g = new MultivaluedHashMap<>();
            String first = groupDns.get(0);
            g.putSingle("groups.dn", first.substring(first.indexOf(',') + 1));
            g.putSingle("group.name.ldap.attribute", "cn");
            g.putSingle("group.object.classes", "groupOfNames");
            g.putSingle("preserve.group.inheritance", "false");
            g.putSingle("ignore.missing.groups", "false");
            g.putSingle("membership.ldap.attribute", "member");
            g.putSingle("membership.attribute.type", "DN");
            g.putSingle("membership.user.ldap.attribute", "uid");
            StringBuilder names = new StringBuilder("(|");
            groupDns.forEach(dn -> names.append('(').append(dn, 0, dn.indexOf(',')).append(')'));
            g.putSingle("groups.ldap.filter", names.append(')').toString());
            g.putSingle("mode", "IMPORT");
            g.putSingle("user.roles.retrieve.strategy", "GET_GROUPS_FROM_USER_MEMBEROF_ATTRIBUTE");
            g.putSingle("memberof.ldap.attribute", "memberOf");
            g.putSingle("drop.non.existing.groups.during.sync", "false");
            g.putSingle("groups.path", "/");
            m.setConfig(g);
            try (var r = admin.realm(anchorRealm.getRealm()).components().add(m)) {
                assertEquals(201, r.getStatus());
            }
        }
        try {
            String bearer = new DirSync(admin, realm, urls.getBase()).adminBearer();
            Map<String, long[]> before = rows.read();
            long t = System.currentTimeMillis();
            JsonNode result = post(bearer, urls.getBase() + "/admin/realms/" + anchorRealm.getRealm() + "/user-storage/" + cid
                + "/sync?action=triggerFullSync", "");
            long millis = System.currentTimeMillis() - t;
            return new Plain(result, millis, rows.since(before));
        } finally {
            admin.realm(anchorRealm.getRealm()).remove();
        }
    }

    /** A full sync; a long one answers 202 with its run id, which is then followed until it ends. */
    static JsonNode sync(DirSync dirsync, String id) throws Exception {
        java.net.http.HttpResponse<String> r = send(dirsync.adminBearer(), dirsync.adminUrl("/directories/" + id + "/sync"),
            "{\"kind\":\"full\"}");
        JsonNode json = Http.JSON.readTree(r.body());
        if (r.statusCode() == 200) {
            return json;
        }
        assertEquals(202, r.statusCode(), r::body);
        String runId = json.get("id").asText();
        while (true) {
            Thread.sleep(1000);
            JsonNode run = dirsync.admin("GET", "/directories/" + id + "/runs/" + runId, null).json();
            if (!"running".equals(run.get("status").asText())) {
                return run;
            }
        }
    }

    private static JsonNode post(String bearer, String url, String body) throws Exception {
        java.net.http.HttpResponse<String> r = send(bearer, url, body);
        assertEquals(200, r.statusCode(), r::body);
        return Http.JSON.readTree(r.body());
    }

    private static java.net.http.HttpResponse<String> send(String bearer, String url, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(java.time.Duration.ofHours(3))
                .header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Rows the Keycloak server inserted, updated and deleted, from PostgreSQL's own counters, when the suite runs on
     * PostgreSQL ({@code -Dkc.test.database=remote}, as .ci/run does); "n/a" on H2. Counters of other backends are
     * published when they go idle (at most 10 s later in PostgreSQL 15), hence the wait before each reading.
     */
    public static final class RowWrites implements AutoCloseable {
        private final java.sql.Connection connection;

        private RowWrites(java.sql.Connection connection) {
            this.connection = connection;
        }

        public static RowWrites none() {
            return new RowWrites(null);
        }

        public static RowWrites connect() throws java.sql.SQLException {
            String url = System.getProperty("kc.test.database.url", "");
            if (!url.startsWith("jdbc:postgresql:")) {
                return new RowWrites(null);
            }
            return new RowWrites(java.sql.DriverManager.getConnection(url, System.getProperty("kc.test.database.user"),
                System.getProperty("kc.test.database.password")));
        }

        /** The database's row counters, and each table's under its name (null on H2). */
        public Map<String, long[]> read() throws Exception {
            if (connection == null) {
                return null;
            }
            Thread.sleep(11_000);
            Map<String, long[]> counters = new HashMap<>();
            try (var st = connection.createStatement()) {
                st.execute("select pg_stat_clear_snapshot()");
                try (var rs = st.executeQuery("select tup_inserted, tup_updated, tup_deleted from pg_stat_database"
                    + " where datname = current_database()")) {
                    rs.next();
                    counters.put("", new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
                }
                try (var rs = st.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables")) {
                    while (rs.next()) {
                        counters.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
            return counters;
        }

        /** Rows written since {@code before}: the database's totals, then the tables that were written most. */
        public String since(Map<String, long[]> before) throws Exception {
            Map<String, long[]> now = read();
            if (now == null) {
                return "n/a (H2)";
            }
            long[] a = before.get("");
            long[] b = now.get("");
            StringBuilder out = new StringBuilder(String.format("inserted=%d updated=%d deleted=%d", b[0] - a[0], b[1] - a[1],
                b[2] - a[2]));
            now.entrySet().stream().filter(e -> !e.getKey().isEmpty())
                .map(e -> {
                    long[] was = before.getOrDefault(e.getKey(), new long[3]);
                    long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1], e.getValue()[2] - was[2]};
                    return Map.entry(e.getKey(), d);
                })
                .filter(e -> e.getValue()[0] + e.getValue()[1] + e.getValue()[2] > 0)
                .sorted((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1] + y.getValue()[2],
                    x.getValue()[0] + x.getValue()[1] + x.getValue()[2]))
                .limit(10)
                .forEach(e -> out.append(String.format(" %s(+%d ~%d -%d)", e.getKey().toLowerCase(java.util.Locale.ROOT),
                    e.getValue()[0], e.getValue()[1], e.getValue()[2])));
            return out.toString();
        }

        @Override
        public void close() throws java.sql.SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Samples the Keycloak server's used heap (jstat -gc) and keeps the peak. */
    public static final class HeapSampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private Thread thread;

        public static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            String pid = keycloakPid();
            if (pid == null) {
                return s;
            }
            s.thread = new Thread(() -> {
                try {
                    Process p = new ProcessBuilder("jstat", "-gc", pid, "200").redirectErrorStream(true).start();
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String header = in.readLine();
                        Map<String, Integer> col = new HashMap<>();
                        String[] h = header.trim().split("\\s+");
                        for (int i = 0; i < h.length; i++) {
                            col.put(h[i], i);
                        }
                        String line;
                        while (s.running.get() && (line = in.readLine()) != null) {
                            String[] v = line.trim().split("\\s+");
                            double kb = 0;
                            for (String k : List.of("S0U", "S1U", "EU", "OU")) {
                                kb += Double.parseDouble(v[col.get(k)]);
                            }
                            long bytes = (long) (kb * 1024);
                            s.peak.accumulateAndGet(bytes, Math::max);
                        }
                    } finally {
                        p.destroy();
                    }
                } catch (Exception e) {
                    System.out.println("BENCH heap sampling failed: " + e);
                }
            });
            s.thread.setDaemon(true);
            s.thread.start();
            return s;
        }

        public long stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(2000);
            }
            return peak.get();
        }

        private static String keycloakPid() {
            return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("kc-test-framework") && c.contains("java")).orElse(false))
                .map(p -> Long.toString(p.pid())).findFirst().orElse(null);
        }
    }
}
