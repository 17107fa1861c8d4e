package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** SCIM as the first source: users and groups through their whole life, on a real Keycloak. */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimLifecycleTest extends DirSyncIntegrationTest {

    @Test
    void userIsCreatedReadFilteredReplacedPatchedAndTrashedThroughScim() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Corp Okta");
        Http.Result created = okta.scim("POST", "/Users", DirSync.scimUser("Alice.Smith@corp.test", "Alice", "Smith", "alice@corp.test"));
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);
        assertEquals("Alice.Smith@corp.test", created.json().get("userName").asText(), "userName echoed as sent");
        assertEquals("Alice", created.json().at("/name/givenName").asText());
        assertEquals("alice@corp.test", created.json().at("/emails/0/value").asText());
        assertTrue(created.json().get("active").asBoolean());
        assertEquals("W/\"1\"", created.json().at("/meta/version").asText());
        assertTrue(created.header("Content-Type").startsWith("application/scim+json"));

        UserRepresentation kc = realm.admin().users().get(id).toRepresentation();
        assertEquals("alice.smith@corp.test", kc.getUsername());
        assertEquals("Smith", kc.getLastName());
        assertTrue(kc.isEnabled());

        assertEquals(id, DirSync.id(okta.scim("GET", "/Users/" + id, null)));
        JsonNode byName = okta.scim("GET", "/Users?filter=" + enc("userName eq \"ALICE.SMITH@corp.test\""), null).json();
        assertEquals(1, byName.get("totalResults").asInt(), "userName matching is case-insensitive");
        assertEquals(id, byName.at("/Resources/0/id").asText());
        assertEquals(0, okta.scim("GET", "/Users?filter=" + enc("userName eq \"nobody\""), null).json().get("totalResults").asInt());

        Map<String, Object> replacement = new java.util.HashMap<>(DirSync.scimUser("Alice.Smith@corp.test", "Alicia", "Smith", "alicia@corp.test"));
        Http.Result put = okta.scim("PUT", "/Users/" + id, replacement);
        assertEquals(200, put.status(), put::toString);
        assertEquals("Alicia", realm.admin().users().get(id).toRepresentation().getFirstName());

        Http.Result patched = okta.scim("PATCH", "/Users/" + id, patch(Map.of("op", "replace", "path", "name.familyName", "value", "Jones")));
        assertEquals(204, patched.status(), patched::toString);
        assertEquals("W/\"3\"", patched.header("ETag"));
        assertEquals("Jones", realm.admin().users().get(id).toRepresentation().getLastName());

        // Entra's dialect: capitalised op and a string boolean.
        Http.Result off = okta.scim("PATCH", "/Users/" + id + "?attributes=active", patch(Map.of("op", "Replace", "path", "active", "value", "False")));
        assertEquals(200, off.status(), off::toString);
        assertFalse(off.json().get("active").asBoolean());
        assertFalse(realm.admin().users().get(id).toRepresentation().isEnabled(), "trashed users are disabled");
        JsonNode trash = dirsync.admin("GET", "/trash", null).json();
        assertEquals(1, trash.get("count").asInt());
        assertEquals(id, trash.at("/users/0/userId").asText());
        assertEquals("pending deletion", dirsync.admin("GET", "/users/" + id, null).json().get("status").asText());

        // Trashed users are still returned, with active=false (Entra needs this).
        JsonNode stillThere = okta.scim("GET", "/Users?filter=" + enc("userName eq \"alice.smith@corp.test\""), null).json();
        assertEquals(1, stillThere.get("totalResults").asInt());
        assertFalse(stillThere.at("/Resources/0/active").asBoolean());

        // Okta's path-less replace restores.
        Http.Result on = okta.scim("PATCH", "/Users/" + id, patch(Map.of("op", "replace", "value", Map.of("active", true))));
        assertEquals(204, on.status(), on::toString);
        assertTrue(realm.admin().users().get(id).toRepresentation().isEnabled());
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());

        assertEquals(204, okta.scim("DELETE", "/Users/" + id, null).status());
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt(), "DELETE goes to the trash");
        assertFalse(realm.admin().users().get(id).toRepresentation().isEnabled());
        // RFC 7644 §3.6: a deleted resource is gone for the client (404, not listed), while Keycloak keeps it 7 days.
        assertEquals(404, okta.scim("GET", "/Users/" + id, null).status());
        assertEquals(404, okta.scim("DELETE", "/Users/" + id, null).status());
        assertEquals(0, okta.scim("GET", "/Users?filter=" + enc("userName eq \"alice.smith@corp.test\""), null).json().get("totalResults").asInt());

        // A new POST of the same user within 7 days restores it, same id.
        Http.Result again = okta.scim("POST", "/Users", DirSync.scimUser("Alice.Smith@corp.test", "Alicia", "Jones", "alicia@corp.test"));
        assertEquals(201, again.status(), again::toString);
        assertEquals(id, DirSync.id(again));
        assertTrue(realm.admin().users().get(id).toRepresentation().isEnabled());
    }

    @Test
    void userCreatedInactiveIsDisabledButNotTrashed() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Inactive Okta");
        Map<String, Object> body = new java.util.HashMap<>(DirSync.scimUser("sleepy", "Sleepy", "User", "sleepy@corp.test"));
        body.put("active", false);
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        assertFalse(realm.admin().users().get(DirSync.id(created)).toRepresentation().isEnabled());
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    /**
     * A group's members as the client sees them (their records read in bulk): each with its display, a member the client
     * deleted left out though Keycloak keeps it in the group while it waits in the trash; a member PATCH answers 204
     * with the version alone, or the members when the client asks for them.
     */
    @Test
    void aGroupListsItsMembersForTheClientAndAMemberPatchReturnsThemOnlyWhenAsked() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Corp Okta");
        String m1 = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("m1", "Mem", "One", "m1@corp.test")));
        String m2 = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("m2", "Mem", "Two", "m2@corp.test")));
        String m3 = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("m3", "Mem", "Three", "m3@corp.test")));
        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("schemas",
            List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", "Team",
            "members", List.of(Map.of("value", m1), Map.of("value", m2)))));

        JsonNode read = okta.scim("GET", "/Groups/" + gid, null).json();
        Map<String, String> displays = new java.util.HashMap<>();
        read.get("members").forEach(m -> displays.put(m.get("value").asText(), m.get("display").asText()));
        assertEquals(Map.of(m1, "Mem One", m2, "Mem Two"), displays, read::toString);

        Http.Result added = okta.scim("PATCH", "/Groups/" + gid, patch(Map.of("op", "add", "path", "members",
            "value", List.of(Map.of("value", m3)))));
        assertEquals(204, added.status(), added::toString);
        assertTrue(added.body() == null || added.body().isEmpty(), added::toString);
        assertEquals(okta.scim("GET", "/Groups/" + gid, null).json().at("/meta/version").asText(), added.header("ETag"));

        assertEquals(204, okta.scim("DELETE", "/Users/" + m1, null).status());
        Http.Result asked = okta.scim("PATCH", "/Groups/" + gid + "?attributes=members", patch(Map.of("op", "add",
            "path", "members", "value", List.of(Map.of("value", m3)))));
        assertEquals(200, asked.status(), asked::toString);
        List<String> seen = new java.util.ArrayList<>();
        asked.json().get("members").forEach(m -> seen.add(m.get("value").asText()));
        assertEquals(java.util.Set.of(m2, m3), java.util.Set.copyOf(seen), asked::toString);
        assertEquals(3, realm.admin().groups().group(gid).members().size(), "the deleted member waits in the trash, still in the group");
    }

    @Test
    void groupsAreNamedForTheirDirectoryAndOnlyTheSyncChangesThem() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Corp Okta");
        String u1 = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("g1", "G", "One", "g1@corp.test")));
        String u2 = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("g2", "G", "Two", "g2@corp.test")));

        Http.Result group = okta.scim("POST", "/Groups", Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"),
            "displayName", "Engineering", "members", List.of(Map.of("value", u1))));
        assertEquals(201, group.status(), group::toString);
        String gid = DirSync.id(group);
        assertEquals("Engineering", group.json().get("displayName").asText());
        GroupRepresentation kcGroup = realm.admin().groups().group(gid).toRepresentation();
        assertEquals("Engineering from Okta Sync \"Corp Okta\"", kcGroup.getName());

        assertEquals(204, okta.scim("PATCH", "/Groups/" + gid, patch(Map.of("op", "add", "path", "members",
            "value", List.of(Map.of("value", u2))))).status());
        assertEquals(2, realm.admin().groups().group(gid).members().size());
        assertEquals(204, okta.scim("PATCH", "/Groups/" + gid, patch(Map.of("op", "remove",
            "path", "members[value eq \"" + u1 + "\"]"))).status());
        assertEquals(List.of("g2"), realm.admin().groups().group(gid).members().stream().map(UserRepresentation::getUsername).toList());

        // Another directory may have a group of the same source name.
        DirSync.ScimDirectory other = dirsync.scimDirectory("Other SCIM", Map.of("provider", "generic"));
        Http.Result same = other.scim("POST", "/Groups", Map.of("displayName", "Engineering"));
        assertEquals(201, same.status(), same::toString);
        assertEquals("Engineering from SCIM Sync \"Other SCIM\"", realm.admin().groups().group(DirSync.id(same)).toRepresentation().getName());

        // A managed group holds users of its own directory only (rule 6): the engine refuses, nothing changes.
        String stranger = DirSync.id(other.scim("POST", "/Users", DirSync.scimUser("stranger", "S", "Tranger", "stranger@corp.test")));
        Http.Result foreign = okta.scim("PATCH", "/Groups/" + gid, patch(Map.of("op", "add", "path", "members",
            "value", List.of(Map.of("value", stranger)))));
        assertEquals(400, foreign.status(), foreign::toString);
        assertTrue(foreign.json().get("detail").asText().contains("does not belong to directory \"Corp Okta\""), foreign::toString);
        assertEquals(1, realm.admin().groups().group(gid).members().size());

        JsonNode byName = okta.scim("GET", "/Groups?excludedAttributes=members&filter=" + enc("displayName eq \"Engineering\""), null).json();
        assertEquals(1, byName.get("totalResults").asInt());
        assertFalse(byName.at("/Resources/0").has("members"));

        // Renaming the directory renames its groups.
        assertEquals(200, dirsync.admin("PUT", "/directories/" + okta.id(), Map.of("name", "Okta Prod")).status());
        assertEquals("Engineering from Okta Sync \"Okta Prod\"", realm.admin().groups().group(gid).toRepresentation().getName());

        // DELETE of a group deletes the Keycloak group and keeps its users.
        assertEquals(204, okta.scim("DELETE", "/Groups/" + gid, null).status());
        assertTrue(realm.admin().groups().groups().stream().noneMatch(g -> g.getId().equals(gid)));
        assertTrue(realm.admin().users().get(u2).toRepresentation().isEnabled());
        assertEquals(404, okta.scim("GET", "/Groups/" + gid, null).status());

        // The day's push run tells groups from users: the group deleted by its source is a deleted group, not a trashed
        // user, and the refused foreign member is an error about the group.
        JsonNode day = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().get(0);
        assertEquals(1, day.at("/groupCounts/deleted").asInt(), day::toString);
        assertEquals(0, day.at("/userCounts/trashed").asInt(), day::toString);
        assertEquals(0, day.at("/counts/trashed").asInt(), day::toString);
        boolean groupError = false;
        for (JsonNode e : day.get("errors")) {
            groupError |= "GROUP".equals(e.get("subjectType").asText()) && e.get("message").asText().contains("does not belong to directory");
        }
        assertTrue(groupError, day::toString);
    }

    @Test
    void badInputGetsScimErrorsAndWritesNothing() {
        // strictEmails: an invalid e-mail address is refused, not provisioned without one (ScimClientInputTest).
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Strict Okta", Map.of("strictEmails", true));
        Http.Result malformed = okta.scim("POST", "/Users", "{\"userName\": ");
        assertEquals(400, malformed.status());
        assertEquals("invalidSyntax", malformed.json().get("scimType").asText());
        assertEquals("urn:ietf:params:scim:api:messages:2.0:Error", malformed.json().at("/schemas/0").asText());

        Http.Result noName = okta.scim("POST", "/Users", Map.of("name", Map.of("givenName", "X")));
        assertEquals(400, noName.status());
        assertTrue(noName.json().get("detail").asText().contains("userName"), noName::toString);

        Http.Result badActive = okta.scim("POST", "/Users", Map.of("userName", "typed", "active", Map.of("nested", 1)));
        assertEquals(400, badActive.status(), badActive::toString);
        assertEquals("invalidValue", badActive.json().get("scimType").asText());

        Http.Result badEmail = okta.scim("POST", "/Users", Map.of("userName", "typed", "emails", List.of(Map.of("value", "not-an-email"))));
        assertEquals(400, badEmail.status(), badEmail::toString);

        Http.Result huge = okta.scim("POST", "/Users", "{\"userName\":\"" + "x".repeat(1_100_000) + "\"}");
        assertEquals(413, huge.status(), () -> String.valueOf(huge.status()));

        Http.Result unknownDirectory = Http.send("GET", okta.baseUrl().replace(okta.id(), "no-such-directory") + "/Users",
            "Bearer " + okta.token(), null);
        assertEquals(401, unknownDirectory.status(), unknownDirectory::toString);
        assertEquals("401", unknownDirectory.json().get("status").asText());

        Http.Result badFilter = okta.scim("GET", "/Users?filter=" + enc("userName eq"), null);
        assertEquals(400, badFilter.status());
        assertEquals("invalidFilter", badFilter.json().get("scimType").asText());

        Http.Result noSchema = okta.scim("PATCH", "/Users/whatever", Map.of("Operations", List.of()));
        assertEquals(400, noSchema.status(), "the body is checked before the user is looked up");

        assertEquals(0, realm.admin().users().count(), "nothing was written");
        assertEquals(0, okta.scim("GET", "/Users", null).json().get("totalResults").asInt());
    }

    @Test
    void scimWritesAreAdminEvents() {
        var rep = realm.admin().toRepresentation();
        rep.setAdminEventsEnabled(true);
        rep.setAdminEventsDetailsEnabled(true);
        realm.admin().update(rep);
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Audited Okta");
        String id = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("audited", "A", "D", "audited@corp.test")));
        var events = realm.admin().getAdminEvents();
        assertTrue(events.stream().anyMatch(e -> "CREATE".equals(e.getOperationType()) && "USER".equals(e.getResourceType())
            && e.getResourcePath().endsWith("Users/" + id) && ("dirsync:" + okta.id()).equals(e.getAuthDetails().getClientId())),
            () -> "no SCIM admin event in " + events.stream().map(e -> e.getOperationType() + " " + e.getResourcePath()).toList());
    }

    static Map<String, Object> patch(Map<String, Object>... ops) {
        return Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations", List.of(ops));
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
