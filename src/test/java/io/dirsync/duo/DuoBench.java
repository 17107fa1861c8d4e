package io.dirsync.duo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import com.duosecurity.client.Http;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;

/**
 * Issue 14's figure: users created per second through the Duo Admin API vs through SCIM, on the same server in the same
 * run ({@code mvn -Pbench verify -Dtest=DuoBench [-Dbench.duo.users=2000 -Dbench.duo.proxyUsers=200]}). Both are sent
 * the way the side-by-side bench (bench/SideBySideBench) sends SCIM creates: plain HTTP to Keycloak with the tests' one keep-alive {@code java.net.http}
 * client, one client sequentially, then 4 clients in parallel; the Duo requests are signed v5 by {@link DuoRequests}
 * (JSON body). A second, labelled line gives Duo's official Java client through the test TLS proxy (a new TLS handshake
 * through a CONNECT tunnel per request: a figure of that client and proxy more than of the server). Asserts nothing about
 * time; results to stdout and target/bench-duo.txt.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoBench extends DirSyncIntegrationTest {

    final List<String> report = new ArrayList<>();

    @Test
    void usersPerSecondDuoVersusScim() throws Exception {
        int n = Integer.getInteger("bench.duo.users", 2000);
        int viaProxy = Integer.getInteger("bench.duo.proxyUsers", 200);
        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Bench Duo",
            "settings", Map.of("apiHostname", DuoAdminApiTest.HOST)));
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        String endpoint = setup.json().get("endpoint").asText();
        DuoRequests duo = new DuoRequests(endpoint, DuoAdminApiTest.HOST, setup.json().get("integrationKey").asText(),
            setup.json().get("secretKey").asText());
        DirSync.ScimDirectory scim = dirsync.scimDirectory("Bench Okta");
        line("Duo Admin API vs SCIM user creates, %d users per figure, %d cores", n, Runtime.getRuntime().availableProcessors());

        for (int i = 0; i < 100; i++) { // warm-up
            duo(duo, "warm" + i);
            scim(scim, "warmscim" + i);
        }
        // One client, in both orders (Duo first, then SCIM first), each half the users: a gap that follows the order is
        // the bench's, one that stays is the endpoint's.
        int half = Math.max(1, n / 2);
        double duoSeq1 = rate(half, 1, i -> duo(duo, "duo-seq-" + i));
        double scimSeq1 = rate(half, 1, i -> scim(scim, "scim-seq-" + i));
        double scimSeq2 = rate(half, 1, i -> scim(scim, "scim-seq2-" + i));
        double duoSeq2 = rate(half, 1, i -> duo(duo, "duo-seq2-" + i));
        double duoSeq = (duoSeq1 + duoSeq2) / 2;
        double scimSeq = (scimSeq1 + scimSeq2) / 2;
        line("create, 1 client: Duo Admin API (v5-signed, keep-alive HTTP) %.1f users/s; SCIM %.1f users/s; Duo/SCIM %.2f"
            + " (Duo first: %.1f vs %.1f; SCIM first: %.1f vs %.1f)", duoSeq, scimSeq, duoSeq / scimSeq, duoSeq1, scimSeq1,
            scimSeq2, duoSeq2);
        // SCIM first this time, so that neither always runs on the bigger realm.
        double scimPar = rate(n, 4, i -> scim(scim, "scim-par-" + i));
        double duoPar = rate(n, 4, i -> duo(duo, "duo-par-" + i));
        line("create, 4 clients: Duo Admin API %.1f users/s; SCIM %.1f users/s; Duo/SCIM %.2f", duoPar, scimPar,
            duoPar / scimPar);

        if (viaProxy > 0) {
            try (DuoTlsProxy proxy = new DuoTlsProxy(DuoAdminApiTest.HOST, endpoint)) {
                System.setProperty("javax.net.ssl.trustStore", proxy.trustStore().toString());
                System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
                System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
                double client = rate(viaProxy, 1, i -> officialClient(proxy, duo, "duo-client-" + i));
                line("(client and proxy, not the server) Duo's Java client 0.7.1 through the test TLS proxy, 1 client,"
                    + " %d users: %.1f users/s", viaProxy, client);
            }
        }
        Files.write(Path.of("target", "bench-duo.txt"), report);
    }

    /** Users per second creating {@code count} users with {@code clients} threads. */
    private static double rate(int count, int clients, IntConsumer create) throws Exception {
        return count * 1000.0 / io.dirsync.bench.Load.parallel(count, clients, create);
    }

    private static void duo(DuoRequests duo, String username) {
        var r = duo.post("/admin/v1/users", Map.of("username", username, "realname", "Bench " + username, "email",
            username + "@bench.test"));
        if (r.status() != 200) {
            throw new AssertionError(username + ": " + r);
        }
    }

    private static void scim(DirSync.ScimDirectory scim, String username) {
        var r = scim.scim("POST", "/Users", DirSync.scimUser(username, "Bench", username, username + "@bench.test"));
        if (r.status() != 201) {
            throw new AssertionError(username + ": " + r);
        }
    }

    private static void officialClient(DuoTlsProxy proxy, DuoRequests duo, String username) {
        try {
            Http client = proxy.client("POST", "/admin/v1/users");
            client.addParam("username", username);
            client.addParam("realname", "Bench " + username);
            client.addParam("email", username + "@bench.test");
            client.signRequest(duo.ikey(), duo.skey());
            try (okhttp3.Response r = client.executeHttpRequest()) {
                if (r.code() != 200) {
                    throw new AssertionError(username + ": " + r.code() + " " + r.body().string());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + s);
        report.add(s);
    }
}
