package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class AdminApiTest extends DirSyncIntegrationTest {

    @Test
    void scimDirectoryIsDraftUntilSetupIsCompletedThenShowsItsCredentials() {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "scim"));
        assertEquals(201, created.status(), created::toString);
        assertEquals("New Okta SCIM Integration", created.json().get("name").asText());
        assertEquals("draft", created.json().get("status").asText());
        assertFalse(created.json().get("pull").asBoolean(true), "SCIM is pushed to: " + created.body());
        assertEquals("Engineering from Okta Sync \"New Okta SCIM Integration\"", created.json().get("groupNameExample").asText());
        String id = created.json().get("id").asText();

        Http.Result setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        String baseUrl = setup.json().get("baseUrl").asText();
        assertTrue(baseUrl.endsWith("/realms/" + realm.getName() + "/dirsync/" + id + "/scim/v2"), baseUrl);
        assertTrue(setup.json().get("token").asText().length() > 30);

        Http.Result again = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(409, again.status(), again::toString);

        Http.Result read = dirsync.admin("GET", "/directories/" + id, null);
        assertEquals("active", read.json().get("status").asText());
        assertEquals("valid", read.json().at("/scim/tokenStatus").asText());
        assertFalse(read.body().contains(setup.json().get("token").asText()), "the token is shown once only");

        assertEquals(204, dirsync.admin("DELETE", "/directories/" + id, null).status());
        assertEquals(404, dirsync.admin("GET", "/directories/" + id, null).status());
    }

    @Test
    void badInputGetsAClearClientErrorAndWritesNothing() {
        Http.Result malformed = dirsync.admin("POST", "/directories", "{\"type\": \"scim\", ");
        assertEquals(400, malformed.status(), malformed::toString);
        assertTrue(malformed.body().contains("Malformed JSON"), malformed.body());

        // A valid object with something after it is malformed, not the object before the garbage (it created the
        // directory while the admin API read leniently); the message is the push APIs' one, in the client's words.
        for (String trailing : new String[] {"{\"type\":\"scim\",\"name\":\"Trailing\"}xyz",
                "{\"type\":\"scim\",\"name\":\"Trailing\"}{\"type\":\"scim\"}"}) {
            Http.Result r = dirsync.admin("POST", "/directories", trailing);
            assertEquals(400, r.status(), r::toString);
            assertTrue(r.body().contains("Malformed JSON: something follows the JSON object at line 1, column 34"), r.body());
            assertFalse(r.body().contains("jackson") || r.body().contains("Feature"), r.body());
        }

        Http.Result badType = dirsync.admin("POST", "/directories", Map.of("type", "carrier-pigeon"));
        assertEquals(400, badType.status());
        assertTrue(badType.body().contains("use one of duo-admin-api, entra, ldap, scim"), "names the types this server has: " + badType.body());

        Http.Result badGuard = dirsync.admin("POST", "/directories", Map.of("type", "scim",
            "settings", Map.of("deprovisionGuardPercent", 150)));
        assertEquals(400, badGuard.status(), badGuard::toString);
        assertTrue(badGuard.body().contains("deprovisionGuardPercent must be a number from 0 to 100"), badGuard.body());

        Http.Result unknown = dirsync.admin("GET", "/directories/does-not-exist", null);
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().contains("does-not-exist"), unknown.body());

        Http.Result oversized = dirsync.admin("POST", "/directories", "{\"type\":\"scim\",\"name\":\"" + "x".repeat(300_000) + "\"}");
        assertEquals(413, oversized.status(), () -> oversized.status() + "");

        assertEquals(0, dirsync.admin("GET", "/directories", null).json().size());
    }

    /**
     * The console's Credentials tab and list show when a SCIM client last called. With enrollment e-mails on, the
     * first push also writes the directory row (its enrollment key): that write must not put back the empty
     * last-request time it read before the request noted it.
     */
    @Test
    void theFirstPushShowsTheDirectoryConnectedWithItsLastRequestTime() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Touched Okta", Map.of("enrollmentEmails", true));
        var before = dirsync.admin("GET", "/directories/" + okta.id(), null).json();
        assertEquals("waiting for the first request", before.at("/scim/connection").asText(), before::toString);

        okta.scim("POST", "/Users", DirSync.scimUser("first", "First", "Push", "first@corp.test"));

        var after = dirsync.admin("GET", "/directories/" + okta.id(), null).json();
        assertEquals("connected", after.at("/scim/connection").asText(), after::toString);
        assertTrue(after.at("/scim/lastRequestAt").asLong() > 0, after::toString);
        assertEquals(1, after.get("userCount").asLong(), after::toString);
    }
}
