package io.dirsync.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.keycloak.services.util.ObjectMapperResolver;
import org.keycloak.util.JsonSerialization;

import io.dirsync.admin.representation.Count;
import io.dirsync.admin.representation.CredentialsRepresentation;
import io.dirsync.admin.representation.DirectoryRepresentation;
import io.dirsync.admin.representation.GroupStatusRepresentation;
import io.dirsync.admin.representation.ManagedGroupRepresentation;
import io.dirsync.admin.representation.MappingsRepresentation;
import io.dirsync.admin.representation.RunStartedRepresentation;
import io.dirsync.admin.representation.SetupCompletedRepresentation;
import io.dirsync.admin.representation.TrashPage;
import io.dirsync.admin.representation.TrashedUserRepresentation;
import io.dirsync.admin.representation.UserStatusRepresentation;

/**
 * The representation records write the JSON the admin resource's former {@code Map}s wrote: each record is compared
 * with the map the resource used to build from the same values, under the mapper Keycloak answers REST calls with,
 * the one admin events are stored with, and a plain {@code ObjectMapper}. No server is started.
 */
class RepresentationJsonTest {

    /** Keycloak's REST answers: {@code NON_NULL} drops null fields and null map values alike. */
    static final ObjectMapper REST = new ObjectMapperResolver().getContext(Object.class);
    /** Admin events' representations. */
    static final ObjectMapper EVENTS = JsonSerialization.mapper;
    static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void aScimDirectoryKeepsItsTypeBlockAtTheTopLevel() throws Exception {
        ObjectNode settings = PLAIN.createObjectNode().put("adoptPrivilegedUsers", false);
        settings.putArray("mappings").addObject().put("source", "title").put("target", "jobTitle");
        Set<String> mapped = new LinkedHashSet<>(List.of("username", "email", "firstName", "lastName", "jobTitle"));
        Map<String, Object> scim = new LinkedHashMap<>();
        scim.put("baseUrl", "https://kc/realms/r/dirsync/d1/scim/v2");
        scim.put("tokenStatus", "none");
        scim.put("tokenExpiresAt", null);
        scim.put("lastRequestAt", null);
        scim.put("connection", "setup not completed");
        Map<String, Object> describe = Map.of("scim", scim);

        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", "d1");
        old.put("type", "scim");
        old.put("pull", false);
        old.put("name", "Corp Okta");
        old.put("status", "draft");
        old.put("settings", settings);
        old.put("mappedAttributes", mapped);
        old.put("createdAt", 1700000000000L);
        old.put("firstSyncAt", null);
        old.put("usernameAttributeLocked", false);
        old.put("userCount", 0L);
        old.put("trashedCount", 0L);
        old.put("groupCount", 0L);
        old.put("lastRun", null);
        old.put("groupNameExample", "Engineering from Okta Sync \"Corp Okta\"");
        old.putAll(describe);
        DirectoryRepresentation rep = new DirectoryRepresentation("d1", "scim", false, "Corp Okta", "draft", settings,
            mapped, 1700000000000L, null, false, 0L, 0L, 0L, null, "Engineering from Okta Sync \"Corp Okta\"", describe);

        assertSameJson(old, rep);
        JsonNode json = REST.readTree(REST.writeValueAsString(rep));
        assertFalse(json.has("typeDetails"), json.toString());
        assertEquals("none", json.at("/scim/tokenStatus").asText());
        assertTrue(PLAIN.readTree(PLAIN.writeValueAsString(rep)).get("firstSyncAt").isNull());
    }

