package io.dirsync.it;

import static io.dirsync.it.ScimLifecycleTest.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/**
 * The request sequences real clients send, replayed as they send them: Okta's SPEC test and provisioning
 * (including Group Push), Entra ID in its default and {@code aadOptscim062020} PATCH shapes, OneLogin's
 * templated bodies, and concurrent membership PATCHes.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimClientsTest extends DirSyncIntegrationTest {

    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    static Map<String, Object> ops(Map<String, Object>... operations) {
        return Map.of("schemas", List.of(PATCH_OP), "Operations", List.of(operations));
    }

    @Test
    void oktaSpecTest() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta SPEC");
        okta.scim("POST", "/Users", DirSync.scimUser("seed@corp.test", "Seed", "User", "seed@corp.test"));

        // 1. list with count=1: ListResponse shape, integers, the fields Okta reads.
        Http.Result list = okta.scim("GET", "/Users?count=1&startIndex=1", null);
        assertEquals(200, list.status());
        JsonNode first = list.json().at("/Resources/0");
        assertTrue(list.json().get("totalResults").isInt() && list.json().get("itemsPerPage").isInt() && list.json().get("startIndex").isInt());
        for (String field : List.of("id", "userName", "active")) {
            assertTrue(first.has(field), field);
        }
        assertTrue(first.at("/name/givenName").isTextual() && first.at("/name/familyName").isTextual() && first.at("/emails/0/value").isTextual());
        // 2. by id
        assertEquals(200, okta.scim("GET", "/Users/" + first.get("id").asText(), null).status());
        // 3. and 5. a random user does not exist
        assertEquals(0, okta.scim("GET", "/Users?filter=" + enc("userName eq \"" + java.util.UUID.randomUUID() + "@corp.test\""), null)
            .json().get("totalResults").asInt());
        // 4. a bad id is a 404 with the error schema and a detail
        Http.Result missing = okta.scim("GET", "/Users/010101001010101011", null);
        assertEquals(404, missing.status());
        assertEquals("urn:ietf:params:scim:api:messages:2.0:Error", missing.json().at("/schemas/0").asText());
        assertTrue(missing.json().get("detail").asText().length() > 0);
        // 6. and 7. create a realistic user, echoed, then readable
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("Runscope.Tester@corp.test", "Runscope", "Tester", "runscope.tester@corp.test"));
        body.put("locale", "en-US");
        body.put("groups", List.of());
        body.put("password", "1mP0ssible!");
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        assertEquals("Runscope.Tester@corp.test", created.json().get("userName").asText());
        assertFalse(created.body().contains("1mP0ssible!"), "passwords are never echoed");
        assertEquals(200, okta.scim("GET", "/Users/" + DirSync.id(created), null).status());
        // 8. the same user again is a 409
        Http.Result again = okta.scim("POST", "/Users", body);
        assertEquals(409, again.status(), again::toString);
        assertEquals("uniqueness", again.json().get("scimType").asText());
        // 9. userName matching ignores case
        JsonNode upper = okta.scim("GET", "/Users?filter=" + enc("userName eq \"RUNSCOPE.TESTER@CORP.TEST\""), null).json();
        assertEquals(1, upper.get("totalResults").asInt());
        // 10. groups
        assertEquals(200, okta.scim("GET", "/Groups", null).status());
    }

    @Test
    void oktaProvisioningAndGroupPush() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta Push");
        // Okta looks a user up before creating it.
        assertEquals(0, okta.scim("GET", "/Users?filter=" + enc("userName eq \"jane@corp.test\"") + "&startIndex=1&count=100", null)
            .json().get("totalResults").asInt());
        String jane = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("jane@corp.test", "Jane", "Roe", "jane@corp.test")));
        String john = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("john@corp.test", "John", "Roe", "john@corp.test")));

        // Profile update by PUT (OIN apps), keeping active.
        Map<String, Object> put = new HashMap<>(DirSync.scimUser("jane@corp.test", "Janet", "Roe", "jane@corp.test"));
        put.put("id", jane);
        assertEquals(200, okta.scim("PUT", "/Users/" + jane, put).status());
        assertEquals("Janet", realm.admin().users().get(jane).toRepresentation().getFirstName());

        // Group Push: create with no members, then rename + membership in every update.
        Http.Result group = okta.scim("POST", "/Groups", Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"),
            "displayName", "Okta Admins", "members", List.of()));
        assertEquals(201, group.status(), group::toString);
        String gid = DirSync.id(group);
        Http.Result push = okta.scim("PATCH", "/Groups/" + gid, ops(
            Map.of("op", "replace", "value", Map.of("id", gid, "displayName", "Okta Admins")),
            Map.of("op", "add", "path", "members", "value", List.of(Map.of("value", jane, "display", "jane@corp.test"),
                Map.of("value", john, "display", "john@corp.test")))));
        assertEquals(204, push.status(), push::toString);
        assertEquals(2, realm.admin().groups().group(gid).members().size());
        Http.Result rename = okta.scim("PATCH", "/Groups/" + gid, ops(
            Map.of("op", "replace", "value", Map.of("id", gid, "displayName", "Okta Superadmins")),
            Map.of("op", "remove", "path", "members[value eq \"" + john + "\"]")));
        assertEquals(204, rename.status(), rename::toString);
        assertEquals("Okta Superadmins from Okta Sync \"Okta Push\"", realm.admin().groups().group(gid).toRepresentation().getName());
        assertEquals(Set.of("jane@corp.test"), members(gid));
        // Full push: replace on members.
        assertEquals(204, okta.scim("PATCH", "/Groups/" + gid, ops(Map.of("op", "replace", "path", "members",
            "value", List.of(Map.of("value", john))))).status());
        assertEquals(Set.of("john@corp.test"), members(gid));
        // Custom (AIW) apps: PUT on the group with members.
        Http.Result aiw = okta.scim("PUT", "/Groups/" + gid, Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"),
            "id", gid, "displayName", "Okta Superadmins", "members", List.of(Map.of("value", jane), Map.of("value", john))));
        assertEquals(200, aiw.status(), aiw::toString);
        assertEquals(Set.of("jane@corp.test", "john@corp.test"), members(gid));

        // Deactivation: path-less replace, never a DELETE.
        Http.Result off = okta.scim("PATCH", "/Users/" + john + "?excludedAttributes=groups", ops(Map.of("op", "replace", "value", Map.of("active", false))));
        assertEquals(200, off.status(), off::toString);
        assertFalse(off.json().get("active").asBoolean());
        assertEquals("pending deletion", dirsync.admin("GET", "/users/" + john, null).json().get("status").asText());

        // Unlink with "delete in target".
        assertEquals(204, okta.scim("DELETE", "/Groups/" + gid, null).status());
        assertTrue(realm.admin().users().get(jane).toRepresentation().isEnabled());
    }

    @Test
    void entraDefaultPatchShape() {
        DirSync.ScimDirectory entra = dirsync.scimDirectory("Entra Default", Map.of("provider", "generic", "mappings", List.of(
            Map.of("source", ENTERPRISE + ":department", "target", "department"))));
        // Test Connection: a random filter, 200 with nobody.
        assertEquals(0, entra.scim("GET", "/Users?filter=" + enc("userName eq \"" + java.util.UUID.randomUUID() + "\""), null)
            .json().get("totalResults").asInt());
        assertEquals(0, entra.scim("GET", "/Groups?excludedAttributes=members&filter=" + enc("displayName eq \"none\""), null)
            .json().get("totalResults").asInt());

        Map<String, Object> user = new HashMap<>();
        user.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE));
        user.put("externalId", "a1b2c3");
        user.put("userName", "Test_User_ab6490ee@corp.test");
        user.put("active", true);
        user.put("emails", List.of(Map.of("primary", true, "type", "work", "value", "Test_User_fd0ea19b@corp.test")));
        user.put("meta", Map.of("resourceType", "User"));
        user.put("name", Map.of("formatted", "givenName familyName", "familyName", "familyName", "givenName", "givenName"));
        user.put("roles", List.of());
        user.put(ENTERPRISE, Map.of("department", "Finance"));
        Http.Result created = entra.scim("POST", "/Users", user);
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);
        assertEquals("Finance", realm.admin().users().get(id).toRepresentation().getAttributes().get("department").get(0));

        // Entra matches on externalId or the work email too.
        assertEquals(1, entra.scim("GET", "/Users?filter=" + enc("externalId eq \"a1b2c3\""), null).json().get("totalResults").asInt());
        assertEquals(1, entra.scim("GET", "/Users?filter=" + enc("emails[type eq \"work\"].value eq \"test_user_fd0ea19b@corp.test\""), null)
            .json().get("totalResults").asInt());

        Http.Result patched = entra.scim("PATCH", "/Users/" + id, ops(
            Map.of("op", "Replace", "path", "emails[type eq \"work\"].value", "value", "updated@corp.test"),
            Map.of("op", "Add", "path", "name.familyName", "value", "Updated"),
            Map.of("op", "Replace", "path", ENTERPRISE + ":department", "value", "Sales")));
        assertEquals(204, patched.status(), patched::toString);
        UserRepresentation kc = realm.admin().users().get(id).toRepresentation();
        assertEquals("updated@corp.test", kc.getEmail());
        assertEquals("Updated", kc.getLastName());
        assertEquals("Sales", kc.getAttributes().get("department").get(0));

        // A user created without email gets one through an Add on the work email path.
        String bare = DirSync.id(entra.scim("POST", "/Users", Map.of("userName", "bare@corp.test", "active", true)));
        Http.Result addEmail = entra.scim("PATCH", "/Users/" + bare, ops(
            Map.of("op", "Add", "path", "emails[type eq \"work\"].value", "value", "bare@corp.test")));
        assertEquals(204, addEmail.status(), addEmail::toString);
        assertEquals("bare@corp.test", realm.admin().users().get(bare).toRepresentation().getEmail());

        // Groups: the extra schema URN and externalId on create, member removal with a value array.
        Http.Result group = entra.scim("POST", "/Groups", Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group",
            "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"), "externalId", "g-ext", "displayName", "Finance Team",
            "members", List.of()));
        assertEquals(201, group.status(), group::toString);
        String gid = DirSync.id(group);
        assertEquals(204, entra.scim("PATCH", "/Groups/" + gid, ops(Map.of("op", "Add", "path", "members",
            "value", List.of(Map.of("value", id), Map.of("value", bare))))).status());
        Http.Result removal = entra.scim("PATCH", "/Groups/" + gid, ops(Map.of("op", "Remove", "path", "members",
            "value", List.of(Map.of("value", id)))));
        assertEquals(204, removal.status(), removal::toString);
        assertEquals(Set.of("bare@corp.test"), members(gid));
        assertEquals(1, entra.scim("GET", "/Groups?excludedAttributes=members&filter=" + enc("displayName eq \"Finance Team\""), null)
            .json().get("totalResults").asInt());

        // Soft delete with a string boolean; still returned; restore.
        assertEquals(204, entra.scim("PATCH", "/Users/" + id, ops(Map.of("op", "Replace", "path", "active", "value", "False"))).status());
        JsonNode inactive = entra.scim("GET", "/Users?filter=" + enc("userName eq \"Test_User_ab6490ee@corp.test\""), null).json();
        assertFalse(inactive.at("/Resources/0/active").asBoolean());
        assertEquals(204, entra.scim("PATCH", "/Users/" + id, ops(Map.of("op", "Replace", "path", "active", "value", "True"))).status());
        assertTrue(realm.admin().users().get(id).toRepresentation().isEnabled());
    }

    @Test
    void entraAadOptscim062020PatchShape() {
        DirSync.ScimDirectory entra = dirsync.scimDirectory("Entra Flagged", Map.of("provider", "generic", "mappings", List.of(
            Map.of("source", ENTERPRISE + ":department", "target", "department"))));
        String id = DirSync.id(entra.scim("POST", "/Users", DirSync.scimUser("flagged@corp.test", "Flag", "Ged", "flagged@corp.test")));
        String other = DirSync.id(entra.scim("POST", "/Users", DirSync.scimUser("other@corp.test", "Oth", "Er", "other@corp.test")));
        Http.Result dotted = entra.scim("PATCH", "/Users/" + id, ops(Map.of("op", "replace", "value", Map.of(
            "name.givenName", "Flagged", "name.familyName", "Shape", ENTERPRISE + ":department", "Legal", "active", true))));
        assertEquals(204, dotted.status(), dotted::toString);
        UserRepresentation kc = realm.admin().users().get(id).toRepresentation();
        assertEquals("Flagged", kc.getFirstName());
        assertEquals("Shape", kc.getLastName());
        assertEquals("Legal", kc.getAttributes().get("department").get(0));

        String gid = DirSync.id(entra.scim("POST", "/Groups", Map.of("displayName", "Legal",
            "members", List.of(Map.of("value", id), Map.of("value", other)))));
        assertEquals(204, entra.scim("PATCH", "/Groups/" + gid, ops(Map.of("op", "remove",
            "path", "members[value eq \"" + other + "\"]"))).status());
        assertEquals(Set.of("flagged@corp.test"), members(gid));
        assertEquals(204, entra.scim("PATCH", "/Users/" + id, ops(Map.of("op", "replace", "path", "active", "value", false))).status());
        assertFalse(realm.admin().users().get(id).toRepresentation().isEnabled());
    }

    @Test
    void oneLoginTemplatedBodiesAndUnknownAttributesAreAccepted() {
        DirSync.ScimDirectory onelogin = dirsync.scimDirectory("OneLogin", Map.of("provider", "generic"));
        String body = "{\"schemas\":[\"urn:scim:schemas:core:1.0\"],\"userName\":\"templ@corp.test\",\"active\":\"true\","
            + "\"name\":{\"givenName\":\"Tem\",\"familyName\":\"Plate\"},\"emails\":[{\"value\":\"templ@corp.test\",\"primary\":\"true\"}],"
            + "\"x-custom-thing\":{\"whatever\":[1,2,3]},\"department\":\"unmapped\"}";
        Http.Result created = onelogin.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        assertEquals("templ@corp.test", realm.admin().users().get(DirSync.id(created)).toRepresentation().getEmail());
    }

    @Test
    void tenConcurrentMembershipPatchesLoseNoMember() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Concurrent Okta");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            users.add(DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("member" + i, "M", "N" + i, "m" + i + "@corp.test"))));
        }
        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Busy Group")));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Callable<Http.Result>> calls = new ArrayList<>();
        for (String u : users) {
            calls.add(() -> okta.scim("PATCH", "/Groups/" + gid, ops(Map.of("op", "add", "path", "members",
                "value", List.of(Map.of("value", u))))));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Http.Result> f : pool.invokeAll(calls)) {
            statuses.add(f.get().status());
        }
        pool.shutdown();
        assertEquals(List.of(204, 204, 204, 204, 204, 204, 204, 204, 204, 204), statuses);
        assertEquals(10, realm.admin().groups().group(gid).members(0, 100).size());
        assertEquals(10, okta.scim("GET", "/Groups/" + gid, null).json().get("members").size());
    }

    private Set<String> members(String gid) {
        return realm.admin().groups().group(gid).members().stream().map(UserRepresentation::getUsername)
            .collect(Collectors.toCollection(TreeSet::new));
    }
}
