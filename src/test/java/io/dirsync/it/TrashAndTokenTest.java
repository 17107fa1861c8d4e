package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.TrashPurgeTask;

/** Rule 7 (the trash) and the SCIM token's 90 days, with Keycloak's clock moved instead of waiting. */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class TrashAndTokenTest extends DirSyncIntegrationTest {

    static final int DAY = 24 * 3600;

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void aTrashedUserCannotLogInOrRefreshAndIsRestoredWithCredentialsAndMemberships() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Trash Okta");
        String id = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("leaver", "Lea", "Ver", "leaver@corp.test")));
        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Team", "members", List.of(Map.of("value", id)))));
        setPassword(id, "Secret-Pass-123");

        Http.Result login = passwordGrant("leaver", "Secret-Pass-123");
        assertEquals(200, login.status(), login::toString);
        String refreshToken = login.json().get("refresh_token").asText();
        assertEquals(1, realm.admin().users().get(id).getUserSessions().size());

        // Okta's deactivation: a path-less replace of active.
        assertEquals(204, okta.scim("PATCH", "/Users/" + id, ScimLifecycleTest.patch(Map.of("op", "replace", "value", Map.of("active", false)))).status());

        assertEquals(0, realm.admin().users().get(id).getUserSessions().size(), "sessions are revoked");
        Http.Result refresh = refresh(refreshToken);
        assertEquals(400, refresh.status(), refresh::toString);
        Http.Result denied = passwordGrant("leaver", "Secret-Pass-123");
        assertEquals(400, denied.status(), denied::toString);
        JsonNode trash = dirsync.admin("GET", "/trash", null).json();
        long enteredAt = trash.at("/users/0/enteredAt").asLong();
        assertEquals(7L * DAY * 1000, trash.at("/users/0/deleteAfter").asLong() - enteredAt, "deleted 7 days after it entered");

        // Trashed users are read-only for admins too.
        var edit = realm.admin().users().get(id).toRepresentation();
        edit.setAttributes(Map.of("alias2", List.of("anything")));
        Http.Result readOnly = Http.send("PUT", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + id,
            dirsync.adminBearer(), edit);
        assertEquals(400, readOnly.status(), readOnly::toString);
        assertTrue(readOnly.body().contains("pending deletion"), readOnly::toString);

        Http.Result back = okta.scim("PATCH", "/Users/" + id, ScimLifecycleTest.patch(Map.of("op", "replace", "path", "active", "value", true)));
        assertEquals(204, back.status(), back::toString);
        assertEquals(200, passwordGrant("leaver", "Secret-Pass-123").status(), "the password survived the trash");
        assertEquals(1, realm.admin().groups().group(gid).members().size(), "so did the membership");
    }

    @Test
    void thePurgeDeletesTrashedUsersSevenDaysLaterAndAnAdminCanDeleteAtOnce() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Purge Okta");
        String old = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("old-leaver", "O", "L", "ol@corp.test")));
        String keep = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("stayer", "S", "T", "st@corp.test")));
        String now = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("now-leaver", "N", "L", "nl@corp.test")));
        assertEquals(204, okta.scim("DELETE", "/Users/" + old, null).status());
        assertEquals(204, okta.scim("DELETE", "/Users/" + now, null).status());

        assertEquals(204, dirsync.admin("DELETE", "/trash/" + now, null).status());
        assertEquals(404, Http.send("GET", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + now,
            dirsync.adminBearer(), null).status());
        assertEquals(404, dirsync.admin("DELETE", "/trash/" + keep, null).status(), "a user not in the trash cannot be deleted from it");

        // The purge's job itself, run now on the server at the moved clock: on day 6 nothing is due.
        timeOffSet.set(6 * DAY);
        String realmId = realm.getId();
        assertEquals("0", onServer.fetchString(session -> String.valueOf(DirectorySyncEngine.of(session).trash()
            .purgeDue(session.realms().getRealm(realmId), TrashPurgeTask.BATCH))));
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());

        // On day 7 the scheduled purge (every 2 s in tests) deletes the user.
        timeOffSet.set(7 * DAY + 60);
        waitUntil(() -> dirsync.admin("GET", "/trash/count", null).json().get("count").asInt() == 0, 30);
        assertEquals(404, Http.send("GET", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + old,
            dirsync.adminBearer(), null).status());
        assertTrue(realm.admin().users().get(keep).toRepresentation().isEnabled(), "users outside the trash stay");
    }

    @Test
    void theScimTokenExpiresAfter90DaysAndRegenerationReplacesIt() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Token Okta");
        DirSync.ScimDirectory other = dirsync.scimDirectory("Other Okta");
        assertEquals(200, okta.scim("GET", "/Users", null).status());
        Http.Result noToken = Http.send("GET", okta.baseUrl() + "/Users", null, null);
        assertEquals(401, noToken.status(), "no token");
        // RFC 7235 §3.1 / RFC 6750 §3: a 401 says how to authenticate; a credential that was sent is invalid_token.
        assertEquals(List.of("Bearer realm=\"" + realm.getName() + "\"", "Basic realm=\"" + realm.getName() + "\", charset=\"UTF-8\""),
            challenges(noToken));
        Http.Result wrong = Http.send("GET", okta.baseUrl() + "/Users", "Bearer wrong", null);
        assertEquals(401, wrong.status(), "wrong token");
        assertEquals("Bearer realm=\"" + realm.getName() + "\", error=\"invalid_token\"", challenges(wrong).get(0));
        assertEquals("application/scim+json", wrong.header("Content-Type"));
        assertEquals(401, Http.send("GET", okta.baseUrl() + "/Users", "Bearer " + other.token(), null).status(),
            "another directory's token");
        String basic = java.util.Base64.getEncoder().encodeToString(("okta:" + okta.token()).getBytes());
        assertEquals(200, Http.send("GET", okta.baseUrl() + "/Users", "Basic " + basic, null).status(), "Basic with the token");

        timeOffSet.set(89 * DAY);
        assertEquals(200, okta.scim("GET", "/Users", null).status());
        timeOffSet.set(90 * DAY + 60);
        Http.Result expired = okta.scim("GET", "/Users", null);
        assertEquals(401, expired.status());
        assertTrue(expired.json().get("detail").asText().contains("expired"), expired::toString);
        JsonNode dir = dirsync.admin("GET", "/directories/" + okta.id(), null).json();
        assertEquals("expired", dir.at("/scim/tokenStatus").asText());
        assertEquals("token expired", dir.at("/scim/connection").asText());

        Http.Result regenerated = dirsync.admin("POST", "/directories/" + okta.id() + "/token", null);
        assertEquals(200, regenerated.status());
        String token = regenerated.json().get("token").asText();
        assertNotEquals(okta.token(), token);
        assertEquals(200, Http.send("GET", okta.baseUrl() + "/Users", "Bearer " + token, null).status());
        assertEquals(401, okta.scim("GET", "/Users", null).status(), "the old token stops working at once");
        assertFalse(dirsync.admin("GET", "/directories/" + okta.id(), null).body().contains(token));
    }

    @Test
    void aDaysPushesAreOneRunWhoseReportIsAnAdminEventWhenTheDayEnds() {
        var rep = realm.admin().toRepresentation();
        rep.setAdminEventsEnabled(true);
        rep.setAdminEventsDetailsEnabled(true);
        realm.admin().update(rep);
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Daily Okta");
        okta.scim("POST", "/Users", DirSync.scimUser("day1-a", "A", "A", "a@corp.test"));
        okta.scim("POST", "/Users", DirSync.scimUser("day1-b", "B", "B", "b@corp.test"));
        okta.scim("POST", "/Users", DirSync.scimUser("day1-a", "A", "A", "a@corp.test")); // 409: a failure of the run
        JsonNode today = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json();
        assertEquals(1, today.size());
        assertEquals("running", today.at("/0/status").asText());
        assertEquals(2, today.at("/0/counts/created").asInt());
        assertEquals(1, today.at("/0/counts/failed").asInt());

        timeOffSet.set(DAY);
        okta.scim("POST", "/Users", DirSync.scimUser("day2", "C", "C", "c@corp.test"));
        JsonNode runs = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json();
        assertEquals(2, runs.size(), runs::toString);
        assertEquals("running", runs.at("/0/status").asText());
        assertEquals("completed", runs.at("/1/status").asText());
        String closed = runs.at("/1/id").asText();
        assertTrue(realm.admin().getAdminEvents().stream().anyMatch(e -> "DIRSYNC_RUN".equals(e.getResourceType())
            && e.getResourcePath().endsWith("/runs/" + closed) && e.getRepresentation().contains("\"created\":2")),
            "the closed run's report is an admin event");
    }

    private void setPassword(String userId, String password) {
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(password);
        c.setTemporary(false);
        realm.admin().users().get(userId).resetPassword(c);
    }

    private Http.Result passwordGrant(String username, String password) {
        return form("grant_type=password&client_id=admin-cli&username=" + username + "&password=" + password);
    }

    private Http.Result refresh(String refreshToken) {
        return form("grant_type=refresh_token&client_id=admin-cli&refresh_token=" + refreshToken);
    }

    /** The WWW-Authenticate challenges of a response, in order (one header each, or one header listing them). */
    private static List<String> challenges(Http.Result r) {
        return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("WWW-Authenticate"))
            .flatMap(e -> e.getValue().stream()).toList();
    }

    private Http.Result form(String body) {
        return Http.send("POST", urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token", null,
            body, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

}
