package io.dirsync.duo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import com.duosecurity.client.Http;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;

/**
 * Found by Duo's Node client through nginx (DuoProxySuite): Duo's {@code Date} header has one-second resolution, so
 * a client that reads the same user twice within a second (read back after a write, a poll) sends two requests with
 * the same signature. They are two requests, not a replay: Duo's API answers both; here the second is 401 40103.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoRepeatedRequestTest extends DirSyncIntegrationTest {

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
            Http first = signed(ikey, skey);
            Http second2 = signed(ikey, skey);
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

    private Http signed(String ikey, String skey) throws Exception {
        Http client = proxy.client("GET", "/admin/v1/users");
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