    @Test
    void aDirectoryWhoseTypeDescribesNothingHasOnlyTheCommonFields() throws Exception {
        ObjectNode settings = PLAIN.createObjectNode().put("connectionUrl", "ldap://ldap:389");
        Set<String> mapped = new LinkedHashSet<>(List.of("username", "email", "firstName", "lastName"));
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", "d2");
        old.put("type", "ldap");
        old.put("pull", true);
        old.put("name", "Corp AD");
        old.put("status", "active");
        old.put("settings", settings);
        old.put("mappedAttributes", mapped);
        old.put("createdAt", 1L);
        old.put("firstSyncAt", 2L);
        old.put("usernameAttributeLocked", true);
        old.put("userCount", 12L);
        old.put("trashedCount", 3L);
        old.put("groupCount", 2L);
        old.put("lastRun", Map.of("id", "r1", "kind", "full", "status", "completed", "startedAt", 5L, "endedAt", 6L));
        old.put("groupNameExample", "Engineering from LDAP Sync \"Corp AD\"");
        old.putAll(Map.of());
        assertSameJson(old, new DirectoryRepresentation("d2", "ldap", true, "Corp AD", "active", settings, mapped, 1L, 2L,
            true, 12L, 3L, 2L, new DirectoryRepresentation.RunSummary("r1", "full", "completed", 5L, 6L),
            "Engineering from LDAP Sync \"Corp AD\"", Map.of()));
    }

    @Test
    void mappings() throws Exception {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("required", List.of(Map.of("source", "uid", "target", "username", "locked", true),
            Map.of("source", "mail", "target", "email", "locked", true)));
        old.put("optional", List.of(Map.of("source", "title", "target", "jobTitle")));
        old.put("availableSources", List.of("uid", "mail", "title"));
        old.put("availableTargets", List.of("jobTitle", "alias1"));
        assertSameJson(old, new MappingsRepresentation(
            List.of(new MappingsRepresentation.RequiredMapping("uid", "username"),
                new MappingsRepresentation.RequiredMapping("mail", "email")),
            List.of(new MappingsRepresentation.Mapping("title", "jobTitle")),
            List.of("uid", "mail", "title"), List.of("jobTitle", "alias1")));
    }

    @Test
    void managedGroupsWithAndWithoutTheirKeycloakGroup() throws Exception {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", "g1");
        old.put("name", "Engineering from Okta Sync \"Corp Okta\"");
        old.put("sourceName", "Engineering");
        old.put("externalId", "ext-1");
        old.put("status", "active");
        assertSameJson(old, new ManagedGroupRepresentation("g1", "Engineering from Okta Sync \"Corp Okta\"",
            "Engineering", "ext-1", "active"));

        Map<String, Object> gone = new LinkedHashMap<>();
        gone.put("id", "g2");
        gone.put("name", null);
        gone.put("sourceName", "Sales");
        gone.put("externalId", null);
        gone.put("status", null);
        assertSameJson(gone, new ManagedGroupRepresentation("g2", null, "Sales", null, null));
    }

    @Test
    void trashPageAndCount() throws Exception {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("userId", "u1");
        user.put("username", "jdoe");
        user.put("email", "jdoe@corp.test");
        user.put("directoryId", "d1");
        user.put("directoryName", null);
        user.put("reason", "deactivated by the source");
        user.put("enteredAt", 10L);
        user.put("deleteAfter", 20L);
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("count", 1L);
        old.put("users", List.of(user));
        TrashPage page = new TrashPage(1L, List.of(
            new TrashedUserRepresentation("u1", "jdoe", "jdoe@corp.test", "d1", null, "deactivated by the source", 10L, 20L)));
        assertSameJson(old, page);
        assertSameJson(Map.of("count", 4L), new Count(4L));
    }

    @Test
    void anUnmanagedUserHasNoDirectoryOnTheWireAndNoDeleteAfter() throws Exception {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", "u1");
        old.put("username", "jdoe");
        old.put("status", "active");
        old.put("effectiveStatus", "active");
        old.put("enabled", true);
        old.put("directory", null);
        old.put("lockedAttributes", List.of());
        UserStatusRepresentation rep = new UserStatusRepresentation("u1", "jdoe", "active", "active", true, null, List.of(),
            null);
        assertSameJson(old, rep);
        JsonNode rest = REST.readTree(REST.writeValueAsString(rep));
        assertTrue(rest.path("directory").isMissingNode(), "as RulesTest expects: " + rest);
        assertFalse(rest.has("deleteAfter"));
        JsonNode plain = PLAIN.readTree(PLAIN.writeValueAsString(rep));
        assertTrue(plain.get("directory").isNull(), plain.toString());
        assertFalse(plain.has("deleteAfter"), "only a trashed user has deleteAfter: " + plain);
    }

