package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.idm.RealmRepresentation;
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
import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.EnrollmentEntity;
import io.dirsync.storage.EnrollmentState;
import io.dirsync.storage.ManagedUserEntity;

/**
 * Issue 12's paging figure (Maven profile {@code bench}, with Debian's chromium; not part of the test run and it asserts
 * nothing about time): the Trash page with {@code -Dbench.users} trashed users (default 10,000) and Pending Enrollments
 * with as many pending enrollments. Seeded on the server straight through Keycloak's user API and the extension's
 * storage (the engine's rules are not what is measured), then:
 * <ul>
 *   <li>{@code GET /trash?first=0&max=21} (the console's first page: 20 rows and one to know there is a next page), with a
 *   search, a search matching nobody, a directory filter, and a deep page; the same for {@code GET /enrollments}:
 *   median and p95 over repeated calls;</li>
 *   <li>in Chromium (e2e/paging-bench.spec.ts): from a click on the navigation entry to the first row visible, and from a
 *   reload of the page (the whole console starting) to the first row visible.</li>
 * </ul>
 * Results go to stdout (lines starting with BENCH) and target/bench-console-paging.txt.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ConsolePagingBench {

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectRunOnServer(permittedPackages = {"io.dirsync.console", "io.dirsync.it"})
    RunOnServerClient onServer;

    final int users = Integer.getInteger("bench.users", 10_000);
    final int calls = Integer.getInteger("bench.calls", 200);
    final List<String> report = new ArrayList<>();

    @Test
    void firstPagesOfTheTrashAndOfPendingEnrollments() throws Exception {
        RealmRepresentation master = admin.realm("master").toRepresentation();
        master.setAdminTheme("dirsync");
        admin.realm("master").update(master);
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        String directoryId = dirsync.scimDirectory("Bench Okta").id();
        line("Console paging benchmark: %d trashed users, %d pending enrollments, %d calls each, %d cores, database %s",
            users, users, calls, Runtime.getRuntime().availableProcessors(), System.getProperty("kc.test.database", "dev-mem"));

        long t = System.currentTimeMillis();
        String realmName = realm.getName();
        for (int from = 0; from < users; from += 500) {
            int f = from;
            int to = Math.min(users, from + 500);
            onServer.run(session -> seed(session, realmName, directoryId, f, to));
        }
        line("seeded %d trashed users and %d pending enrollments (with their Keycloak users) in %d ms", users, users,
            System.currentTimeMillis() - t);
        assertEquals(users, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
        assertEquals(users, dirsync.admin("GET", "/enrollments?max=1", null).json().get("count").asInt());

        int sample = users / 2;
        Map<String, String> trash = new java.util.LinkedHashMap<>();
        trash.put("first page", "/trash?first=0&max=21");
        trash.put("first page, search matching ~11 users", "/trash?first=0&max=21&search=trashed-" + sample / 10 + "@");
        trash.put("first page, search matching 1 user", "/trash?first=0&max=21&search=trashed-" + sample + "@");
        trash.put("search matching nobody", "/trash?first=0&max=21&search=nobody");
        trash.put("first page, directory filter", "/trash?first=0&max=21&directory=" + directoryId);
        trash.put("last page", "/trash?first=" + (users - 20) + "&max=21");
        trash.put("count (header badge)", "/trash/count");
        Map<String, String> enrollments = new java.util.LinkedHashMap<>();
        enrollments.put("first page", "/enrollments?first=0&max=21");
        enrollments.put("first page, search matching 1 user", "/enrollments?first=0&max=21&search=pending-" + sample + "@");
        enrollments.put("first page, directory filter", "/enrollments?first=0&max=21&directory=" + directoryId);
        enrollments.put("last page", "/enrollments?first=" + (users - 20) + "&max=21");

        // Warm-up (JIT, query plans), not measured.
        for (Map<String, String> set : List.of(trash, enrollments)) {
            for (String path : set.values()) {
                latencies(dirsync, path, 30);
            }
        }
        for (Map.Entry<String, String> e : trash.entrySet()) {
            double[] ms = latencies(dirsync, e.getValue(), calls);
            line("GET %-60s %-38s median %6.1f ms, p95 %6.1f ms", e.getValue().replace(directoryId, "{id}"),
                "(trash: " + e.getKey() + ")", pct(ms, 50), pct(ms, 95));
        }
        for (Map.Entry<String, String> e : enrollments.entrySet()) {
            double[] ms = latencies(dirsync, e.getValue(), calls);
            line("GET %-60s %-38s median %6.1f ms, p95 %6.1f ms", e.getValue().replace(directoryId, "{id}"),
                "(enrollments: " + e.getKey() + ")", pct(ms, 50), pct(ms, 95));
        }

        // The browser: navigation to first row visible.
        Path browserOut = Path.of("target", "bench-console-browser.json").toAbsolutePath();
        Files.deleteIfExists(browserOut);
        Map<String, Object> seed = new HashMap<>();
        seed.put("realm", realm.getName());
        seed.put("adminUser", BrowserSuiteBase.ADMIN);
        seed.put("adminPassword", BrowserSuiteBase.ADMIN_PASSWORD);
        seed.put("out", browserOut.toString());
        seed.put("rounds", Integer.getInteger("bench.browserRounds", 10));
        Browser.run("paging-bench.spec.ts", urls.getBase(), seed);
        JsonNode browser = Http.JSON.readTree(browserOut.toFile());
        for (var it = browser.fields(); it.hasNext(); ) {
            var e = it.next();
            double[] ms = new double[e.getValue().size()];
            for (int i = 0; i < ms.length; i++) {
                ms[i] = e.getValue().get(i).asDouble();
            }
            line("browser: %-62s median %6.0f ms, max %6.0f ms (%d rounds)", e.getKey(), pct(ms, 50), pct(ms, 100), ms.length);
        }
        Files.write(Path.of("target", "bench-console-paging.txt"), report);
    }

    /**
     * Users {@code from..to-1}: a trashed user "trashed-i" (deactivated in the source, deleted for good in 7 days plus i
     * seconds, so that every page has its own rows) and an active user "pending-i" whose enrollment e-mail was sent
     * (its next reminder in 2 days, so that the job leaves it alone).
     */
    private static void seed(org.keycloak.models.KeycloakSession session, String realmName, String directoryId, int from, int to) {
        RealmModel r = session.realms().getRealmByName(realmName);
        session.getContext().setRealm(r);
        DirSyncStore store = new DirSyncStore(session);
        long now = Time.currentTimeMillis();
        long day = 86_400_000L;
        for (int i = from; i < to; i++) {
            UserModel trashed = session.users().addUser(r, "trashed-" + i);
            trashed.setEmail("trashed-" + i + "@bench.test");
            trashed.setFirstName("Trashed");
            trashed.setLastName("User " + i);
            trashed.setEnabled(false);
            ManagedUserEntity m = managed(r, directoryId, trashed, "trashed-" + i, now);
            m.setSourceActive(false);
            m.trash("deactivated in the source", now, now + 7 * day + i * 1000L);
            store.persist(m);

            UserModel pending = session.users().addUser(r, "pending-" + i);
            pending.setEmail("pending-" + i + "@bench.test");
            pending.setFirstName("Pending");
            pending.setLastName("User " + i);
            pending.setEnabled(true);
            store.persist(managed(r, directoryId, pending, "pending-" + i, now));
            EnrollmentEntity e = new EnrollmentEntity();
            e.setId(UUID.randomUUID().toString());
            e.setRealmId(r.getId());
            e.setDirectoryId(directoryId);
            e.setUserId(pending.getId());
            e.setState(EnrollmentState.PENDING);
            e.setEmail(pending.getEmail());
            e.setCycle(1);
            e.setQueuedAt(now - (to - i) * 1000L);
            e.setSentAt(now);
            e.setExpiresAt(now + 30 * day);
            e.setReminders(0);
            e.setNextAt(now + 2 * day);
            store.persist(e);
        }
    }

    private static ManagedUserEntity managed(RealmModel r, String directoryId, UserModel user, String username, long now) {
        ManagedUserEntity m = new ManagedUserEntity();
        m.setUserId(user.getId());
        m.setRealmId(r.getId());
        m.setDirectoryId(directoryId);
        m.setExternalId("ext-" + username);
        m.setSourceUsername(username);
        m.setSourceActive(true);
        m.setCreatedAt(now);
        m.setLastModified(now);
        m.setRevision(1);
        return m;
    }

    private static double[] latencies(DirSync dirsync, String path, int n) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            String token = dirsync.adminBearer(); // refreshed when it nears its end, outside the timing
            long start = System.nanoTime();
            Http.Result r = Http.send("GET", dirsync.adminUrl(path), token, null);
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (r.status() != 200) {
                throw new IllegalStateException(path + ": " + r);
            }
        }
        return ms;
    }

    static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    void line(String format, Object... args) throws IOException {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + s);
        report.add(s);
    }
}
