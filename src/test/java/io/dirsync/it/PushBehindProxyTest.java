package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * The brute-force limit of the push APIs behind a reverse proxy that Keycloak trusts ({@code proxy-headers=xforwarded},
 * limit 5, {@code 198.51.100.0/24} exempt: {@link PushBehindProxyServerConfig}): failures count per forwarded client
 * address, so one client's failures do not refuse another behind the same proxy; an exempt address is never counted
 * nor refused; a paused directory's 401s are not counted.
 */
@KeycloakIntegrationTest(config = PushBehindProxyServerConfig.class)
class PushBehindProxyTest extends DirSyncIntegrationTest {

    static final int DAY = 24 * 3600;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void failuresCountPerForwardedAddressExemptAddressesAreNeverRefusedAndPausedIsNotAFailure() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Proxied Okta");
        timeOffSet.set(DAY); // fresh windows, whatever failed before

        for (int i = 1; i <= PushBehindProxyServerConfig.LIMIT; i++) {
            assertEquals(401, get(okta, "Bearer guess-" + i, "203.0.113.10").status(), "failure " + i);
        }
        Http.Result refused = get(okta, "Bearer " + okta.token(), "203.0.113.10");
        assertEquals(429, refused.status(), refused::toString);
        assertTrue(Long.parseLong(refused.header("Retry-After")) > 0, refused::toString);
        // Another client behind the same proxy: its own address, not refused.
        assertEquals(200, get(okta, "Bearer " + okta.token(), "203.0.113.11").status());
        // The first hop of a list is the client (the proxy appends what it saw).
        assertEquals(429, get(okta, "Bearer " + okta.token(), "203.0.113.10, 192.0.2.1").status());

        // Exempt: twice the limit of failures, never refused.
        for (int i = 1; i <= 2 * PushBehindProxyServerConfig.LIMIT; i++) {
            assertEquals(401, get(okta, "Bearer guess-" + i, "198.51.100.20").status(), "exempt failure " + i);
        }
        assertEquals(200, get(okta, "Bearer " + okta.token(), "198.51.100.20").status());

        // Paused: the right token from one address, twice the limit: 401 each time, none 429, and served once resumed.
        assertEquals(200, dirsync.admin("POST", "/directories/" + okta.id() + "/pause", null).status());
        for (int i = 1; i <= 2 * PushBehindProxyServerConfig.LIMIT; i++) {
            Http.Result paused = get(okta, "Bearer " + okta.token(), "203.0.113.30");
            assertEquals(401, paused.status(), "paused " + i + ": " + paused);
            assertTrue(paused.body().contains("is paused in Keycloak"), paused::toString);
        }
        assertEquals(200, dirsync.admin("POST", "/directories/" + okta.id() + "/resume", null).status());
        assertEquals(200, get(okta, "Bearer " + okta.token(), "203.0.113.30").status());

        timeOffSet.set(DAY + 61);
        assertEquals(200, get(okta, "Bearer " + okta.token(), "203.0.113.10").status(), "the window ended");
    }

    private static Http.Result get(DirSync.ScimDirectory directory, String authorization, String forwardedFor) {
        return Http.send("GET", directory.baseUrl() + "/Users", authorization, null, Map.of("X-Forwarded-For", forwardedFor));
    }
}
