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
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.common.util.MultivaluedHashMap;
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
 * Issue 4's benchmark (Maven profile {@code bench}; not part of the normal test run): a generated OpenLDAP-like
 * directory of {@code -Dbench.users} users (default 10,000) in {@code -Dbench.groups} groups (default 20) is fully
 * synced by the directory sync, then the same data by Keycloak's plain LDAP provider (its own full sync, into a
 * second realm) as the anchor, then synced again unchanged. Prints wall time, the Keycloak server's peak heap
 * (sampled with jstat every 200 ms) and the changes each run wrote. With {@code -Ddirsync.ldap.target=slapd} the
 * data goes to a real slapd (see .ci/ldap-suites.sh) instead of the in-memory server.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class LdapSyncBench {

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

            Map<String, Object> settings = ldap.settings("uid");
            settings.put("syncedGroups", groupDns);
            settings.put("pageSize", 500);
            Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", "Bench", "settings", settings));
            assertEquals(201, created.status(), created::toString);
            String id = created.json().get("id").asText();

            HeapSampler heap = HeapSampler.start();
            long t1 = System.currentTimeMillis();
            JsonNode first = sync(dirsync, id);
            long ours = first.get("endedAt").asLong() - first.get("startedAt").asLong();
            long oursHeap = heap.stop();
            assertEquals("completed", first.get("status").asText(), first::toString);
            assertEquals(users + groups, first.at("/counts/created").asLong(), first::toString);

            heap = HeapSampler.start();
            long t2 = System.currentTimeMillis();
            JsonNode second = sync(dirsync, id);
            long again = second.get("endedAt").asLong() - second.get("startedAt").asLong();
            long againHeap = heap.stop();
            long secondWrites = 0;
            for (String k : List.of("created", "updated", "adopted", "trashed", "restored", "failed")) {
                secondWrites += second.at("/counts/" + k).asLong();
            }

            // The anchor: Keycloak's own LDAP provider, same data, same scope filter, its own full sync.
            RealmRepresentation anchorRealm = new RealmRepresentation();
            anchorRealm.setRealm("bench-anchor-" + System.nanoTime());
            anchorRealm.setEnabled(true);
            admin.realms().create(anchorRealm);
            ComponentRepresentation c = new ComponentRepresentation();
            c.setName("plain ldap");
            c.setProviderId("ldap");
            c.setProviderType("org.keycloak.storage.UserStorageProvider");
            MultivaluedHashMap<String, String> cfg = new MultivaluedHashMap<>();
            cfg.putSingle("vendor", "other");
            cfg.putSingle("connectionUrl", (String) settings.get("connectionUrl"));
            cfg.putSingle("bindDn", (String) settings.get("bindDn"));
            cfg.putSingle("bindCredential", (String) settings.get("bindCredential"));
            cfg.putSingle("authType", "simple");
            cfg.putSingle("usersDn", (String) settings.get("usersDn"));
            cfg.putSingle("usernameLDAPAttribute", "uid");
            cfg.putSingle("rdnLDAPAttribute", "uid");
            cfg.putSingle("uuidLDAPAttribute", ldap.inMemory() ? "entryUUID" : "entryUUID");
            cfg.putSingle("userObjectClasses", "inetOrgPerson, organizationalPerson");
            cfg.putSingle("searchScope", "2");
            cfg.putSingle("editMode", "READ_ONLY");
            cfg.putSingle("importEnabled", "true");
            cfg.putSingle("pagination", "true");
            cfg.putSingle("batchSizeForSync", "500");
            cfg.putSingle("fullSyncPeriod", "-1");
            cfg.putSingle("changedSyncPeriod", "-1");
            StringBuilder filter = new StringBuilder("(|");
            groupDns.forEach(dn -> filter.append("(memberOf=").append(dn).append(')'));
            cfg.putSingle("customUserSearchFilter", filter.append(')').toString());
            c.setConfig(cfg);
            var anchorAdmin = admin.realm(anchorRealm.getRealm());
            String cid;
            try (var r = anchorAdmin.components().add(c)) {
                assertEquals(201, r.getStatus());
                String loc = r.getLocation().toString();
                cid = loc.substring(loc.lastIndexOf('/') + 1);
            }
            heap = HeapSampler.start();
            long t3 = System.currentTimeMillis();
            JsonNode plain = post(dirsync.adminBearer(), urls.getBase() + "/admin/realms/" + anchorRealm.getRealm()
                + "/user-storage/" + cid + "/sync?action=triggerFullSync", "");
            long keycloak = System.currentTimeMillis() - t3;
            long keycloakHeap = heap.stop();
            admin.realm(anchorRealm.getRealm()).remove();

            System.out.printf("BENCH users=%d groups=%d target=%s%n", users, groups, ldap.flavour());
            System.out.printf("BENCH directory-sync full sync:      %7d ms  peak heap %5d MB  changes written %s%n", ours,
                oursHeap >> 20, first.get("counts"));
            System.out.printf("BENCH keycloak plain LDAP sync:      %7d ms  peak heap %5d MB  added=%d updated=%d failed=%d%n",
                keycloak, keycloakHeap >> 20, plain.path("added").asInt(), plain.path("updated").asInt(), plain.path("failed").asInt());
            System.out.printf("BENCH ratio directory-sync / keycloak: %.2fx%n", ours / (double) Math.max(1, keycloak));
            System.out.printf("BENCH second full sync (unchanged):  %7d ms  peak heap %5d MB  changes written %d %s%n", again,
                againHeap >> 20, secondWrites, second.get("counts"));
            assertEquals(0, secondWrites, "a second sync of unchanged data writes nothing: " + second);
        }
    }

    /** A full sync; a long one answers 202 with its run id, which is then followed until it ends. */
    private static JsonNode sync(DirSync dirsync, String id) throws Exception {
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

    /** Samples the Keycloak server's used heap (jstat -gc) and keeps the peak. */
    static final class HeapSampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private Thread thread;

        static HeapSampler start() {
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

        long stop() throws InterruptedException {
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