    @Test
    void anOwnedUserAndATrashedOne() throws Exception {
        Set<String> mapped = new LinkedHashSet<>(List.of("username", "email", "firstName", "lastName"));
        Map<String, Object> owned = new LinkedHashMap<>();
        owned.put("id", "u2");
        owned.put("username", "ann");
        owned.put("status", "bypass");
        owned.put("effectiveStatus", "bypass");
        owned.put("enabled", true);
        owned.put("directory", Map.of("id", "d1", "name", "Corp Okta", "type", "scim"));
        owned.put("lockedAttributes", mapped);
        assertSameJson(owned, new UserStatusRepresentation("u2", "ann", "bypass", "bypass", true,
            new UserStatusRepresentation.DirectoryRef("d1", "Corp Okta", "scim"), List.copyOf(mapped), null));

        Map<String, Object> trashed = new LinkedHashMap<>();
        trashed.put("id", "u3");
        trashed.put("username", "bob");
        trashed.put("status", "pending deletion");
        trashed.put("effectiveStatus", "pending deletion");
        trashed.put("enabled", false);
        trashed.put("directory", Map.of("id", "d1", "name", "Corp Okta", "type", "scim"));
        trashed.put("lockedAttributes", List.of("*"));
        trashed.put("deleteAfter", 99L);
        assertSameJson(trashed, new UserStatusRepresentation("u3", "bob", "pending deletion", "pending deletion", false,
            new UserStatusRepresentation.DirectoryRef("d1", "Corp Okta", "scim"), List.of("*"), 99L));
    }

    @Test
    void groupStatusWithAndWithoutADirectory() throws Exception {
        Map<String, Object> managed = new LinkedHashMap<>();
        managed.put("id", "g1");
        managed.put("name", "Engineering from Okta Sync \"Corp Okta\"");
        managed.put("status", "active");
        managed.put("directory", Map.of("id", "d1", "name", "Corp Okta"));
        assertSameJson(managed, new GroupStatusRepresentation("g1", "Engineering from Okta Sync \"Corp Okta\"",
            "active", new GroupStatusRepresentation.DirectoryRef("d1", "Corp Okta")));

        Map<String, Object> own = new LinkedHashMap<>();
        own.put("id", "g2");
        own.put("name", "Engineering");
        own.put("status", "disabled");
        own.put("directory", null);
        GroupStatusRepresentation rep = new GroupStatusRepresentation("g2", "Engineering", "disabled", null);
        assertSameJson(own, rep);
        assertTrue(REST.readTree(REST.writeValueAsString(rep)).path("directory").isMissingNode());
    }

    @Test
    void theAnswerOfASyncStillRunning() throws Exception {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", "run-1");
        old.put("status", "running");
        old.put("message", "The sync is still running; follow it at runs/run-1");
        assertSameJson(old, new RunStartedRepresentation("run-1", "running",
            "The sync is still running; follow it at runs/run-1"));
    }

