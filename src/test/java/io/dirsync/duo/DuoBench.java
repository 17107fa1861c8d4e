package io.dirsync.duo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import com.duosecurity.client.Http;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http.Result;

/**
 * Issue 14's figure: users created per second through the Duo Admin API (Duo's Java client, v5 signatures, through the
 * test TLS proxy) vs through SCIM, one sequential client each, on the same server ({@code mvn -Pbench verify
 * -Dtest=DuoBench [-Dbench.duo.users=1000]}). Asserts nothing about time; results to stdout and target/bench-duo.txt.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoBench extends DirSyncIntegrationTest {

    @Test
    void usersPerSecondDuoVersusScim() throws Exception {
        int n = Integer.getInteger("bench.duo.users", 1000);
        List<String> report = new ArrayList<>();
        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Bench Duo",
            "settings", Map.of("apiHostname", DuoAdminApiTest.HOST)));
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        String ikey = setup.json().get("integrationKey").asText();
        String skey = setup.json().get("secretKey").asText();
        try (DuoTlsProxy proxy = new DuoTlsProxy(DuoAdminApiTest.HOST, setup.json().get("endpoint").asText())) {
            System.setProperty("javax.net.ssl.trustStore", proxy.trustStore().toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            DirSync.ScimDirectory scim = dirsync.scimDirectory("Bench Okta");
            for (int i = 0; i < 50; i++) { // warm-up
                duo(proxy, ikey, skey, "warm" + i);
                scim(scim, "warmscim" + i);
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                duo(proxy, ikey, skey, "duo" + i);
            }
            double duoMs = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                scim(scim, "scim" + i);
            }
            double scimMs = (System.nanoTime() - start) / 1e6;
            double duoRate = n * 1000 / duoMs;
            double scimRate = n * 1000 / scimMs;
            report.add(String.format("create %d users, 1 client: Duo Admin API (Java client 0.7.1, v5, via TLS proxy) %.0f ms"
                + " (%.1f users/s); SCIM %.0f ms (%.1f users/s); Duo/SCIM throughput %.2f; %d cores", n, duoMs, duoRate,
                scimMs, scimRate, duoRate / scimRate, Runtime.getRuntime().availableProcessors()));
        }
        report.forEach(System.out::println);
        Files.write(Path.of("target", "bench-duo.txt"), report);
    }

    private static void duo(DuoTlsProxy proxy, String ikey, String skey, String username) throws Exception {
        Http client = proxy.client("POST", "/admin/v1/users");
        client.addParam("username", username);
        client.addParam("realname", "Bench " + username);
        client.addParam("email", username + "@bench.test");
        client.signRequest(ikey, skey);
        try (okhttp3.Response r = client.executeHttpRequest()) {
            if (r.code() != 200) {
                throw new AssertionError(username + ": " + r.code() + " " + r.body().string());
            }
        }
    }

    private static void scim(DirSync.ScimDirectory scim, String username) {
        Result r = scim.scim("POST", "/Users", DirSync.scimUser(username, "Bench", username, username + "@bench.test"));
        if (r.status() != 201) {
            throw new AssertionError(username + ": " + r);
        }
    }
}
