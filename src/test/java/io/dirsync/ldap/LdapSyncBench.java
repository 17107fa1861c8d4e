package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.bench.HeapSampler;
import io.dirsync.bench.LdapRuns;
import io.dirsync.bench.Profiler;
import io.dirsync.bench.RowWrites;
import io.dirsync.it.DirSync;

/**
 * Issue 4's benchmark (Maven profile {@code bench}; not part of the normal test run): a generated OpenLDAP-like
 * directory of {@code -Dbench.users} users (default 10,000) in {@code -Dbench.groups} groups (default 20) is fully
 * synced by the directory sync, then the same data by Keycloak's plain LDAP provider (its own full sync, into a
 * second realm) as the anchor, then synced again unchanged, then again after 1 % of the users changed. Prints wall
 * time, the Keycloak server's CPU time, its peak heap (sampled with jstat every 200 ms), the changes each run wrote and
 * Hibernate's counts on the server (statements prepared, entities written, transactions), which a loaded machine
 * changes less than wall time; on PostgreSQL also the rows each run inserted, updated and deleted. With {@code -Ddirsync.ldap.target=slapd} the
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

    @InjectRunOnServer(permittedPackages = {"io.dirsync.ldap"})
    RunOnServerClient onServer;

    @Test
    void fullSyncAgainstKeycloaksPlainLdapProvider() throws Exception {
        int users = Integer.getInteger("bench.users", 10_000);
        int groups = Integer.getInteger("bench.groups", 20);
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        try (TestDirectory ldap = TestDirectory.start("memory-openldap")) {
            ldap.leaveEntries(); // a real server here is a throwaway one
            long t = System.currentTimeMillis();
            List<String> userDns = new java.util.ArrayList<>();
            List<String> groupDns = LdapRuns.populate(ldap, "b", users, groups, userDns);
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
                Map<String, Object> warmSettings = LdapRuns.settings(ldap, LdapRuns.populate(ldap, "w", warm, 1, null));
                String w = LdapRuns.directory(dirsync, "Warm-up", warmSettings);
                long tw = System.currentTimeMillis();
                assertEquals("completed", LdapRuns.sync(dirsync, w).get("status").asText());
                long ourWarm = System.currentTimeMillis() - tw;
                System.out.printf("BENCH warm-up: %d users (directory sync %d ms, keycloak %d ms%s)%n", warm, ourWarm,
                    plainSync(ldap, warmSettings, RowWrites.none(), false).millis(), anchorGroups
                        ? ", keycloak with groups " + plainSync(ldap, warmSettings, RowWrites.none(), true).millis() + " ms" : "");
            }

            Map<String, Object> settings = LdapRuns.settings(ldap, groupDns);
            String id = LdapRuns.directory(dirsync, "Bench", settings);

            RowWrites rows = RowWrites.connect();
            HeapSampler heap = HeapSampler.start();
            Map<String, long[]> before = rows.read();
            Work work = Work.start(onServer);
            JsonNode first;
            try (Profiler jfr = Profiler.start("ldap-first-ours")) {
                first = LdapRuns.sync(dirsync, id);
            }
            String oursWork = work.stop(onServer, users);
            long ours = LdapRuns.millis(first);
            long oursHeap = heap.stop();
            String oursRows = rows.since(before);
            assertEquals("completed", first.get("status").asText(), first::toString);
            assertEquals(users + groups, first.at("/counts/created").asLong(), first::toString);

            heap = HeapSampler.start();
            before = rows.read();
            work = Work.start(onServer);
            JsonNode second = LdapRuns.sync(dirsync, id);
            String againWork = work.stop(onServer, users);
            long again = LdapRuns.millis(second);
            long againHeap = heap.stop();
            String againRows = rows.since(before);
            long secondWrites = LdapRuns.changes(second);

            int changed = Math.max(1, users / 100);
            for (int i = 0; i < changed; i++) {
                ldap.set(userDns.get(i * (users / changed)), "sn", "Changed" + i);
            }
            work = Work.start(onServer);
            JsonNode third = LdapRuns.sync(dirsync, id);
            String changedWork = work.stop(onServer, users);
            long changedMillis = LdapRuns.millis(third);

            // The anchor: Keycloak's own LDAP provider, same data, same scope filter, its own full sync.
            heap = HeapSampler.start();
            work = Work.start(onServer);
            Plain anchor;
            try (Profiler jfr = Profiler.start("ldap-first-keycloak")) {
                anchor = plainSync(ldap, settings, rows, false);
            }
            String keycloakWork = work.stop(onServer, users);
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
            System.out.printf("BENCH   server work: %s%n", oursWork);
            System.out.printf("BENCH keycloak plain LDAP sync:      %7d ms  peak heap %5d MB  added=%d updated=%d failed=%d%n",
                keycloak, keycloakHeap >> 20, plain.path("added").asInt(), plain.path("updated").asInt(), plain.path("failed").asInt());
            System.out.printf("BENCH   server work: %s%n", keycloakWork);
            System.out.printf("BENCH ratio directory-sync / keycloak: %.2fx%n", ours / (double) Math.max(1, keycloak));
            if (withGroups != null) {
                System.out.printf("BENCH keycloak plain LDAP sync + group mapper: %7d ms  peak heap %5d MB  added=%d failed=%d"
                    + "  rows %s  (ratio %.2fx)%n", withGroups.millis(), withGroupsHeap >> 20,
                    withGroups.result().path("added").asInt(), withGroups.result().path("failed").asInt(), withGroups.rows(),
                    ours / (double) Math.max(1, withGroups.millis()));
            }
            System.out.printf("BENCH second full sync (unchanged):  %7d ms  peak heap %5d MB  changes written %d %s%n", again,
                againHeap >> 20, secondWrites, second.get("counts"));
            System.out.printf("BENCH   server work: %s%n", againWork);
            System.out.printf("BENCH third full sync (%d changed):   %7d ms  counts %s%n", changed, changedMillis, third.get("counts"));
            System.out.printf("BENCH   server work: %s%n", changedWork);
            System.out.printf("BENCH ratios: unchanged/first %.2fx, 1%% changed/first %.2fx%n", again / (double) Math.max(1, ours),
                changedMillis / (double) Math.max(1, ours));
            System.out.printf("BENCH database rows written (PostgreSQL pg_stat_database): directory-sync first %s; keycloak %s;"
                + " directory-sync unchanged %s%n", oursRows, keycloakRows, againRows);
            assertEquals(0, secondWrites, "a second sync of unchanged data writes nothing: " + second);
        }
    }

    /**
     * What the server did during one run: its process's CPU time (all threads, from the OS) and Hibernate's counts,
     * switched on at run time for the run and read after it (statements prepared, entities inserted/updated/deleted,
     * transactions), per user of the directory.
     */
    private record Work(long cpuNanosBefore) {
        static Work start(RunOnServerClient onServer) throws Exception {
            onServer.run(session -> {
                org.hibernate.stat.Statistics stats = ServerStatistics.of(session);
                stats.setStatisticsEnabled(true);
                stats.clear();
            });
            return new Work(serverCpuNanos());
        }

        String stop(RunOnServerClient onServer, int users) throws Exception {
            long cpu = serverCpuNanos() - cpuNanosBefore;
            String counts = onServer.fetchString(session -> {
                org.hibernate.stat.Statistics stats = ServerStatistics.of(session);
                String c = stats.getPrepareStatementCount() + " " + (stats.getEntityInsertCount() + stats.getEntityUpdateCount()
                    + stats.getEntityDeleteCount()) + " " + stats.getTransactionCount() + " " + stats.getQueryExecutionCount();
                stats.setStatisticsEnabled(false);
                return c;
            });
            String[] c = counts.split(" ");
            return String.format(java.util.Locale.ROOT, "cpu %.1f s; statements %s (%.1f/user), entity writes %s (%.1f/user),"
                    + " transactions %s, queries %s", cpu / 1e9, c[0], Long.parseLong(c[0]) / (double) users, c[1],
                Long.parseLong(c[1]) / (double) users, c[2], c[3]);
        }

        static long serverCpuNanos() {
            String pid = HeapSampler.keycloakPid();
            return pid == null ? 0 : ProcessHandle.of(Long.parseLong(pid)).flatMap(p -> p.info().totalCpuDuration())
                .map(java.time.Duration::toNanos).orElse(0L);
        }
    }

    /** Keycloak's sync result, how long its REST call took and the rows it wrote. */
    private record Plain(JsonNode result, long millis, String rows) {
    }

    /** Keycloak's plain LDAP provider on the same data in a realm of its own, its own full sync; the realm is removed. */
    private Plain plainSync(TestDirectory ldap, Map<String, Object> settings, RowWrites rows, boolean groupMapper)
        throws Exception {
        @SuppressWarnings("unchecked")
        List<String> groupDns = (List<String>) settings.get("syncedGroups");
        try (LdapRuns.KeycloakLdap anchor = new LdapRuns.KeycloakLdap(admin, new DirSync(admin, realm, urls.getBase()),
            urls.getBase(), ldap, groupDns, groupMapper)) {
            Map<String, long[]> before = rows.read();
            LdapRuns.Timed run = anchor.fullSync();
            return new Plain(run.result(), run.millis(), rows.since(before));
        }
    }
}