    @Test
    void aRunReportKeepsItsFieldsAndAddsProgressHeldUsersAndItsNodeAtTheEnd() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("created", 3L);
        counts.put("held", 2L);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("at", 7L);
        error.put("subjectType", "USER");
        error.put("subject", "uid=x,ou=people");
        error.put("message", "no value for uid");
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("read", 40L);
        progress.put("applied", 37L);
        progress.put("failed", 1L);
        progress.put("page", 4);
        progress.put("updatedAt", 9L);
        Map<String, Object> heldUser = new LinkedHashMap<>();
        heldUser.put("at", 8L);
        heldUser.put("userId", "u1");
        heldUser.put("username", "m0");
        heldUser.put("message", "would be trashed: no longer in the source's scope");

        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", "r1");
        old.put("directoryId", "d1");
        old.put("kind", "full");
        old.put("status", "held");
        old.put("startedAt", 5L);
        old.put("endedAt", 6L);
        old.put("counts", counts);
        old.put("userCounts", counts);
        old.put("groupCounts", Map.of("created", 0L));
        old.put("errors", List.of(error));
        old.put("warnings", List.of());
        old.put("message", "This run would trash 2 of 3 users");
        old.put("progress", progress);
        old.put("held", List.of(heldUser));
        old.put("node", "vm-62441");
        old.put("heartbeatAt", 10L);
        assertSameJson(old, new io.dirsync.engine.RunReport("r1", "d1", "full", "held", 5L, 6L, counts, counts,
            Map.of("created", 0L), List.of(new io.dirsync.engine.RunReport.Error(7L, io.dirsync.storage.SubjectType.USER,
                "uid=x,ou=people", "no value for uid")), List.of(), "This run would trash 2 of 3 users",
            new io.dirsync.engine.RunReport.Progress(40L, 37L, 1L, 4, 9L),
            List.of(new io.dirsync.engine.RunReport.HeldUser(8L, "u1", "m0",
                "would be trashed: no longer in the source's scope")), "vm-62441", 10L));

        // A day's pushes report no progress: the REST answer leaves it out, as it leaves out other nulls.
        JsonNode push = REST.readTree(REST.writeValueAsString(new io.dirsync.engine.RunReport("r2", "d1", "push",
            "running", 5L, null, counts, counts, Map.of(), List.of(), List.of(), null, null, List.of(), null, null)));
        assertTrue(push.path("progress").isMissingNode(), push.toString());
        assertTrue(push.get("held").isEmpty(), push.toString());
    }

    @Test
    void credentialsAreFlatAndTheirEventsLeaveTheTokenOut() throws Exception {
        Map<String, Object> issued = new LinkedHashMap<>();
        issued.put("baseUrl", "https://kc/realms/r/dirsync/d1/scim/v2");
        issued.put("token", "secret-token");
        issued.put("expiresAt", null);

        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("status", "active");
        setup.putAll(issued);
        SetupCompletedRepresentation completed = new SetupCompletedRepresentation("active", issued);
        assertSameJson(setup, completed);
        assertSameJson(Map.of("status", "active"), new SetupCompletedRepresentation("active", Map.of()));
        assertSameJson(issued, new CredentialsRepresentation(issued));

        Map<String, Object> setupEvent = new LinkedHashMap<>(setup);
        setupEvent.remove("token");
        SetupCompletedRepresentation completedEvent = new SetupCompletedRepresentation("active",
            withoutToken(completed.credentials()));
        assertSameJson(setupEvent, completedEvent);
        assertFalse(EVENTS.writeValueAsString(completedEvent).contains("secret-token"));
        Map<String, Object> tokenEvent = new LinkedHashMap<>(issued);
        tokenEvent.remove("token");
        assertSameJson(tokenEvent, new CredentialsRepresentation(withoutToken(issued)));
    }

    /** What the resource does to issued credentials before they go into an admin event. */
    private static Map<String, Object> withoutToken(Map<String, Object> credentials) {
        Map<String, Object> copy = new LinkedHashMap<>(credentials);
        copy.remove("token");
        return copy;
    }

    /**
     * Same keys, values and top-level key order as the former map, under every mapper the JSON goes through (nested
     * {@code Map.of} objects had no fixed order, so only their content is compared).
     */
    private static void assertSameJson(Map<String, Object> old, Object rep) throws Exception {
        for (ObjectMapper mapper : List.of(REST, EVENTS, PLAIN)) {
            JsonNode expected = mapper.readTree(mapper.writeValueAsString(old));
            JsonNode actual = mapper.readTree(mapper.writeValueAsString(rep));
            assertEquals(expected, actual, rep.getClass().getSimpleName());
            assertEquals(fieldNames(expected), fieldNames(actual), rep.getClass().getSimpleName() + " field order");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
