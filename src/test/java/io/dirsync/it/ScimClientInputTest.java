package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/**
 * What real SCIM clients send that is not wrong (RFC 7643/7644 and the clients' habits): a second user with the same
 * externalId, an invalid e-mail address from the source, a password, bare filter values, removes of attributes the
 * user has no value for; and what is really wrong still refused with the RFC's error.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimClientInputTest extends DirSyncIntegrationTest {

    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    @Test
    void externalIdIsNotUniqueTwoUsersMayShareIt() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        Map<String, Object> first = new HashMap<>(DirSync.scimUser("first", "First", "One", "first@corp.test"));
        first.put("externalId", "shared-ext");
        Map<String, Object> second = new HashMap<>(DirSync.scimUser("second", "Second", "Two", "second@corp.test"));
        second.put("externalId", "shared-ext");
        Http.Result a = okta.scim("POST", "/Users", first);
        Http.Result b = okta.scim("POST", "/Users", second);
        assertEquals(201, a.status(), a::toString);
        assertEquals(201, b.status(), b::toString);
        assertNotEquals(DirSync.id(a), DirSync.id(b));
        assertEquals("shared-ext", b.json().get("externalId").asText());
        assertEquals(2, okta.scim("GET", "/Users?filter=" + enc("externalId eq \"shared-ext\""), null).json()
            .get("totalResults").asInt());
        // The same userName is still the same user: a second create is a conflict, whatever its externalId.
        Map<String, Object> again = new HashMap<>(first);
        again.put("externalId", "other-ext");
        Http.Result conflict = okta.scim("POST", "/Users", again);
        assertEquals(409, conflict.status(), conflict::toString);
        assertEquals("uniqueness", conflict.json().get("scimType").asText());
    }

    @Test
    void anInvalidEmailFromTheSourceDoesNotBlockTheUserUnlessTheDirectoryIsStrict() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("emailName42", "Email", "Name", "emailName42"));
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        assertEquals("emailName42", created.json().at("/emails/0/value").asText(), "kept in the SCIM document");
        UserRepresentation user = realm.admin().users().get(DirSync.id(created)).toRepresentation();
        assertNull(user.getEmail(), "no Keycloak e-mail");
        assertEquals("emailName42", okta.scim("GET", "/Users/" + DirSync.id(created), null).json()
            .at("/emails/0/value").asText());
        JsonNode report = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().get(0);
        assertEquals(1, report.get("warnings").size(), report::toString);
        assertEquals("emailname42", report.at("/warnings/0/subject").asText(), report::toString);
        assertTrue(report.at("/warnings/0/message").asText().contains("'emailName42' is not a valid e-mail address"));
        assertEquals(1, report.at("/counts/created").asInt(), report::toString);

        DirSync.ScimDirectory strict = dirsync.scimDirectory("Strict Okta", Map.of("strictEmails", true));
        Http.Result refused = strict.scim("POST", "/Users", DirSync.scimUser("bad.mail", "Bad", "Mail", "bad.mail"));
        assertEquals(400, refused.status(), refused::toString);
        assertEquals("invalidValue", refused.json().get("scimType").asText());
        assertTrue(realm.admin().users().search("bad.mail", true).isEmpty(), "nothing half-written");

        Http.Result badSetting = dirsync.admin("POST", "/directories", Map.of("type", "scim", "name", "Typo",
            "settings", Map.of("strictEmails", "yes")));
        assertEquals(400, badSetting.status(), badSetting::toString);
        assertTrue(badSetting.body().contains("settings.strictEmails must be true or false"), badSetting::toString);
    }

    @Test
    void aPasswordIsTheUsersKeycloakPasswordCheckedAgainstThePolicyAndNeverReturned() {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setPasswordPolicy("length(12) and passwordHistory(3)");
        realm.admin().update(rep);
        directGrantClient();
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        assertTrue(okta.scim("GET", "/ServiceProviderConfig", null).json().at("/changePassword/supported").asBoolean());

        Map<String, Object> body = new HashMap<>(DirSync.scimUser("pat", "Pat", "Word", "pat@corp.test"));
        body.put("password", "short");
        Http.Result tooShort = okta.scim("POST", "/Users", body);
        assertEquals(400, tooShort.status(), tooShort::toString);
        assertTrue(tooShort.json().get("detail").asText().contains("minimum length 12"), tooShort::toString);
        assertTrue(realm.admin().users().search("pat", true).isEmpty(), "nothing half-written");

        body.put("password", "Long-enough-pw-1");
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);
        assertFalse(created.json().has("password"), created::toString);
        assertFalse(okta.scim("GET", "/Users/" + id + "?attributes=password", null).body().contains("Long-enough"));
        assertTrue(signsIn("pat", "Long-enough-pw-1"));

        Http.Result patched = okta.scim("PATCH", "/Users/" + id, Map.of("schemas", List.of(PATCH_OP),
            "Operations", List.of(Map.of("op", "replace", "path", "password", "value", "Changed-by-patch-2"))));
        assertEquals(204, patched.status(), patched::toString);
        assertFalse(signsIn("pat", "Long-enough-pw-1"));
        assertTrue(signsIn("pat", "Changed-by-patch-2"));

        Map<String, Object> put = new HashMap<>(body);
        put.put("password", "Changed-by-put-3");
        Http.Result replaced = okta.scim("PUT", "/Users/" + id, put);
        assertEquals(200, replaced.status(), replaced::toString);
        assertTrue(signsIn("pat", "Changed-by-put-3"));

        // A client that syncs passwords sends the current one again with every update: not a history violation.
        assertEquals(200, okta.scim("PUT", "/Users/" + id, put).status(), "the same password again");
        put.put("password", "Long-enough-pw-1");
        Http.Result reused = okta.scim("PUT", "/Users/" + id, put);
        assertEquals(400, reused.status(), "a recent password is refused by the history policy");
        assertTrue(signsIn("pat", "Changed-by-put-3"), "and nothing changed");

        // A directory that does not accept passwords ignores them, and says so in its ServiceProviderConfig.
        DirSync.ScimDirectory noPasswords = dirsync.scimDirectory("No passwords", Map.of("acceptPasswords", false));
        assertFalse(noPasswords.scim("GET", "/ServiceProviderConfig", null).json().at("/changePassword/supported").asBoolean());
        Map<String, Object> ignored = new HashMap<>(DirSync.scimUser("nopw", "No", "Pw", "nopw@corp.test"));
        ignored.put("password", "Ignored-password-4");
        assertEquals(201, noPasswords.scim("POST", "/Users", ignored).status());
        assertFalse(signsIn("nopw", "Ignored-password-4"));
    }

    @Test
    void bareFilterValuesAreAcceptedAndAmbiguousFiltersStillRefused() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("Olivia", "Olivia", "O", "olivia@corp.test")).status());
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("bob", "Bob", "B", "bob@corp.test")).status());
        JsonNode sw = okta.scim("GET", "/Users?filter=" + enc("userName sw O"), null).json();
        assertEquals(1, sw.get("totalResults").asInt(), sw::toString);
        assertEquals("Olivia", sw.at("/Resources/0/userName").asText());
        JsonNode since = okta.scim("GET", "/Users?filter=" + enc("meta.created gt 2015-10-10T14:38:21.8617979-07:00"), null).json();
        assertEquals(2, since.get("totalResults").asInt(), since::toString);
        Http.Result ambiguous = okta.scim("GET", "/Users?filter=" + enc("userName eq Olivia bob"), null);
        assertEquals(400, ambiguous.status(), ambiguous::toString);
        assertEquals("invalidFilter", ambiguous.json().get("scimType").asText());
    }

    @Test
    void removingAnAttributeNobodyKnowsIsInvalidPathAndRemovingAnEmptyKnownOneIsANoOp() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("mappings", List.of(
            Map.of("source", "urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode", "target", "costCode"))));
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("rem", "Rem", "Ove", "rem@corp.test"));
        body.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User", "urn:acme:schemas:Custom:User"));
        body.put("urn:acme:schemas:Custom:User", Map.of("badge", "7"));
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);

        Http.Result unknown = okta.scim("PATCH", "/Users/" + id, remove("NonExistingAttr"));
        assertEquals(400, unknown.status(), unknown::toString);
        assertEquals("invalidPath", unknown.json().get("scimType").asText());
        assertEquals(400, okta.scim("PATCH", "/Users/" + id, remove("urn:acme:schemas:Custom:User:nothing")).status());

        assertEquals(204, okta.scim("PATCH", "/Users/" + id, remove("nickName")).status(), "defined, no value");
        assertEquals(204, okta.scim("PATCH", "/Users/" + id,
            remove("urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode")).status(), "mapped");
        assertEquals(204, okta.scim("PATCH", "/Users/" + id, remove("urn:acme:schemas:Custom:User:badge")).status(),
            "held by the user's document");
        assertFalse(okta.scim("GET", "/Users/" + id, null).json().path("urn:acme:schemas:Custom:User").has("badge"));
    }

    private static Map<String, Object> remove(String path) {
        return Map.of("schemas", List.of(PATCH_OP), "Operations", List.of(Map.of("op", "remove", "path", path)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
