package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * The rules the SCIM push path's statement cuts (issue 16) must keep: the engine's username look-ups skip the sign-in
 * provider's alias answer, yet an alias is still refused as a userName and still signs its user in; a created user's
 * answer lists its groups without reading them back when it can have none; the day's push run is read once per node
 * and day, yet each directory and each day keeps its own run; a replace rewrites only the document values that changed,
 * yet every filter sees the document as it is now.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimPushPathTest extends DirSyncIntegrationTest {

    static final int DAY = 24 * 3600;
    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void anAliasIsRefusedAsAUserNameAndStillSignsItsUserIn() {
        directGrantClient();
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Alias Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1"))));
        Map<String, Object> carol = new HashMap<>(DirSync.scimUser("carol", "Carol", "C", "carol@corp.test"));
        carol.put("nickName", "c-alias");
        carol.put("password", "Carol-pass-123");
        String carolId = DirSync.id(okta.scim("POST", "/Users", carol));

        // A create whose userName is a managed user's alias: refused, naming the holder, nothing written.
        Http.Result refused = okta.scim("POST", "/Users", DirSync.scimUser("C-Alias", "Other", "O", "other@corp.test"));
        assertEquals(409, refused.status(), refused::toString);
        assertTrue(refused.json().get("detail").asText().contains("'carol'"), refused::toString);
        assertTrue(realm.admin().users().search("c-alias", true).isEmpty(), "nothing half-written");

        // A replace that renames another user to that alias: refused the same way.
        String daveId = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("dave", "Dave", "D", "dave@corp.test")));
        Http.Result renamed = okta.scim("PUT", "/Users/" + daveId, DirSync.scimUser("c-alias", "Dave", "D", "dave@corp.test"));
        assertEquals(409, renamed.status(), renamed::toString);
        assertEquals("dave", realm.admin().users().get(daveId).toRepresentation().getUsername());

        // The sign-in provider still answers the alias outside the engine's look-ups.
        assertTrue(signsIn("c-alias", "Carol-pass-123"), "carol signs in with her alias");
        assertTrue(signsIn("carol", "Carol-pass-123"), "and with her username");
        assertEquals(carolId, okta.scim("GET", "/Users?filter=" + enc("userName eq \"carol\""), null).json()
            .at("/Resources/0/id").asText());
    }

    @Test
    void aCreatedUsersAnswerListsItsGroupsAsAReadDoes() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Groups Okta");
        Http.Result first = okta.scim("POST", "/Users", DirSync.scimUser("first", "First", "F", "first@corp.test"));
        assertEquals(201, first.status(), first::toString);
        assertEquals(0, first.json().get("groups").size(), first::toString);
        assertEquals(first.json().get("groups"), okta.scim("GET", "/Users/" + DirSync.id(first), null).json().get("groups"));

        // A realm whose default group is one of the directory's groups: a new user is in it from its creation on.
        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Everyone", "members",
            List.of(Map.of("value", DirSync.id(first))))));
        realm.admin().addDefaultGroup(gid);
        Http.Result second = okta.scim("POST", "/Users", DirSync.scimUser("second", "Second", "S", "second@corp.test"));
        assertEquals(201, second.status(), second::toString);
        JsonNode read = okta.scim("GET", "/Users/" + DirSync.id(second), null).json();
        assertEquals(read.get("groups"), second.json().get("groups"), second::toString);
        assertEquals(gid, second.json().at("/groups/0/value").asText(), second::toString);
    }

    @Test
    void eachDirectoryAndEachDayKeepsItsOwnPushRun() {
        DirSync.ScimDirectory a = dirsync.scimDirectory("Runs A");
        DirSync.ScimDirectory b = dirsync.scimDirectory("Runs B");
        for (int i = 0; i < 3; i++) {
            assertEquals(201, a.scim("POST", "/Users", DirSync.scimUser("a" + i, "A", "A" + i, "a" + i + "@corp.test")).status());
        }
        assertEquals(201, b.scim("POST", "/Users", DirSync.scimUser("b0", "B", "B0", "b0@corp.test")).status());
        JsonNode aDay1 = runs(a).get(0);
        assertEquals(3, aDay1.at("/counts/created").asLong(), aDay1::toString);
        assertEquals(1, runs(b).get(0).at("/counts/created").asLong());

        // The next day (Keycloak's clock): a new run for the day's pushes; yesterday's is completed with its counts.
        timeOffSet.set(DAY + 60);
        assertEquals(201, a.scim("POST", "/Users", DirSync.scimUser("a9", "A", "A9", "a9@corp.test")).status());
        JsonNode aRuns = runs(a);
        assertEquals(2, aRuns.size(), aRuns::toString);
        assertNotEquals(aDay1.get("id").asText(), aRuns.get(0).get("id").asText());
        assertEquals(1, aRuns.get(0).at("/counts/created").asLong(), aRuns::toString);
        assertEquals("running", aRuns.get(0).get("status").asText());
        assertEquals(aDay1.get("id").asText(), aRuns.get(1).get("id").asText());
        assertEquals("completed", aRuns.get(1).get("status").asText(), aRuns::toString);
        assertEquals(3, aRuns.get(1).at("/counts/created").asLong(), aRuns::toString);

        // A directory deleted and made again under the same name starts with runs of its own.
        assertEquals(204, dirsync.admin("DELETE", "/directories/" + b.id(), null).status());
        DirSync.ScimDirectory b2 = dirsync.scimDirectory("Runs B");
        assertEquals(201, b2.scim("POST", "/Users", DirSync.scimUser("b1", "B", "B1", "b1@corp.test")).status());
        JsonNode b2Runs = runs(b2);
        assertEquals(1, b2Runs.size(), b2Runs::toString);
        assertEquals(1, b2Runs.get(0).at("/counts/created").asLong(), b2Runs::toString);
    }

    @Test
    void aReplaceRewritesTheChangedValuesAndEveryFilterSeesTheDocumentAsItIsNow() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Values Okta");
        Map<String, Object> doc = new HashMap<>(DirSync.scimUser("vera", "Vera", "V", "vera@corp.test"));
        doc.put("emails", List.of(Map.of("value", "vera@corp.test", "type", "work", "primary", true),
            Map.of("value", "vera@home.test", "type", "home")));
        doc.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE));
        doc.put(ENTERPRISE, Map.of("department", "Sales", "costCenter", "CC-1"));
        String id = DirSync.id(okta.scim("POST", "/Users", doc));
        assertFinds(okta, id, "displayName eq \"Vera V\"", "emails[type eq \"home\" and value eq \"vera@home.test\"]",
            ENTERPRISE + ":department eq \"Sales\"", ENTERPRISE + ":costCenter eq \"CC-1\"");

        // One attribute changed (displayName), one element's value changed (the home address), one extension value
        // gone (costCenter), one added (division).
        doc.put("displayName", "Vera Renamed");
        doc.put("emails", List.of(Map.of("value", "vera@corp.test", "type", "work", "primary", true),
            Map.of("value", "vera@elsewhere.test", "type", "home")));
        doc.put(ENTERPRISE, Map.of("department", "Sales", "division", "North"));
        Http.Result put = okta.scim("PUT", "/Users/" + id, doc);
        assertEquals(200, put.status(), put::toString);
        assertFinds(okta, id, "displayName eq \"Vera Renamed\"", "emails[type eq \"home\" and value eq \"vera@elsewhere.test\"]",
            "emails[type eq \"work\" and value eq \"vera@corp.test\"]", ENTERPRISE + ":department eq \"Sales\"",
            ENTERPRISE + ":division eq \"North\"");
        assertFindsNone(okta, "displayName eq \"Vera V\"", "emails.value eq \"vera@home.test\"",
            ENTERPRISE + ":costCenter eq \"CC-1\"", "emails[type eq \"home\" and value eq \"vera@corp.test\"]");

        // The elements swap places (the home address made primary): each value keeps its own element's type.
        doc.put("emails", List.of(Map.of("value", "vera@corp.test", "type", "work"),
            Map.of("value", "vera@elsewhere.test", "type", "home", "primary", true)));
        assertEquals(200, okta.scim("PUT", "/Users/" + id, doc).status());
        assertFinds(okta, id, "emails[type eq \"home\" and value eq \"vera@elsewhere.test\" and primary eq true]",
            "emails[type eq \"work\" and value eq \"vera@corp.test\"]");
        assertFindsNone(okta, "emails[type eq \"work\" and value eq \"vera@elsewhere.test\"]",
            "emails[type eq \"work\" and primary eq true]");

        // A PATCH that removes an attribute: its value is gone from the filters too.
        Http.Result patch = okta.scim("PATCH", "/Users/" + id, Map.of("schemas",
            List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations",
            List.of(Map.of("op", "remove", "path", "displayName"))));
        assertEquals(204, patch.status(), patch::toString);
        assertFindsNone(okta, "displayName eq \"Vera Renamed\"", "displayName pr");
        assertFinds(okta, id, ENTERPRISE + ":division eq \"North\"");
    }

    private JsonNode runs(DirSync.ScimDirectory directory) {
        return dirsync.admin("GET", "/directories/" + directory.id() + "/runs", null).json();
    }

    private static void assertFinds(DirSync.ScimDirectory okta, String id, String... filters) {
        for (String filter : filters) {
            JsonNode found = okta.scim("GET", "/Users?filter=" + enc(filter), null).json();
            List<String> ids = new ArrayList<>();
            found.path("Resources").forEach(r -> ids.add(r.get("id").asText()));
            assertEquals(List.of(id), ids, () -> filter + ": " + found);
        }
    }

    private static void assertFindsNone(DirSync.ScimDirectory okta, String... filters) {
        for (String filter : filters) {
            JsonNode found = okta.scim("GET", "/Users?filter=" + enc(filter), null).json();
            assertEquals(0, found.path("totalResults").asInt(-1), () -> filter + ": " + found);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
