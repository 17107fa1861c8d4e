package io.dirsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;
import io.dirsync.ldap.TestDirectory;
import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.Outcome;
import io.dirsync.storage.RunKind;
import io.dirsync.storage.RunStatus;
import io.dirsync.storage.SubjectType;
import io.dirsync.storage.SyncRunEntity;
import io.dirsync.storage.SyncRunItemEntity;

/**
 * Issue 12's history figure (Maven profile {@code bench}; asserts nothing about time): a directory with
 * {@code -Dbench.runs} runs (default 10,000; another directory of the realm has as many, so that the query has to pick
 * its directory's), each with a few outcomes and one error as a real run has, written straight into the extension's
 * tables on the server. Then what the console's History tab asks, repeated: the first page
 * ({@code GET runs?first=0&max=21}, the table asks one row more than it shows), the total ({@code runs/count}) and a
 * page deep in the history; median and p95 of each, and the database's plan of the page query.
 * Results go to stdout and target/bench-history.txt.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class RunHistoryBench {

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectRunOnServer(permittedPackages = {"io.dirsync.bench", "io.dirsync.it"})
    RunOnServerClient onServer;

    final List<String> report = new ArrayList<>();

    @Test
    void firstPageOfAHistoryOfTenThousandRuns() throws Exception {
        int runs = Integer.getInteger("bench.runs", 10_000);
        int samples = Integer.getInteger("bench.samples", 300);
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        try (TestDirectory ldap = TestDirectory.start("memory-openldap")) {
            String busy = dirsync.ldapDirectory("Busy LDAP", ldap.settings("uid"));
            String other = dirsync.ldapDirectory("Other LDAP", ldap.settings("uid"));
            String realmId = realm.admin().toRepresentation().getId();
            long seedStart = System.nanoTime();
            seed(realmId, busy, runs);
            seed(realmId, other, runs);
            analyze();
            line("Keycloak Directory Sync run history benchmark, %d cores; seeded 2 directories x %d runs (3 outcomes each)"
                + " in %d ms", Runtime.getRuntime().availableProcessors(), runs, (System.nanoTime() - seedStart) / 1_000_000);
            int count = dirsync.admin("GET", "/directories/" + busy + "/runs/count", null).json().get("count").asInt();
            if (count != runs) {
                throw new IllegalStateException("count " + count + ", expected " + runs);
            }

            String first = "/directories/" + busy + "/runs?first=0&max=21";
            String total = "/directories/" + busy + "/runs/count";
            String deep = "/directories/" + busy + "/runs?first=" + (runs / 2) + "&max=21";
            for (int i = 0; i < 50; i++) { // warm-up (JIT, caches)
                time(dirsync, first, 21);
                time(dirsync, total, -1);
                time(dirsync, deep, 21);
            }
            // Interleaved, so that a busy machine weighs on the three alike.
            double[] firstMs = new double[samples];
            double[] totalMs = new double[samples];
            double[] deepMs = new double[samples];
            for (int i = 0; i < samples; i++) {
                firstMs[i] = time(dirsync, first, 21);
                totalMs[i] = time(dirsync, total, -1);
                deepMs[i] = time(dirsync, deep, 21);
            }
            line("GET runs?first=0&max=21 (the History tab's first page) with %d runs: median %.1f ms, p95 %.1f ms (%d calls)",
                runs, pct(firstMs, 50), pct(firstMs, 95), firstMs.length);
            line("GET runs/count: median %.1f ms, p95 %.1f ms (%d calls)", pct(totalMs, 50), pct(totalMs, 95), totalMs.length);
            line("GET runs?first=%d&max=21 (a page in the middle): median %.1f ms, p95 %.1f ms (%d calls)", runs / 2,
                pct(deepMs, 50), pct(deepMs, 95), deepMs.length);
            line("plan of the page query: %s", plan(busy));
        }
        Files.write(Path.of("target", "bench-history.txt"), report);
    }

    /** {@code runs} finished runs of a directory, one every 30 minutes back from now, with 3 outcomes each. */
    void seed(String realmId, String directoryId, int runs) {
        onServer.run(session -> {
            long now = System.currentTimeMillis();
            for (int from = 0; from < runs; from += 1000) {
                int start = from;
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
                    DirSyncStore store = new DirSyncStore(s);
                    for (int i = start; i < Math.min(runs, start + 1000); i++) {
                        SyncRunEntity r = new SyncRunEntity();
                        r.setId(KeycloakModelUtils.generateId());
                        r.setRealmId(realmId);
                        r.setDirectoryId(directoryId);
                        r.setKind(i % 24 == 0 ? RunKind.FULL : RunKind.ADMIN);
                        r.setStatus(i % 50 == 7 ? RunStatus.FAILED : RunStatus.COMPLETED);
                        r.setStartedAt(now - i * 1_800_000L);
                        r.setEndedAt(r.getStartedAt() + 4_000L);
                        r.setUnchangedCount(120);
                        r.setProgressRead(123L);
                        r.setProgressApplied(122L);
                        r.setProgressFailed(1L);
                        r.setProgressPage(1);
                        r.setProgressAt(r.getEndedAt());
                        store.persist(r);
                        for (Outcome o : List.of(Outcome.CREATED, Outcome.UPDATED, Outcome.FAILED)) {
                            SyncRunItemEntity item = new SyncRunItemEntity();
                            item.setId(KeycloakModelUtils.generateId());
                            item.setRunId(r.getId());
                            item.setRealmId(realmId);
                            item.setDirectoryId(directoryId);
                            item.setAt(r.getStartedAt() + 1_000L);
                            item.setOutcome(o);
                            item.setSubjectType(SubjectType.USER);
                            item.setSubject("user" + i);
                            item.setMessage(o == Outcome.FAILED ? "Cannot sync a user belonging to another directory sync"
                                + " unless that sync is paused" : null);
                            store.persist(item);
                        }
                    }
                });
            }
        });
    }

    /**
     * Fresh statistics for the seeded table, as PostgreSQL's autovacuum keeps them on a table that grows run by run (it
     * would otherwise plan with the empty table's estimate); H2 keeps its own.
     */
    void analyze() {
        onServer.run(session -> {
            jakarta.persistence.EntityManager em = session.getProvider(org.keycloak.connections.jpa.JpaConnectionProvider.class)
                .getEntityManager();
            String product = em.unwrap(org.hibernate.Session.class).doReturningWork(c -> c.getMetaData().getDatabaseProductName());
            if (product.toLowerCase(Locale.ROOT).contains("postgres")) {
                em.unwrap(org.hibernate.Session.class).doWork(c -> {
                    try (var st = c.createStatement()) {
                        st.execute("ANALYZE DIRSYNC_RUN");
                        st.execute("ANALYZE DIRSYNC_RUN_ITEM");
                    }
                });
            }
        });
    }

    /** The database's own plan of the history's page query (H2's EXPLAIN, PostgreSQL's EXPLAIN ANALYZE). */
    String plan(String directoryId) {
        return onServer.fetchString(session -> {
            jakarta.persistence.EntityManager em = session.getProvider(org.keycloak.connections.jpa.JpaConnectionProvider.class)
                .getEntityManager();
            String product = em.unwrap(org.hibernate.Session.class).doReturningWork(c -> c.getMetaData().getDatabaseProductName());
            boolean pg = product.toLowerCase(Locale.ROOT).contains("postgres");
            String sql = (pg ? "EXPLAIN ANALYZE " : "EXPLAIN ") + "SELECT * FROM DIRSYNC_RUN WHERE DIRECTORY_ID = '"
                + directoryId + "' ORDER BY DIRECTORY_ID, STARTED_AT DESC, ID DESC " + (pg ? "LIMIT 21" : "FETCH FIRST 21 ROWS ONLY");
            List<?> rows = em.createNativeQuery(sql).getResultList();
            StringBuilder b = new StringBuilder(product).append(": ");
            rows.forEach(r -> b.append(String.valueOf(r).replaceAll("\\s+", " ")
                .replaceAll("SELECT .* FROM ", "SELECT ... FROM ")).append(" | "));
            return b.toString();
        });
    }

    /** One call's time in ms, the admin token already at hand. */
    static double time(DirSync dirsync, String path, int expectedRows) {
        String bearer = dirsync.adminBearer();
        long start = System.nanoTime();
        Http.Result r = Http.send("GET", dirsync.adminUrl(path), bearer, null);
        double ms = (System.nanoTime() - start) / 1e6;
        if (r.status() != 200 || expectedRows >= 0 && r.json().size() != expectedRows) {
            throw new IllegalStateException(path + ": " + r);
        }
        return ms;
    }

    static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + s);
        report.add(s);
    }
}
