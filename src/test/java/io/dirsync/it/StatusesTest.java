package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.engine.DirectorySyncEngineFactory;

/**
 * Rule 11 through groups: a user's effective status is disabled when the user or any of its groups (ancestors
 * included) is, else pending deletion when trashed, else bypass when the user or any group is, else active; a disabled
 * effective status refuses sign-in and token refresh the moment it is set, whichever way the user came into the group.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class StatusesTest extends DirSyncIntegrationTest {

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    static final String PW = "Statuses-test-pw-1";

    @Test
    void aGroupsStatusReachesItsMembersAtOnceWithTheDocumentedPrecedence() {
        directGrantClient();
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        String ana = user(okta, "ana");
        String ben = user(okta, "ben");
        String contractors = group("Contractors", null);
        String night = group("Night shift", contractors);
        realm.admin().users().get(ana).joinGroup(contractors);
        realm.admin().users().get(ben).joinGroup(night);
        Http.Result benTokens = directGrant("ben", PW);
        assertEquals(200, benTokens.status(), benTokens::toString);

        setGroup(contractors, "disabled");
        assertStatus(ana, "active", "disabled", false);
        assertStatus(ben, "active", "disabled", false);
        assertFalse(signsIn("ana", PW), "a disabled group's member");
        assertFalse(signsIn("ben", PW), "a disabled group's subgroup's member");
        Http.Result refresh = Http.form(tokenUrl(), Map.of("grant_type", "refresh_token", "client_id", "cli",
            "refresh_token", benTokens.json().get("refresh_token").asText()));
        assertEquals(400, refresh.status(), "a session from before the change ends: " + refresh);

        setUser(ana, "bypass");
        assertStatus(ana, "bypass", "disabled", false);

        setGroup(contractors, "bypass");
        assertStatus(ana, "bypass", "bypass", true);
        assertStatus(ben, "active", "bypass", true);
        assertTrue(signsIn("ana", PW));
        assertTrue(signsIn("ben", PW));

        // Joining and leaving a disabled group (here through the admin API) takes effect as it happens.
        String outsiders = group("Outsiders", null);
        setGroup(outsiders, "disabled");
        realm.admin().users().get(ben).joinGroup(outsiders);
        assertStatus(ben, "active", "disabled", false);
        assertFalse(signsIn("ben", PW));
        realm.admin().users().get(ben).leaveGroup(outsiders);
        assertStatus(ben, "active", "bypass", true);
        assertTrue(signsIn("ben", PW));

        // The trash wins over bypass; disabled wins over the trash.
        assertEquals(204, okta.scim("DELETE", "/Users/" + ana, null).status());
        assertStatus(ana, "pending deletion", "pending deletion", false);
        setGroup(contractors, "disabled");
        assertStatus(ana, "pending deletion", "disabled", false);

        setGroup(contractors, "active");
        assertStatus(ben, "active", "active", true);
        assertTrue(signsIn("ben", PW));
    }

    @Test
    void aGroupsStatusDisablesUnmanagedMembersButNeverEnablesOneAnAdminDisabled() {
        String contractors = group("Contractors", null);
        String carl = localUser("carl");
        String dina = localUser("dina");
        org.keycloak.representations.idm.UserRepresentation carlRep = realm.admin().users().get(carl).toRepresentation();
        carlRep.setEnabled(false);
        realm.admin().users().get(carl).update(carlRep);
        realm.admin().users().get(carl).joinGroup(contractors);
        realm.admin().users().get(dina).joinGroup(contractors);

        setGroup(contractors, "bypass");
        assertStatus(carl, "active", "bypass", false);
        assertStatus(dina, "active", "bypass", true);
        setGroup(contractors, "disabled");
        assertStatus(dina, "active", "disabled", false);
        // An unmanaged account is not the sync's: a group's change never enables it (an admin does).
        setGroup(contractors, "active");
        assertStatus(carl, "active", "active", false);
        assertStatus(dina, "active", "active", false);
    }

    @Test
    void groupStatusesSetBeforeTheRealmWasMarkedTakeEffectAfterAStart() {
        directGrantClient();
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        String eve = user(okta, "eve");
        String contractors = group("Contractors", null);
        setGroup(contractors, "disabled");
        // As a realm whose group statuses were set by an earlier version: no mark, so joins ignore them.
        String realmName = realm.getName();
        onServer.run(session -> session.realms().getRealmByName(realmName).removeAttribute("dirsync.groupStatuses"));
        assertFalse(realm.admin().toRepresentation().getAttributes().containsKey("dirsync.groupStatuses"));
        onServer.run(session -> DirectorySyncEngineFactory.markRealmsWithGroupStatuses(session.getKeycloakSessionFactory()));
        realm.admin().users().get(eve).joinGroup(contractors);
        assertStatus(eve, "active", "disabled", false);
        assertFalse(signsIn("eve", PW));
    }

    private String user(DirSync.ScimDirectory okta, String name) {
        Map<String, Object> body = new HashMap<>(DirSync.scimUser(name, name, "Test", name + "@corp.test"));
        body.put("password", PW);
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        return DirSync.id(created);
    }

    private String group(String name, String parentId) {
        GroupRepresentation g = new GroupRepresentation();
        g.setName(name);
        try (Response r = parentId == null ? realm.admin().groups().add(g)
                : realm.admin().groups().group(parentId).subGroup(g)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    private void setGroup(String groupId, String status) {
        Http.Result r = dirsync.admin("PUT", "/groups/" + groupId + "/status", Map.of("status", status));
        assertEquals(200, r.status(), r::toString);
    }

    private void setUser(String userId, String status) {
        Http.Result r = dirsync.admin("PUT", "/users/" + userId + "/status", Map.of("status", status));
        assertEquals(200, r.status(), r::toString);
    }

    private void assertStatus(String userId, String own, String effective, boolean enabled) {
        JsonNode u = dirsync.admin("GET", "/users/" + userId, null).json();
        assertEquals(own, u.get("status").asText(), u::toString);
        assertEquals(effective, u.get("effectiveStatus").asText(), u::toString);
        assertEquals(enabled, u.get("enabled").asBoolean(), u::toString);
        assertEquals(enabled, realm.admin().users().get(userId).toRepresentation().isEnabled());
    }

    private String tokenUrl() {
        return urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token";
    }
}
