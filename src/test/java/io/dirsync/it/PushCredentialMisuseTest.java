package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import io.dirsync.duo.DuoRequests;
import io.dirsync.endpoint.RealmEndpointProviderFactory;

/**
 * Push credentials used where they do not belong (issue 15): a SCIM token or a pair of Duo keys of directory A on
 * directory B, on another realm's same path, after the directory is paused, after regeneration and after expiry are
 * refused with 401, and the refusal carries nothing of the users behind it; a paused directory's refusals do not count
 * toward the brute-force limit (the credential was right). And with Keycloak's default proxy settings an
 * {@code X-Forwarded-For} header does not separate a caller from its failures.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class PushCredentialMisuseTest extends DirSyncIntegrationTest {

    static final int DAY = 24 * 3600;
    static final String DUO_HOST = "duo-api.example.test";

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void aScimTokenOutsideItsDirectoryIsRefusedAndReadsNothing() {
        DirSync.ScimDirectory a = dirsync.scimDirectory("Misuse A");
        DirSync.ScimDirectory b = dirsync.scimDirectory("Misuse B");
        assertEquals(201, a.scim("POST", "/Users", DirSync.scimUser("anna.a", "Anna", "A", "anna@corp.test")).status());
        String bobId = DirSync.id(b.scim("POST", "/Users", DirSync.scimUser("bob.b", "Bob", "B", "bob@corp.test")));

        // A's token on B: reading, a user by id, a search, a write.
        assertRefused(Http.send("GET", b.baseUrl() + "/Users", "Bearer " + a.token(), null), 401, "bob.b");
        assertRefused(Http.send("GET", b.baseUrl() + "/Users/" + bobId, "Bearer " + a.token(), null), 401, "bob.b");
        assertRefused(Http.send("POST", b.baseUrl() + "/Users/.search", "Bearer " + a.token(),
            Map.of("filter", "userName sw \"b\"")), 401, "bob.b");
        assertRefused(Http.send("POST", b.baseUrl() + "/Users", "Bearer " + a.token(),
            DirSync.scimUser("intruder", "In", "Truder", "in@corp.test")), 401, "bob.b");
        assertEquals(1, b.scim("GET", "/Users", null).json().get("totalResults").asInt(), "nothing written to B");

        // Another realm: its directory at the same path with A's token, and A's directory id under that realm.
        String other = "misuse-other-" + realm.getName();
        RealmRepresentation rep = new RealmRepresentation();
        rep.setRealm(other);
        rep.setEnabled(true);
        admin.realms().create(rep);
        try {
            DirSync.ScimDirectory c = new DirSync(admin, other, urls.getBase()).scimDirectory("Misuse A");
            assertEquals(201, c.scim("POST", "/Users", DirSync.scimUser("carol.c", "Carol", "C", "carol@corp.test")).status());
            assertRefused(Http.send("GET", c.baseUrl() + "/Users", "Bearer " + a.token(), null), 401, "carol.c");
            String aUnderOther = a.baseUrl().replace("/realms/" + realm.getName() + "/", "/realms/" + other + "/");
            assertRefused(Http.send("GET", aUnderOther + "/Users", "Bearer " + a.token(), null), 401, "anna.a");
            assertRefused(Http.send("GET", aUnderOther + "/Users", "Bearer " + c.token(), null), 401, "carol.c");
        } finally {
            admin.realms().realm(other).remove();
        }

        // Paused: the token is right but the directory accepts nothing: 401 (SCIM clients stop and tell their admin)
        // saying why, nothing read or written, and not a failed authentication: more requests than the brute-force
        // limit allows from this address (which failed 7 times above) are all answered 401, none 429.
        assertEquals(200, dirsync.admin("POST", "/directories/" + a.id() + "/pause", null).status());
        Http.Result paused = a.scim("GET", "/Users", null);
        assertRefused(paused, 401, "anna.a");
        assertTrue(paused.json().get("detail").asText().contains("\"Misuse A\" is paused in Keycloak"), paused::toString);
        assertTrue(paused.header("WWW-Authenticate") != null, paused::toString);
        assertRefused(a.scim("POST", "/Users", DirSync.scimUser("while.paused", "W", "P", "wp@corp.test")), 401, "anna.a");
        for (int i = 0; i < RealmEndpointProviderFactory.DEFAULT_MAX_AUTH_FAILURES; i++) {
            assertRefused(a.scim("GET", "/Users/" + bobId, null), 401, "anna.a");
        }
        assertEquals(200, dirsync.admin("POST", "/directories/" + a.id() + "/resume", null).status());
        assertEquals(1, a.scim("GET", "/Users", null).json().get("totalResults").asInt(), "nothing written while paused");

        // Regenerated: the old token stops at once.
        Http.Result regenerated = dirsync.admin("POST", "/directories/" + a.id() + "/token", null);
        assertEquals(200, regenerated.status(), regenerated::toString);
        String token = regenerated.json().get("token").asText();
        assertRefused(a.scim("GET", "/Users", null), 401, "anna.a");
        assertEquals(200, Http.send("GET", a.baseUrl() + "/Users", "Bearer " + token, null).status());

        // Expired: Keycloak's clock 90 days and a minute later.
        timeOffSet.set(90 * DAY + 60);
        assertRefused(Http.send("GET", a.baseUrl() + "/Users", "Bearer " + token, null), 401, "anna.a");
        assertRefused(Http.send("GET", b.baseUrl() + "/Users/" + bobId, "Bearer " + b.token(), null), 401, "bob.b");
    }

    @Test
    void duoKeysOutsideTheirDirectoryAreRefusedAndReadNothing() {
        DuoRequests a = duoDirectory("Duo A");
        DuoRequests b = duoDirectory("Duo B");
        assertEquals(200, a.post("/admin/v1/users", Map.of("username", "anna.a")).status());
        assertEquals(200, b.post("/admin/v1/users", Map.of("username", "bob.b")).status());

        DuoRequests aOnB = new DuoRequests(b.endpoint(), DUO_HOST, a.ikey(), a.skey());
        assertRefused(aOnB.get("/admin/v1/users", Map.of()), 401, "bob.b");
        assertRefused(aOnB.post("/admin/v1/users", Map.of("username", "intruder")), 401, "bob.b");
        DuoRequests bKeyWithASecret = new DuoRequests(b.endpoint(), DUO_HOST, b.ikey(), a.skey());
        assertRefused(bKeyWithASecret.get("/admin/v1/users", Map.of()), 401, "bob.b");
        assertEquals(1, b.get("/admin/v1/users", Map.of()).json().at("/metadata/total_objects").asInt(),
            "nothing written to B");

        // Paused: rightly signed requests get Duo's 401 for keys that no longer work, saying why, nothing read or
        // written, and not counted as failed authentications (more than the limit, none 429).
        String aId = a.endpoint().replaceAll(".*/dirsync/([^/]+)/duo$", "$1");
        assertEquals(200, dirsync.admin("POST", "/directories/" + aId + "/pause", null).status());
        Http.Result paused = a.get("/admin/v1/users", Map.of());
        assertRefused(paused, 401, "anna.a");
        assertEquals(40102, paused.json().get("code").asInt(), paused::toString);
        assertTrue(paused.json().get("message_detail").asText().contains("\"Duo A\" is paused in Keycloak"), paused::toString);
        assertRefused(a.post("/admin/v1/users", Map.of("username", "while.paused")), 401, "anna.a");
        for (int i = 0; i < RealmEndpointProviderFactory.DEFAULT_MAX_AUTH_FAILURES; i++) {
            assertRefused(a.get("/admin/v1/users", Map.of("username", "anna.a")), 401, "anna.a");
        }
        assertEquals(200, dirsync.admin("POST", "/directories/" + aId + "/resume", null).status());
        assertEquals(1, a.get("/admin/v1/users", Map.of()).json().at("/metadata/total_objects").asInt(),
            "nothing written while paused");

        String bId = b.endpoint().replaceAll(".*/dirsync/([^/]+)/duo$", "$1");
        Http.Result regenerated = dirsync.admin("POST", "/directories/" + bId + "/token", null);
        assertEquals(200, regenerated.status(), regenerated::toString);
        assertRefused(b.get("/admin/v1/users", Map.of()), 401, "bob.b");
        DuoRequests renewed = new DuoRequests(b.endpoint(), DUO_HOST, regenerated.json().get("integrationKey").asText(),
            regenerated.json().get("secretKey").asText());
        assertEquals(200, renewed.get("/admin/v1/users", Map.of()).status());
    }

    /**
     * With Keycloak's default {@code proxy-headers} (none), {@code X-Forwarded-For} is the caller's to write and is
     * ignored: 30 bad tokens "from" 30 addresses are 30 failures of one address, whose next request, even with a good
     * token and yet another header, is refused until the window (60 s of Keycloak's clock) ends.
     */
    @Test
    void untrustedForwardedForHeadersDoNotSpreadFailuresOverAddresses() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Forwarded Okta");
        timeOffSet.set(DAY); // a fresh window for this address, whatever other tests failed before
        for (int i = 1; i <= 30; i++) {
            Http.Result bad = Http.send("GET", okta.baseUrl() + "/Users", "Bearer wrong-" + i, null,
                Map.of("X-Forwarded-For", "198.51.100." + i));
            assertEquals(401, bad.status(), "failure " + i + ": " + bad);
        }
        Http.Result refused = Http.send("GET", okta.baseUrl() + "/Users", "Bearer " + okta.token(), null,
            Map.of("X-Forwarded-For", "198.51.100.200"));
        assertEquals(429, refused.status(), refused::toString);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 60, refused::toString);
        assertFalse(refused.body().contains("Resources"), refused::toString);

        timeOffSet.set(DAY + 61);
        assertEquals(200, okta.scim("GET", "/Users", null).status(), "the window ended");
    }

    /** A refusal with the status and no trace of the users behind it. */
    private static void assertRefused(Http.Result r, int status, String username) {
        assertEquals(status, r.status(), r::toString);
        assertFalse(r.body().contains(username), r::toString);
        assertFalse(r.body().contains("Resources") || r.body().contains("\"response\""), r::toString);
    }

    /** A Duo Admin API directory with setup completed; requests signed with its keys. */
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
