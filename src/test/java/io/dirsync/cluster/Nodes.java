package io.dirsync.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.keycloak.admin.client.Keycloak;

import io.dirsync.it.DirSync;
import io.dirsync.it.Http;

/**
 * The two {@code kc.sh start} nodes that {@code .ci/nodes.sh} runs for {@link ClusterSuite} and {@link UpgradeSuite}:
 * their base URLs ({@code dirsync.cluster.nodes}), the database ({@code dirsync.cluster.db.*}), the control script
 * ({@code dirsync.cluster.ctl}: {@code start N}, {@code stop N}, {@code kill9 N}, {@code install N HOME}).
 */
final class Nodes {

    static final String[] URLS = System.getProperty("dirsync.cluster.nodes",
        "http://127.0.0.1:8080,http://127.0.0.1:8081").split(",");

    private Nodes() {
    }

    /** Each node issues its own admin tokens: a token's issuer is the node's URL (hostname strict is off). */
    static Keycloak admin(int node) {
        return Keycloak.getInstance(URLS[node], "master", "admin", "admin", "admin-cli");
    }

    /** The same URL on another node. */
    static String onNode(int node, String url) {
        for (String n : URLS) {
            if (url.startsWith(n)) {
                return URLS[node] + url.substring(n.length());
            }
        }
        throw new AssertionError("not a node's URL: " + url);
    }

    static Http.Result scim(String base, String token, String method, String path, Object body) {
        return Http.send(method, base + path, "Bearer " + token, body, Map.of("Accept", "application/scim+json"));
    }

    static void count(Map<String, AtomicInteger> statuses, String what, int status) {
        statuses.computeIfAbsent(what + " " + status, k -> new AtomicInteger()).incrementAndGet();
    }

    static List<JsonNode> runs(DirSync dirsync, String id) {
        Http.Result r = dirsync.admin("GET", "/directories/" + id + "/runs?max=100", null);
        assertEquals(200, r.status(), r::toString);
        List<JsonNode> list = new ArrayList<>();
        r.json().forEach(list::add);
        return list;
    }

    /** The control script: {@code action} on node {@code node} (1 or 2), with any further arguments. */
    static void ctl(String action, int node, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty("dirsync.cluster.ctl"), action, String.valueOf(node)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), action + " " + node + " did not finish");
        assertEquals(0, p.exitValue(), action + " " + node);
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection(System.getProperty("dirsync.cluster.db.url", "jdbc:postgresql://127.0.0.1:5433/keycloak"),
            System.getProperty("dirsync.cluster.db.user", "keycloak"), System.getProperty("dirsync.cluster.db.password", "keycloak"));
    }

    static long one(Connection db, String sql, String param) throws Exception {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, param);
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    /** Polls until the condition holds; the timeout only bounds a hang, it proves nothing. */
    static void waitUntil(String what, BooleanSupplier condition, int timeoutSeconds) {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        while (!condition.getAsBoolean()) {
            assertFalse(System.currentTimeMillis() > deadline, "timed out waiting for " + what);
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
