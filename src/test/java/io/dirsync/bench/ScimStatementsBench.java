package io.dirsync.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

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

import io.dirsync.it.DirSync;
import io.dirsync.it.Http;
import io.dirsync.ldap.BenchServerConfig;
import io.dirsync.ldap.ServerStatistics;

/**
 * Where a SCIM request's database work goes, next to the Admin REST API's for the same change (Maven profile
 * {@code bench}: {@code mvn -B -Pbench verify -Dtest=ScimStatementsBench}). Each operation runs {@code -Dbench.requests}
 * times (default 40) after as many unmeasured, one at a time, with Hibernate's statistics switched on around the
 * measured ones; prints statements prepared per request and, per request, each query that ran and each entity and
 * collection loaded, inserted, updated or deleted. Counts, not times: a loaded machine does not change them.
 */
@KeycloakIntegrationTest(config = BenchServerConfig.class)
class ScimStatementsBench {

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectRunOnServer(permittedPackages = {"io.dirsync.bench", "io.dirsync.ldap"})
    RunOnServerClient onServer;

    final int requests = Integer.getInteger("bench.requests", 40);

    @Test
    void statementsPerRequest() throws Exception {
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        DirSync.ScimDirectory ours = dirsync.scimDirectory("Statements Okta");
        String adminBase = urls.getBase() + "/admin/realms/" + realm.getName();
        int total = 2 * requests;
        String[] ourIds = new String[total];
        String[] adminIds = new String[total];

        measure("our SCIM create", i -> ourIds[i] = DirSync.id(expect(ours.scim("POST", "/Users",
            DirSync.scimUser("st-" + i, "State", "Ment" + i, "st-" + i + "@bench.test")), 201)));
        measure("Admin REST create", i -> {
            String location = expect(Http.send("POST", adminBase + "/users", dirsync.adminBearer(), Map.of("username",
                "ad-" + i, "enabled", true, "firstName", "Admin", "lastName", "Rest", "email", "ad-" + i + "@bench.test")), 201)
                .header("Location");
            adminIds[i] = location.substring(location.lastIndexOf('/') + 1);
        });
        measure("our SCIM PUT (familyName changes)", i -> expect(ours.scim("PUT", "/Users/" + ourIds[i],
            DirSync.scimUser("st-" + i, "State", "Put" + i, "st-" + i + "@bench.test")), 200));
        measure("Admin REST PUT (lastName changes)", i -> expect(Http.send("PUT", adminBase + "/users/" + adminIds[i],
            dirsync.adminBearer(), Map.of("username", "ad-" + i, "enabled", true, "firstName", "Admin", "lastName", "Put" + i,
                "email", "ad-" + i + "@bench.test")), 204));

        String group = DirSync.id(expect(ours.scim("POST", "/Groups", Map.of("schemas",
            List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", "Statements")), 201));
        String location = expect(Http.send("POST", adminBase + "/groups", dirsync.adminBearer(), Map.of("name", "Rest")), 201)
            .header("Location");
        String adminGroup = location.substring(location.lastIndexOf('/') + 1);
        measure("our SCIM member PATCH (add one)", i -> expect(ours.scim("PATCH", "/Groups/" + group, Map.of("schemas",
            List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations", List.of(Map.of("op", "add", "path",
                "members", "value", List.of(Map.of("value", ourIds[i])))))), 204));
        measure("Admin REST join group", i -> expect(Http.send("PUT", adminBase + "/users/" + adminIds[i] + "/groups/"
            + adminGroup, dirsync.adminBearer(), null), 204));
        measure("our SCIM filter userName eq", i -> expect(ours.scim("GET", "/Users?filter="
            + java.net.URLEncoder.encode("userName eq \"st-" + i + "\"", java.nio.charset.StandardCharsets.UTF_8), null), 200));
        measure("Admin REST username exact", i -> expect(Http.send("GET", adminBase + "/users?exact=true&username=ad-" + i,
            dirsync.adminBearer(), null), 200));
        measure("our SCIM filter emails.value eq", i -> expect(ours.scim("GET", "/Users?filter="
            + java.net.URLEncoder.encode("emails.value eq \"st-" + i + "@bench.test\"", java.nio.charset.StandardCharsets.UTF_8),
            null), 200));
        measure("Admin REST email exact", i -> expect(Http.send("GET", adminBase + "/users?exact=true&email=ad-" + i
            + "@bench.test", dirsync.adminBearer(), null), 200));
        // Pages of 50 (each path has 80 users here) from two starts in turn, as the side-by-side bench reads its pages:
        // the same users each time, which Keycloak's user cache holds after the first request, for both paths alike.
        measure("our SCIM page of 50", i -> expect(ours.scim("GET", "/Users?count=50&startIndex=" + (1 + (i % 2) * 20),
            null), 200));
        measure("Admin REST page of 50", i -> expect(Http.send("GET", adminBase + "/users?max=50&first=" + (i % 2) * 20,
            dirsync.adminBearer(), null), 200));
    }

    /** Runs {@code work} for 0..requests-1 unmeasured, then for requests..2*requests-1 counted. */
    void measure(String what, IntConsumer work) throws Exception {
        for (int i = 0; i < requests; i++) {
            work.accept(i);
        }
        OnServer.start(onServer);
        for (int i = requests; i < 2 * requests; i++) {
            work.accept(i);
        }
        String counted = OnServer.report(onServer, requests);
        System.out.println("STATEMENTS " + what + ": " + counted);
    }

    static Http.Result expect(Http.Result r, int status) {
        assertEquals(status, r.status(), r::toString);
        return r;
    }

    /**
     * The code run on the server, in a class of its own: the server loads the class that defines a lambda it runs, and
     * this one references nothing of the test's client side.
     */
    static final class OnServer {
        static void start(RunOnServerClient onServer) {
            onServer.run(session -> {
                org.hibernate.stat.Statistics stats = ServerStatistics.of(session);
                stats.setStatisticsEnabled(true);
                stats.clear();
            });
        }

        static String report(RunOnServerClient onServer, int n) {
            return onServer.fetchString(session -> {
                org.hibernate.stat.Statistics stats = ServerStatistics.of(session);
                stats.setStatisticsEnabled(false);
                StringBuilder b = new StringBuilder();
                b.append(String.format(Locale.ROOT, "statements %.1f, transactions %.1f, flushes %.1f%n",
                    stats.getPrepareStatementCount() / (double) n, stats.getTransactionCount() / (double) n,
                    stats.getFlushCount() / (double) n));
                for (String q : stats.getQueries()) {
                    long c = stats.getQueryStatistics(q).getExecutionCount();
                    if (c > 0) {
                        b.append(String.format(Locale.ROOT, "  query %.2f  %s%n", c / (double) n,
                            q.length() > 220 ? q.substring(0, 220) + "…" : q));
                    }
                }
                for (String e : stats.getEntityNames()) {
                    var s = stats.getEntityStatistics(e);
                    if (s.getLoadCount() + s.getFetchCount() + s.getInsertCount() + s.getUpdateCount() + s.getDeleteCount() > 0) {
                        b.append(String.format(Locale.ROOT, "  entity %s: load %.2f fetch %.2f insert %.2f update %.2f delete %.2f%n",
                            e.substring(e.lastIndexOf('.') + 1), s.getLoadCount() / (double) n, s.getFetchCount() / (double) n,
                            s.getInsertCount() / (double) n, s.getUpdateCount() / (double) n, s.getDeleteCount() / (double) n));
                    }
                }
                for (String r : stats.getCollectionRoleNames()) {
                    var s = stats.getCollectionStatistics(r);
                    if (s.getLoadCount() + s.getFetchCount() + s.getRecreateCount() + s.getUpdateCount() + s.getRemoveCount() > 0) {
                        b.append(String.format(Locale.ROOT, "  collection %s: load %.2f fetch %.2f recreate %.2f update %.2f%n",
                            r.substring(r.lastIndexOf('.', r.lastIndexOf('.') - 1) + 1), s.getLoadCount() / (double) n,
                            s.getFetchCount() / (double) n, s.getRecreateCount() / (double) n, s.getUpdateCount() / (double) n));
                    }
                }
                return b.toString();
            });
        }
    }
}
