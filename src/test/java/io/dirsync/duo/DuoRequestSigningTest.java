package io.dirsync.duo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;


import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.Http;
import io.dirsync.it.DirSyncServerConfig;

/**
 * What a signature covers, beyond Duo's vectors (DuoSignatureTest) and the official client's failures (DuoAdminApiTest):
 * <ul>
 * <li>Found by Duo's Node client through nginx (DuoProxySuite): Duo's {@code Date} header has one-second resolution,
 * so a client that reads the same user twice within a second (read back after a write, a poll) sends two requests
 * with the same signature. They are two requests, not a replay: Duo's API answers both.</li>
 * <li>A JSON body is not in v2's canonical text: a v2 signature must not carry one (whoever could alter the request
 * could change the body), while v5 signs it.</li>
 * </ul>
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoRequestSigningTest extends DirSyncIntegrationTest {

    static final String HOST = "duo-api.example.test";

    DuoTlsProxy proxy;

    @AfterEach
    void closeProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theSameReadTwiceWithinOneSecondIsAnsweredTwice() throws Exception {
        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Polled Duo",
            "settings", Map.of("apiHostname", HOST)));
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        String ikey = setup.json().get("integrationKey").asText();
        String skey = setup.json().get("secretKey").asText();
        proxy = new DuoTlsProxy(HOST, setup.json().get("endpoint").asText());
        System.setProperty("javax.net.ssl.trustStore", proxy.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        for (int attempt = 0; attempt < 5; attempt++) {
            long second = System.currentTimeMillis() / 1000;
            com.duosecurity.client.Http first = signed(ikey, skey);
            com.duosecurity.client.Http second2 = signed(ikey, skey);
            if (System.currentTimeMillis() / 1000 != second) {
                continue; // signed across a second boundary: two different Dates, not the case under test
            }
            try (okhttp3.Response a = first.executeHttpRequest(); okhttp3.Response b = second2.executeHttpRequest()) {
                assertEquals(200, a.code(), a.body().string());
                assertEquals(200, b.code(), () -> "the same read signed in the same second: " + body(b));
            }
            return;
        }
        assertTrue(false, "could not sign two requests within one second");
    }

    @Test
    void aJsonBodyCountsOnlyUnderASignatureThatCoversIt() throws Exception {
        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Body Duo",
            "settings", Map.of("apiHostname", HOST)));
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        String ikey = setup.json().get("integrationKey").asText();
        byte[] skey = setup.json().get("secretKey").asText().getBytes(StandardCharsets.UTF_8);
        String url = setup.json().get("endpoint").asText() + "/admin/v1/users";
        int users = realm.admin().users().count();

        byte[] body = "{\"username\":\"mallory\"}".getBytes(StandardCharsets.UTF_8);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        DuoSignature.Request request = new DuoSignature.Request(date, "POST", HOST, "/admin/v1/users", Map.of(), body,
            Map.of());
        // v2 signs the date, method, host, path and (no) parameters: the body is outside it.
        String v2 = DuoSignature.hmacHex("HmacSHA512", skey, DuoSignature.canonicalV2(request));
        Http.Result refused = Http.send("POST", url, basic(ikey, v2), new String(body, StandardCharsets.UTF_8),
            Map.of("Date", date, "Content-Type", "application/json"));
        assertEquals(401, refused.status(), refused::toString);
        assertEquals(40103, refused.json().get("code").asInt(), refused::toString);
        assertEquals(users, (int) realm.admin().users().count(), "nothing written");

        // The same body signed v5 (the body's hash is in the canonical text) is a create.
        String v5 = DuoSignature.hmacHex("HmacSHA512", skey, DuoSignature.canonicalV5(request));
        Http.Result accepted = Http.send("POST", url, basic(ikey, v5), new String(body, StandardCharsets.UTF_8),
            Map.of("Date", date, "Content-Type", "application/json"));
        assertEquals(200, accepted.status(), accepted::toString);
        assertEquals("mallory", accepted.json().get("response").get("username").asText());
    }

    private static String basic(String ikey, String signature) {
        return "Basic " + Base64.getEncoder().encodeToString((ikey + ":" + signature).getBytes(StandardCharsets.UTF_8));
    }

    private com.duosecurity.client.Http signed(String ikey, String skey) throws Exception {
        com.duosecurity.client.Http client = proxy.client("GET", "/admin/v1/users");
        client.addParam("username", "nobody");
        client.signRequest(ikey, skey, 5);
        return client;
    }

    private static String body(okhttp3.Response r) {
        try {
            return r.body().string();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
