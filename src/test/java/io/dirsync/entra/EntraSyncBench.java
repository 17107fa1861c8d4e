package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.bench.HeapSampler;
import io.dirsync.bench.RowWrites;
import io.dirsync.it.DirSync;
import io.dirsync.it.Http;
import io.dirsync.ldap.BenchServerConfig;

/**
 * Issue 13's figures (profile {@code bench}, never part of the test run): a full sync of {@code bench.users} (50,000)
 * users in {@code bench.groups} (100) groups from the {@link GraphStandIn}, a second unchanged full sync, then an
 * incremental run after {@code bench.changes} (100) changes (a quarter each renamed, removed from their group, disabled,
 * deleted). Prints wall time, the Keycloak server's peak heap, the rows written (PostgreSQL only) and the Graph requests
 * of each run.
 * <pre>mvn -B -Pbench verify -Dtest=EntraSyncBench [-Dbench.users=50000 -Dbench.groups=100 -Dbench.changes=100]</pre>
 */
@KeycloakIntegrationTest(config = BenchServerConfig.class)
class EntraSyncBench {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @Test
    void fullAndIncrementalSyncFromTheGraphStandIn() throws Exception {
        int users = Integer.getInteger("bench.users", 50_000);
        int groups = Integer.getInteger("bench.groups", 100);
        int changes = Integer.getInteger("bench.changes", 100);
        // A realm of its own, left in place: the framework's clean-up would delete 52,000 users in one admin request,
        // longer than the admin client waits; the benchmark's server is thrown away after it anyway.
        org.keycloak.representations.idm.RealmRepresentation rep = new org.keycloak.representations.idm.RealmRepresentation();
        rep.setRealm("entra-bench-" + System.currentTimeMillis());
        rep.setEnabled(true);
        admin.realms().create(rep);
        DirSync dirsync = new DirSync(admin, rep.getRealm(), urls.getBase());
        try (GraphStandIn graph = GraphStandIn.start()) {
            // warm-up (a fresh server JIT-compiles for its first minute): 2,000 users of their own
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                warm.add(graph.addUser("warm" + i + "@warm.example", Map.of("givenName", "Warm", "surname", "Up" + i,
                    "mail", "warm" + i + "@warm.example")));
            }
            String warmGroup = graph.addGroup("Warm-up");
            warm.forEach(u -> graph.addMember(warmGroup, u));
            String warmId = create(dirsync, graph, "Warm-up", List.of(warmGroup));
            long t = System.currentTimeMillis();
            assertEquals("completed", sync(dirsync, warmId, "full").get("status").asText());
            System.out.printf("BENCH warm-up: 2000 users in %d ms%n", System.currentTimeMillis() - t);

            t = System.currentTimeMillis();
            List<String> groupIds = graph.populate(users, groups);
            System.out.printf("BENCH stand-in: %d users in %d groups in %d ms%n", users, groups, System.currentTimeMillis() - t);
            String id = create(dirsync, graph, "Bench", groupIds);

            RowWrites rows = RowWrites.connect();
            Map<String, long[]> before = rows.read();
            graph.clearRequests();
            HeapSampler heap = HeapSampler.start();
            t = System.currentTimeMillis();
            JsonNode full = sync(dirsync, id, "full");
            long fullMillis = System.currentTimeMillis() - t;
            long fullHeap = heap.stop();
            String fullRows = rows.since(before);
            assertEquals("completed", full.get("status").asText(), full::toString);
            assertEquals(users, full.at("/counts/created").asInt() - groups, full::toString);
            System.out.printf("BENCH full sync: %d users, %d groups: %d ms, peak heap %d MB, %d Graph requests %s, rows %s%n",
                users, groups, fullMillis, fullHeap >> 20, graph.requests().size(), byPath(graph), fullRows);

            before = rows.read();
            graph.clearRequests();
            t = System.currentTimeMillis();
            JsonNode again = sync(dirsync, id, "full");
            System.out.printf("BENCH second full sync (unchanged): %d ms, %d changes, %d Graph requests, rows %s%n",
                System.currentTimeMillis() - t, again.at("/counts/created").asInt() + again.at("/counts/updated").asInt()
                    + again.at("/counts/trashed").asInt(), graph.requests().size(), rows.since(before));

            // changes: users of the first group (one group each, round robin: user i is in group i % groups)
            int quarter = Math.max(1, changes / 4);
            List<String> changed = new ArrayList<>();
            for (int i = 0; changed.size() < 4 * quarter; i++) {
                changed.add(userOf(graph, i));
            }
            for (int i = 0; i < quarter; i++) {
                graph.updateUser(changed.get(i), Map.of("surname", "Renamed" + i));
                graph.removeMember(groupIds.get((quarter + i) % groups), changed.get(quarter + i));
                graph.updateUser(changed.get(2 * quarter + i), Map.of("accountEnabled", false));
                graph.deleteUser(changed.get(3 * quarter + i), false);
            }
            before = rows.read();
            graph.clearRequests();
            t = System.currentTimeMillis();
            JsonNode delta = sync(dirsync, id, "incremental");
            long deltaMillis = System.currentTimeMillis() - t;
            System.out.printf("BENCH incremental run after %d changes: %s, %d ms, updated %d, trashed %d, %d Graph requests %s,"
                    + " rows %s%n", 4 * quarter, delta.get("status").asText(), deltaMillis, delta.at("/counts/updated").asInt(),
                delta.at("/counts/trashed").asInt(), graph.requests().size(), byPath(graph), rows.since(before));
            rows.close();
        }
    }

    /** The object id of the n-th user {@link GraphStandIn#populate} made. */
    private static String userOf(GraphStandIn graph, int n) {
        return graph.userIdOf(String.format("user%05d@contoso.example", n + 1));
    }

    private static String byPath(GraphStandIn graph) {
        Map<String, Integer> counts = new TreeMap<>();
        for (GraphStandIn.Recorded r : graph.requests()) {
            String p = r.path().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}");
            counts.merge(r.method() + " " + p, 1, Integer::sum);
        }
        return counts.toString();
    }

    private static String create(DirSync dirsync, GraphStandIn graph, String name, List<String> groups) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        s.put("syncedGroups", groups);
        Http.Result r = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", name, "settings", s));
        assertEquals(201, r.status(), r::toString);
        return r.json().get("id").asText();
    }

    /** A run to its end: started without waiting, then its report read until it is no longer running. */
    private static JsonNode sync(DirSync dirsync, String id, String kind) throws InterruptedException {
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync?wait=0", Map.of("kind", kind));
        String runId = r.json().get("id").asText();
        while (true) {
            JsonNode run = dirsync.admin("GET", "/directories/" + id + "/runs/" + runId, null).json();
            if (!"running".equals(run.get("status").asText())) {
                return run;
            }
            Thread.sleep(500);
        }
    }
}
