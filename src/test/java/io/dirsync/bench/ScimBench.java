package io.dirsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;

/**
 * The speed figures of issues 2 and 3, on one real Keycloak (run with {@code mvn -Pbench verify}; not part of
 * the test run, and it asserts nothing about time). Sizes can be lowered with -Dbench.scale=0.1.
 * <ol>
 *   <li>creating users 1-1,000 vs 10,001-11,000 through SCIM, one client: the uniqueness and ownership checks
 *       are indexed, so the two should be close;</li>
 *   <li>10,000 users through our SCIM endpoint vs 10,000 through Keycloak's Admin REST API, 4 clients each;</li>
 *   <li>{@code filter=userName eq} latency with 1,000 and with 50,000 users in the directory, and
 *   {@code displayName eq} (a value of the users' documents) with 50,000.</li>
 * </ol>
 * Results go to stdout and target/bench-scim.txt.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimBench {

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    final double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
    final List<String> report = new ArrayList<>();

    int n(int full) {
        return Math.max(10, (int) Math.round(full * scale));
    }

    @Test
    void scimFigures() throws Exception {
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        DirSync.ScimDirectory scim = dirsync.scimDirectory("Bench Okta");
        AtomicInteger next = new AtomicInteger();
        line("Keycloak Directory Sync SCIM benchmark, scale %.2f, %d cores", scale, Runtime.getRuntime().availableProcessors());

        // 1. users 1-1,000, then up to 10,000, then 10,001-11,000: one client, sequential.
        long first = createSequential(scim, next, n(1000));
        filterLatencies(scim, next.get(), 100); // warm-up
        double[] atFirst = filterLatencies(scim, next.get(), 300);
        line("latency at %d users: userName eq median %.1f ms, p95 %.1f ms", next.get(), pct(atFirst, 50), pct(atFirst, 95));
        createParallel(scim, next, n(10000) - next.get(), 4);
        long last = createSequential(scim, next, n(1000));
        line("create via SCIM, 1 client: users 1-%d in %d ms (%.1f ms/user); users %d-%d in %d ms (%.1f ms/user); ratio %.2f",
            n(1000), first, first / (double) n(1000), n(10000) + 1, n(11000), last, last / (double) n(1000), last / (double) first);

        // 2. 10,000 more through SCIM and 10,000 through the Admin REST API, 4 clients each.
        long scimMs = createParallel(scim, next, n(10000), 4);
        long adminMs = createAdminParallel(dirsync, n(10000), 4);
        double scimRate = n(10000) * 1000.0 / scimMs;
        double adminRate = n(10000) * 1000.0 / adminMs;
        line("create, 4 clients: SCIM %d users in %d ms (%.0f users/s); Admin REST %d users in %d ms (%.0f users/s); SCIM/Admin REST throughput %.2f",
            n(10000), scimMs, scimRate, n(10000), adminMs, adminRate, scimRate / adminRate);

        // 3. up to 50,000 users in the directory, then the same look-up.
        createParallel(scim, next, n(50000) - next.get(), 4);
        // Warm up as before the first look-up: right after a burst of creates the first few hundred look-ups run on
        // code the JIT has not compiled for them yet, which measured the compiler rather than the query.
        filterLatencies(scim, next.get(), 100); // warm-up
        double[] at50k = filterLatencies(scim, next.get(), 300);
        line("latency at %d users: userName eq median %.1f ms, p95 %.1f ms", next.get(), pct(at50k, 50), pct(at50k, 95));
        // An attribute Keycloak does not hold, answered from the documents' indexed values (DIRSYNC_SOURCE_VALUE).
        filterLatencies(scim, next.get(), 100, i -> "displayName eq \"Bench User" + i + "\""); // warm-up
        double[] byDocument = filterLatencies(scim, next.get(), 300, i -> "displayName eq \"Bench User" + i + "\"");
        line("latency at %d users: displayName eq (a document value) median %.1f ms, p95 %.1f ms", next.get(),
            pct(byDocument, 50), pct(byDocument, 95));
        Files.write(Path.of("target", "bench-scim.txt"), report);
    }

    long createSequential(DirSync.ScimDirectory scim, AtomicInteger next, int count) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            create(scim, next.incrementAndGet());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    long createParallel(DirSync.ScimDirectory scim, AtomicInteger next, int count, int clients) throws Exception {
        if (count <= 0) {
            return 0;
        }
        int target = next.get() + count;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = next.incrementAndGet()) <= target) {
                    create(scim, i);
                }
                next.decrementAndGet();
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        next.set(target);
        return (System.nanoTime() - start) / 1_000_000;
    }

    long createAdminParallel(DirSync dirsync, int count, int clients) throws Exception {
        AtomicInteger i = new AtomicInteger();
        String url = urls.getBase() + "/admin/realms/" + realm.getName() + "/users";
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                int k;
                String token = dirsync.adminBearer();
                long tokenAt = System.currentTimeMillis();
                while ((k = i.incrementAndGet()) <= count) {
                    if (System.currentTimeMillis() - tokenAt > 30_000) {
                        token = dirsync.adminBearer();
                        tokenAt = System.currentTimeMillis();
                    }
                    Http.Result r = Http.send("POST", url, token, Map.of("username", "admin-rest-" + k, "enabled", true,
                        "firstName", "Admin", "lastName", "Rest" + k, "email", "admin-rest-" + k + "@bench.test"));
                    if (r.status() != 201) {
                        throw new IllegalStateException("Admin REST create failed: " + r);
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return (System.nanoTime() - start) / 1_000_000;
    }

    static void create(DirSync.ScimDirectory scim, int i) {
        Http.Result r = scim.scim("POST", "/Users", DirSync.scimUser("bench-user-" + i + "@bench.test", "Bench", "User" + i,
            "bench-user-" + i + "@bench.test"));
        if (r.status() != 201) {
            throw new IllegalStateException("SCIM create " + i + " failed: " + r);
        }
    }

    static double[] filterLatencies(DirSync.ScimDirectory scim, int population, int samples) {
        return filterLatencies(scim, population, samples, i -> "userName eq \"bench-user-" + i + "@bench.test\"");
    }

    /** Latencies of a filter that matches exactly user {@code i}, for users spread over the population. */
    static double[] filterLatencies(DirSync.ScimDirectory scim, int population, int samples,
                                    java.util.function.IntFunction<String> filterOf) {
        double[] ms = new double[samples];
        for (int s = 0; s < samples; s++) {
            int i = 1 + (int) ((s * 7919L) % population);
            String filter = java.net.URLEncoder.encode(filterOf.apply(i), java.nio.charset.StandardCharsets.UTF_8);
            long start = System.nanoTime();
            Http.Result r = scim.scim("GET", "/Users?filter=" + filter, null);
            ms[s] = (System.nanoTime() - start) / 1e6;
            if (r.status() != 200 || r.json().get("totalResults").asInt() != 1) {
                throw new IllegalStateException("filter failed for user " + i + ": " + r);
            }
        }
        return ms;
    }

    static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    void line(String format, Object... args) throws IOException {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + s);
        report.add(s);
    }
}
