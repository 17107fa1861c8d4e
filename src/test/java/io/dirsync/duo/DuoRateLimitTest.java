package io.dirsync.duo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import com.duosecurity.client.Http;

import io.dirsync.it.DirSyncIntegrationTest;

/**
 * Duo's 429 {@code 42901} (issue 14): past {@code rate-limit-per-minute} requests of one integration key in a minute of
 * Keycloak's clock, a request is refused with Duo's error body and writes nothing; Duo's official Java client then
 * backs off and resends the same signed request, which passes once the next minute has begun (the test moves Keycloak's
 * clock to it while the client waits, so no assertion depends on how long anything takes).
 */
@KeycloakIntegrationTest(config = DuoRateLimitServerConfig.class)
class DuoRateLimitTest extends DirSyncIntegrationTest {

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void pastTheLimitDuoAnswers42901AndTheOfficialClientsBackoffThenSucceeds() throws Exception {
        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Limited Duo",
            "settings", Map.of("apiHostname", DuoAdminApiTest.HOST)));
        assertEquals(201, created.status(), created::toString);
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        String endpoint = setup.json().get("endpoint").asText();
        DuoRequests duo = new DuoRequests(endpoint, DuoAdminApiTest.HOST, setup.json().get("integrationKey").asText(),
            setup.json().get("secretKey").asText());

        try (DuoTlsProxy proxy = new DuoTlsProxy(DuoAdminApiTest.HOST, endpoint)) {
            System.setProperty("javax.net.ssl.trustStore", proxy.trustStore().toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

            // Keycloak's clock at the start of a minute, so that the whole window lies ahead of the requests below.
            long now = System.currentTimeMillis() / 1000;
            int offset = (int) (60 - now % 60) + 1;
            timeOffSet.set(offset);

            // The limit's worth of requests pass (distinct offsets: distinct signatures, no replay), the next is 429.
            for (int i = 0; i < DuoRateLimitServerConfig.LIMIT; i++) {
                var ok = duo.get("/admin/v1/users", Map.of("offset", Integer.toString(i)));
                assertEquals(200, ok.status(), "request " + (i + 1) + ": " + ok);
            }
            var refused = duo.get("/admin/v1/users", Map.of("offset", "999"));
            assertEquals(429, refused.status(), refused::toString);
            assertEquals(new JSONObject("{\"stat\":\"FAIL\",\"code\":42901,\"message\":\"Too Many Requests\"}").toMap(),
                new JSONObject(refused.body()).toMap(), refused::toString);
            var refusedWrite = duo.post("/admin/v1/users", Map.of("username", "too.early"));
            assertEquals(429, refusedWrite.status(), refusedWrite::toString);
            assertTrue(realm.admin().users().search("too.early", true).isEmpty(), "a refused request writes nothing");

            // The official client: its request is refused, it backs off, and resends the very same signed request;
            // the test opens the next minute as soon as the refusal has passed the proxy.
            CompletableFuture<JSONObject> patient = CompletableFuture.supplyAsync(() -> {
                try {
                    Http client = proxy.client("POST", "/admin/v1/users");
                    client.addParam("username", "patient");
                    client.signRequest(duo.ikey(), duo.skey());
                    try (okhttp3.Response r = client.executeHttpRequest()) {
                        return new JSONObject(r.body().string()).put("httpStatus", r.code());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (proxy.exchanges().stream().noneMatch(e -> e.status() == 429) && !patient.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20); // waiting for the client's first answer, not a proof
            }
            timeOffSet.set(offset + 60);
            JSONObject answer = patient.get(90, TimeUnit.SECONDS);
            assertEquals(200, answer.getInt("httpStatus"), answer::toString);
            assertEquals("patient", answer.getJSONObject("response").getString("username"));

            List<DuoTlsProxy.Exchange> sent = proxy.exchanges();
            assertTrue(sent.size() >= 2, sent::toString);
            assertEquals(429, sent.get(0).status(), "the client's first attempt is refused");
            assertEquals(200, sent.get(sent.size() - 1).status());
            assertEquals(sent.get(0).request().headers().get("Authorization"),
                sent.get(sent.size() - 1).request().headers().get("Authorization"),
                "the client resent the same signed request, and the replay guard let it through");
            assertEquals(1, realm.admin().users().search("patient", true).size());
        } finally {
            timeOffSet.set(0);
        }
    }
}
