package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.duo.DuoRequests;

/**
 * Every string a SCIM or Duo client sends that ends in a column of limited length (Keycloak's USER_ENTITY and
 * KEYCLOAK_GROUP columns, our DIRSYNC_* columns; the table is {@code engine/InputLimits}): at its limit it is stored
 * whole, one character more is a 400 naming the attribute and the limit, and nothing is written (the realm's user and
 * group counts are unchanged). A user attribute without a limit (Keycloak keeps long values in LONG_VALUE) takes
 * 5,000 characters.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class InputLimitsTest extends DirSyncIntegrationTest {

    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    static String chars(int n) {
        return chars(n, 'a');
    }

    static String chars(int n, char c) {
        return String.valueOf(c).repeat(n);
    }

    record Counts(long users, long groups) {
    }

    Counts counts() {
        return new Counts(realm.admin().users().count(), realm.admin().groups().count().get("count"));
    }

    /** A 400 invalidValue whose detail names {@code attribute} and {@code limit}; nothing written. */
    void assertRefused(Http.Result r, String attribute, int limit, Counts before) {
        assertEquals(400, r.status(), r::toString);
        assertEquals("invalidValue", r.json().get("scimType").asText(), r::toString);
        String detail = r.json().get("detail").asText();
        assertTrue(detail.contains("'" + attribute + "'") && detail.contains("at most " + limit + " characters"), detail);
        assertEquals(before, counts(), "nothing written");
    }

    @Test
    void scimUserAttributesAtTheirLimitAreKeptAndOneMoreIsA400NamingThem() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("mappings", List.of(
            Map.of("source", "nickName", "target", "alias1"),
            Map.of("source", "title", "target", "jobTitle"))));
        Map<String, Function<Integer, Map<String, Object>>> attributes = new LinkedHashMap<>();
        attributes.put("userName", n -> user(chars(n, 'u'), "ext", "Given", "Family", null));
        attributes.put("externalId", n -> user("u-ext", chars(n), "Given", "Family", null));
        attributes.put("name.givenName", n -> user("u-given", "ext", chars(n), "Family", null));
        attributes.put("name.familyName", n -> user("u-family", "ext", "Given", chars(n), null));
        attributes.put("nickName", n -> user("u-nick", "ext", "Given", "Family", chars(n, 'n')));
        for (var a : attributes.entrySet()) {
            Counts before = counts();
            assertRefused(okta.scim("POST", "/Users", a.getValue().apply(256)), a.getKey(), 255, before);
            Http.Result atLimit = okta.scim("POST", "/Users", a.getValue().apply(255));
            assertEquals(201, atLimit.status(), a.getKey() + ": " + atLimit);
            UserRepresentation kc = realm.admin().users().get(DirSync.id(atLimit)).toRepresentation();
            String kept = switch (a.getKey()) {
                case "userName" -> kc.getUsername();
                case "externalId" -> atLimit.json().get("externalId").asText();
                case "name.givenName" -> kc.getFirstName();
                case "name.familyName" -> kc.getLastName();
                default -> kc.firstAttribute("alias1");
            };
            assertEquals(255, kept.length(), a.getKey() + " kept whole");
        }

        // An attribute without a column limit: Keycloak keeps 5,000 characters (USER_ATTRIBUTE.LONG_VALUE).
        Map<String, Object> longTitle = user("u-title", "ext", "Given", "Family", null);
        longTitle.put("title", chars(5000));
        Http.Result created = okta.scim("POST", "/Users", longTitle);
        assertEquals(201, created.status(), created::toString);
        assertEquals(5000, realm.admin().users().get(DirSync.id(created)).toRepresentation().firstAttribute("jobTitle").length());

        // PATCH and PUT reach the same check; the user is as it was.
        String id = DirSync.id(created);
        Counts before = counts();
        Http.Result patched = okta.scim("PATCH", "/Users/" + id, Map.of("schemas", List.of(PATCH_OP), "Operations",
            List.of(Map.of("op", "replace", "path", "name.familyName", "value", chars(256)))));
        assertRefused(patched, "name.familyName", 255, before);
        Map<String, Object> put = user("u-title", chars(256), "Given", "Family", null);
        assertRefused(okta.scim("PUT", "/Users/" + id, put), "externalId", 255, before);
        assertEquals("Family", realm.admin().users().get(id).toRepresentation().getLastName());

        // U+0000 anywhere in a document (PostgreSQL refuses it in text).
        Map<String, Object> nul = user("u-nul", "ext", "Given", "Family", null);
        nul.put("title", "a\u0000b");
        Http.Result refused = okta.scim("POST", "/Users", nul);
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.json().get("detail").asText().contains("'title' must not contain the character U+0000"), refused::toString);
        assertEquals(before, counts());
    }

    @Test
    void scimGroupNamesHaveRoomForTheDirectorySuffixAndExternalIdsTheirColumn() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        // Keycloak's group name (255) holds the source's name with the longer suffix of rule 6 and rules 8/9.
        Http.Result probe = okta.scim("POST", "/Groups", Map.of("displayName", "g"));
        String kcName = realm.admin().groups().group(DirSync.id(probe)).toRepresentation().getName();
        int suffix = Math.max(kcName.length() - 1, " (formerly from \"Okta\")".length());
        int limit = 255 - suffix;
        okta.scim("DELETE", "/Groups/" + DirSync.id(probe), null);

        Counts before = counts();
        assertRefused(okta.scim("POST", "/Groups", Map.of("displayName", chars(limit + 1))), "displayName", limit, before);
        assertRefused(okta.scim("POST", "/Groups", Map.of("displayName", "ok", "externalId", chars(256))), "externalId", 255, before);
        Http.Result atLimit = okta.scim("POST", "/Groups", Map.of("displayName", chars(limit), "externalId", chars(255)));
        assertEquals(201, atLimit.status(), atLimit::toString);
        String id = DirSync.id(atLimit);
        assertEquals(limit, atLimit.json().get("displayName").asText().length());
        assertTrue(realm.admin().groups().group(id).toRepresentation().getName().length() <= 255);

        Counts after = counts();
        Http.Result rename = okta.scim("PATCH", "/Groups/" + id, Map.of("schemas", List.of(PATCH_OP), "Operations",
            List.of(Map.of("op", "replace", "path", "displayName", "value", chars(limit + 1)))));
        assertRefused(rename, "displayName", limit, after);
        Http.Result put = okta.scim("PUT", "/Groups/" + id, Map.of("displayName", "b".repeat(limit + 1)));
        assertRefused(put, "displayName", limit, after);
        assertEquals(chars(limit), okta.scim("GET", "/Groups/" + id, null).json().get("displayName").asText());

        // The directory's name is in its groups' Keycloak names: a longer name that one of them could not hold is refused.
        Http.Result renamed = dirsync.admin("PUT", "/directories/" + okta.id(), Map.of("name", "Okta, renamed longer"));
        assertEquals(400, renamed.status(), renamed::toString);
        assertTrue(renamed.body().contains("too long for group"), renamed::toString);
        assertEquals("Okta", dirsync.admin("GET", "/directories/" + okta.id(), null).json().get("name").asText());
        assertEquals(200, dirsync.admin("PUT", "/directories/" + okta.id(), Map.of("name", "Otka")).status(), "as long: fine");
    }

    @Test
    void duoUserAndGroupParametersAtTheirLimitAreKeptAndOneMoreIsA400NamingThem() {
        DuoRequests duo = DuoRequests.directory(dirsync, "Corp Duo");
        Map<String, Function<Integer, Map<String, String>>> parameters = new LinkedHashMap<>();
        parameters.put("username", n -> Map.of("username", chars(n, 'u')));
        parameters.put("firstname", n -> Map.of("username", "u-first", "firstname", chars(n)));
        parameters.put("lastname", n -> Map.of("username", "u-last", "lastname", chars(n)));
        parameters.put("alias1", n -> Map.of("username", "u-alias", "alias1", chars(n, 'l')));
        for (var p : parameters.entrySet()) {
            Counts before = counts();
            Http.Result tooLong = duo.post("/admin/v1/users", p.getValue().apply(256));
            assertDuoRefused(tooLong, p.getKey(), 255, before);
            Http.Result atLimit = duo.post("/admin/v1/users", p.getValue().apply(255));
            assertEquals(200, atLimit.status(), p.getKey() + ": " + atLimit);
            String id = atLimit.json().at("/response/user_id").asText();
            UserRepresentation kc = realm.admin().users().get(id).toRepresentation();
            String kept = switch (p.getKey()) {
                case "username" -> kc.getUsername();
                case "firstname" -> kc.getFirstName();
                case "lastname" -> kc.getLastName();
                default -> kc.firstAttribute("alias1");
            };
            assertEquals(255, kept.length(), p.getKey() + " kept whole");
        }
        // realname has no column limit (Keycloak's attribute displayName, LONG_VALUE).
        Http.Result longName = duo.post("/admin/v1/users", Map.of("username", "u-real", "realname", chars(5000)));
        assertEquals(200, longName.status(), longName::toString);

        Http.Result probe = duo.post("/admin/v1/groups", Map.of("name", "g"));
        String groupId = probe.json().at("/response/group_id").asText();
        String kcName = realm.admin().groups().group(groupId).toRepresentation().getName();
        int limit = 255 - Math.max(kcName.length() - 1, " (formerly from \"Corp Duo\")".length());
        Counts before = counts();
        assertDuoRefused(duo.post("/admin/v1/groups", Map.of("name", chars(limit + 1))), "name", limit, before);
        assertDuoRefused(duo.post("/admin/v1/groups", Map.of("name", "ok", "desc", chars(256))), "desc", 255, before);
        assertDuoRefused(duo.post("/admin/v1/groups/" + groupId, Map.of("desc", chars(256))), "desc", 255, before);
        Http.Result atLimit = duo.post("/admin/v1/groups", Map.of("name", chars(limit), "desc", chars(255)));
        assertEquals(200, atLimit.status(), atLimit::toString);
        assertEquals(255, realm.admin().groups().group(atLimit.json().at("/response/group_id").asText())
            .toRepresentation().getDescription().length());
    }

    void assertDuoRefused(Http.Result r, String parameter, int limit, Counts before) {
        assertEquals(400, r.status(), r::toString);
        assertEquals("FAIL", r.json().get("stat").asText(), r::toString);
        assertEquals(40002, r.json().get("code").asInt(), r::toString);
        String detail = r.json().get("message_detail").asText();
        assertTrue(detail.startsWith(parameter + ": ") && detail.contains("at most " + limit + " characters"), detail);
        assertEquals(before, counts(), "nothing written");
    }

    static Map<String, Object> user(String userName, String externalId, String given, String family, String nickName) {
        Map<String, Object> u = new HashMap<>();
        u.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User"));
        u.put("userName", userName);
        u.put("externalId", externalId);
        u.put("name", Map.of("givenName", given, "familyName", family));
        if (nickName != null) {
            u.put("nickName", nickName);
        }
        return u;
    }
}
