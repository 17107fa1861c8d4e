package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import io.dirsync.duo.DuoRequests;

/**
 * Brute force on the push APIs (issue 15): bad SCIM bearer tokens and bad Duo signatures from one client address are
 * refused with 429 and {@code Retry-After} once the address has failed {@link BruteForceServerConfig#MAX_FAILURES}
 * times in its window, whatever it sends next; another address is unaffected; the window ends with Keycloak's clock.
 * Behind a trusted proxy, so that {@code X-Forwarded-For} names the address.
 */
@KeycloakIntegrationTest(config = BruteForceServerConfig.class)
class PushBruteForceTest extends DirSyncIntegrationTest {

    static final String DUO_HOST = "duo-api.example.test";

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void anAddressWithTooManyFailuresIsRefusedUntilItsWindowEndsAndOthersAreNot() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Guarded Okta");
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("guarded", "Gu", "Arded", "g@corp.test")).status());
        DuoRequests duo = duoDirectory("Guarded Duo");
        Map<String, String> attacker = Map.of("X-Forwarded-For", "203.0.113.7");
        Map<String, String> client = Map.of("X-Forwarded-For", "203.0.113.8");

        // Failures of both APIs count for the address: 4 bad tokens and a bad Duo signature.
        for (int i = 1; i < BruteForceServerConfig.MAX_FAILURES; i++) {
            assertEquals(401, scim(okta, "Bearer guess-" + i, attacker).status(), "failure " + i);
        }
        DuoRequests forged = new DuoRequests(duo.endpoint(), DUO_HOST, duo.ikey(), "x".repeat(40));
        assertEquals(401, forged.get("/admin/v1/users", Map.of(), attacker).status());

        // The address is refused now, even with the good token and the good keys; nothing of the users is shown.
        Http.Result refused = scim(okta, "Bearer " + okta.token(), attacker);
        assertEquals(429, refused.status(), refused::toString);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 60, refused::toString);
        assertEquals("429", refused.json().get("status").asText(), refused::toString);
        assertFalse(refused.body().contains("guarded"), refused::toString);
        Http.Result duoRefused = duo.get("/admin/v1/users", Map.of(), attacker);
        assertEquals(429, duoRefused.status(), duoRefused::toString);
        assertEquals(42901, duoRefused.json().get("code").asInt(), duoRefused::toString);
        assertTrue(Long.parseLong(duoRefused.header("Retry-After")) > 0, duoRefused::toString);

        // Another address: good credentials work, and its own failures are its own.
        assertEquals(200, scim(okta, "Bearer " + okta.token(), client).status());
        assertEquals(200, duo.get("/admin/v1/users", Map.of(), client).status());
        assertEquals(401, scim(okta, "Bearer guess", client).status());

        // Refusals do not extend the window: at its end (Keycloak's clock a minute on; a Duo Date may be 5 min off)
        // the address may try again.
        assertEquals(429, scim(okta, "Bearer " + okta.token(), attacker).status());
        timeOffSet.set(61);
        assertEquals(200, scim(okta, "Bearer " + okta.token(), attacker).status());
        assertEquals(200, duo.get("/admin/v1/users", Map.of(), attacker).status());
    }

    private static Http.Result scim(DirSync.ScimDirectory directory, String authorization, Map<String, String> headers) {
        return Http.send("GET", directory.baseUrl() + "/Users", authorization, null, headers);
    }

    private DuoRequests duoDirectory(String name) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", name,
            "settings", Map.of("apiHostname", DUO_HOST)));
        assertEquals(201, created.status(), created::toString);
        Http.Result setup = dirsync.admin("POST", "/directories/" + created.json().get("id").asText() + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        return new DuoRequests(setup.json().get("endpoint").asText(), DUO_HOST,
            setup.json().get("integrationKey").asText(), setup.json().get("secretKey").asText());
    }
}
