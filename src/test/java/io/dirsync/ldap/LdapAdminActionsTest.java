package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;

/**
 * The LDAP type's admin actions (console issue 12: the wizard's Test connection, Test authentication and group search)
 * at {@code POST /admin/realms/{realm}/dirsync/directory-types/ldap/{action}}, against an in-JVM LDAP server, and the
 * bind credential's round trip: typed once, stored in Keycloak's component, never answered, kept by a save without it.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class LdapAdminActionsTest extends DirSyncIntegrationTest {

    TestDirectory ldap;

    @AfterEach
    void tearDown() {
        if (ldap != null) {
            ldap.close();
        }
    }

    @Test
    void testConnectionAndAuthenticationSayWhatFailedOnWhichHost() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        Map<String, Object> settings = ldap.settings("uid");
        String host = hostOf(settings);

        JsonNode connected = ok(action("test-connection", Map.of("settings", settings)));
        assertTrue(connected.get("ok").asBoolean(), connected::toString);
        assertEquals("Connected to " + host + ".", connected.get("message").asText());

        JsonNode signedIn = ok(action("test-authentication", Map.of("settings", settings)));
        assertTrue(signedIn.get("ok").asBoolean(), signedIn::toString);
        assertEquals("Signed in to " + host + " as '" + settings.get("bindDn") + "'.", signedIn.get("message").asText());

        Map<String, Object> wrongPassword = with(settings, "bindCredential", "not-the-password");
        JsonNode refused = ok(action("test-authentication", Map.of("settings", wrongPassword)));
        assertFalse(refused.get("ok").asBoolean(), refused::toString);
        String message = refused.get("message").asText();
        assertTrue(message.startsWith(host + " refused the bind DN or credential ('" + settings.get("bindDn") + "')"), message);
        assertFalse(message.contains("not-the-password"), "the credential is never answered: " + message);
        assertTrue(ok(action("test-connection", Map.of("settings", wrongPassword))).get("ok").asBoolean(),
            "the connection test does not bind: a wrong password does not fail it");

        JsonNode unknownHost = ok(action("test-connection",
            Map.of("settings", with(settings, "connectionUrl", "ldap://no-such-host.invalid:389"))));
        assertFalse(unknownHost.get("ok").asBoolean());
        assertEquals("Cannot reach no-such-host.invalid:389: unknown host 'no-such-host.invalid'.",
            unknownHost.get("message").asText());

        JsonNode closedPort = ok(action("test-authentication",
            Map.of("settings", with(settings, "connectionUrl", "ldap://127.0.0.1:1"))));
        assertFalse(closedPort.get("ok").asBoolean());
        assertTrue(closedPort.get("message").asText().startsWith("Cannot reach 127.0.0.1:1: the connection was refused"),
            closedPort::toString);

        JsonNode plainToLdaps = ok(action("test-connection",
            Map.of("settings", with(settings, "connectionUrl", "ldaps://" + host))));
        assertFalse(plainToLdaps.get("ok").asBoolean(), "LDAPS to a plain LDAP port: " + plainToLdaps);
        assertEquals("TLS with " + host + " failed: the server does not speak TLS on that port (ldap:// rather than ldaps://?).",
            plainToLdaps.get("message").asText());

        // Input it cannot use is a 400 that says what to fix.
        Http.Result http = action("test-connection", Map.of("settings", with(settings, "connectionUrl", "http://host")));
        assertEquals(400, http.status(), http::toString);
        assertTrue(http.body().contains("must be ldap://host[:port] or ldaps://host[:port]"), http.body());
        Http.Result none = action("test-connection", Map.of());
        assertEquals(400, none.status(), none::toString);
        Map<String, Object> noCredential = new LinkedHashMap<>(settings);
        noCredential.remove("bindCredential");
        Http.Result missing = action("test-authentication", Map.of("settings", noCredential));
        assertEquals(400, missing.status(), missing::toString);
        assertTrue(missing.body().contains("settings.bindCredential is required"), missing.body());

        Http.Result unknownAction = action("reformat-disk", Map.of("settings", settings));
        assertEquals(404, unknownAction.status(), unknownAction::toString);
        assertTrue(unknownAction.body().contains("test-connection, test-authentication, search-groups"), unknownAction.body());
        Http.Result scim = dirsync.admin("POST", "/directory-types/scim/test-connection", Map.of("settings", settings));
        assertEquals(404, scim.status(), "SCIM has no actions: " + scim);
        Http.Result noType = dirsync.admin("POST", "/directory-types/x500/test-connection", Map.of());
        assertEquals(404, noType.status(), noType::toString);
    }

    @Test
    void groupsAreFoundByNameOrDnWithTheirMemberCountsAndTheSearchTextIsNoFilter() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String alice = ldap.user("alice", "Alice", "Liddell", "alice@example.org");
        String bob = ldap.user("bob", "Bob", "Builder", "bob@example.org");
        String eng = ldap.group("Engineering", alice, bob);
        String leads = ldap.group("Engineering Leads", alice);
        String sales = ldap.group("Sales", bob);
        Map<String, Object> settings = ldap.settings("uid");

        JsonNode found = ok(action("search-groups", Map.of("settings", settings, "search", "engin")));
        assertEquals(List.of(eng, leads), dns(found), found::toString);
        assertEquals("Engineering", found.at("/groups/0/name").asText());
        assertEquals(2, found.at("/groups/0/memberCount").asInt(), found::toString);
        assertEquals(1, found.at("/groups/1/memberCount").asInt(), found::toString);
        assertFalse(found.get("more").asBoolean());
        assertEquals("dc=example,dc=org", found.get("base").asText(), "searched in the users' domain");

        JsonNode all = ok(action("search-groups", Map.of("settings", settings)));
        assertEquals(List.of(eng, leads, sales), dns(all), all::toString);
        JsonNode firstTwo = ok(action("search-groups", Map.of("settings", settings, "max", 2)));
        assertEquals(2, firstTwo.get("groups").size(), firstTwo::toString);
        assertTrue(firstTwo.get("more").asBoolean(), firstTwo::toString);

        JsonNode byDn = ok(action("search-groups", Map.of("settings", settings, "search", sales)));
        assertEquals(List.of(sales), dns(byDn), byDn::toString);
        JsonNode user = ok(action("search-groups", Map.of("settings", settings, "search", alice)));
        assertEquals(List.of(), dns(user), "a user's DN is no group");

        // The text is a value in the filter, escaped: no wildcard or filter of its own.
        JsonNode injected = ok(action("search-groups", Map.of("settings", settings, "search", "*)(objectClass=*")));
        assertEquals(List.of(), dns(injected), injected::toString);
        JsonNode star = ok(action("search-groups", Map.of("settings", settings, "search", "*")));
        assertEquals(List.of(), dns(star), "'*' is a character, not a wildcard");

        Map<String, Object> wrongPassword = with(settings, "bindCredential", "not-the-password");
        Http.Result refused = action("search-groups", Map.of("settings", wrongPassword, "search", "eng"));
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("refused the bind DN or credential"), refused.body());
        Http.Result tooMany = action("search-groups", Map.of("settings", settings, "max", "lots"));
        assertEquals(400, tooMany.status(), tooMany::toString);
    }

    @Test
    void editingADirectoryTheStoredCredentialIsUsedOnlyWithItsOwnServerAndBindDn() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String eng = ldap.group("Engineering", ldap.user("alice", "Alice", "Liddell", "alice@example.org"));
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(eng));
        String id = ldapDirectory("Corp LDAP", settings);
        Map<String, Object> typed = new LinkedHashMap<>(settings);
        typed.remove("bindCredential");

        JsonNode stored = ok(action("test-authentication", id, Map.of("settings", typed)));
        assertTrue(stored.get("ok").asBoolean(), "no credential typed: the stored one " + stored);
        JsonNode masked = ok(action("test-authentication", id, Map.of("settings", with(typed, "bindCredential", "**********"))));
        assertTrue(masked.get("ok").asBoolean(), "Keycloak's mask: the stored one " + masked);
        JsonNode saved = ok(action("test-authentication", id, Map.of()));
        assertTrue(saved.get("ok").asBoolean(), "no settings: the saved ones " + saved);
        JsonNode typedWrong = ok(action("test-authentication", id, Map.of("settings", with(typed, "bindCredential", "wrong"))));
        assertFalse(typedWrong.get("ok").asBoolean(), "a typed credential is the one tested: " + typedWrong);
        JsonNode groups = ok(action("search-groups", id, Map.of("search", "eng")));
        assertEquals(List.of(eng), dns(groups), groups::toString);

        // Another server or account never gets the stored credential.
        String elsewhere = "ldap://localhost:" + hostOf(settings).split(":")[1];
        Http.Result otherServer = action("test-authentication", id, Map.of("settings", with(typed, "connectionUrl", elsewhere)));
        assertEquals(400, otherServer.status(), otherServer::toString);
        assertTrue(otherServer.body().contains("is used only with its saved connection URL and bind DN"), otherServer.body());
        Http.Result otherAccount = action("search-groups", id, Map.of("settings", with(typed, "bindDn", "cn=other,dc=example,dc=org")));
        assertEquals(400, otherAccount.status(), otherAccount::toString);

        // The directory must be this realm's and of this type.
        Http.Result unknown = action("test-authentication", "no-such-directory", Map.of());
        assertEquals(404, unknown.status(), unknown::toString);
        String scimId = dirsync.scimDirectory("Okta").id();
        Http.Result scim = action("test-authentication", scimId, Map.of());
        assertEquals(404, scim.status(), scim::toString);
    }

    @Test
    void theBindCredentialIsNeverAnsweredAndASaveWithoutItKeepsTheStoredOne() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String eng = ldap.group("Engineering", ldap.user("alice", "Alice", "Liddell", "alice@example.org"));
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(eng));
        String password = String.valueOf(settings.get("bindCredential"));
        String id = ldapDirectory("Corp LDAP", settings);

        Http.Result one = dirsync.admin("GET", "/directories/" + id, null);
        Http.Result list = dirsync.admin("GET", "/directories", null);
        for (Http.Result r : List.of(one, list)) {
            assertEquals(200, r.status(), r::toString);
            assertFalse(r.body().contains(password), "no GET answers the credential: " + r.body());
            assertFalse(r.body().contains("bindCredential\""), r.body());
        }
        assertTrue(one.json().at("/ldap/bindCredentialStored").asBoolean(), one::toString);
        assertTrue(one.json().get("pull").asBoolean(), "LDAP pulls: " + one.body());

        Map<String, Object> edited = new LinkedHashMap<>(settings);
        edited.remove("bindCredential");
        edited.put("nestedGroups", true);
        Http.Result put = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", edited));
        assertEquals(200, put.status(), put::toString);
        assertFalse(put.body().contains(password), put.body());
        edited.put("bindCredential", "**********");
        Http.Result masked = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", edited));
        assertEquals(200, masked.status(), masked::toString);

        JsonNode run = dirsync.fullSync(id);
        assertEquals("completed", run.get("status").asText(), "the stored credential still binds: " + run);
        assertEquals(1, dirsync.admin("GET", "/directories/" + id, null).json().get("userCount").asInt());
        JsonNode test = ok(action("test-authentication", id, Map.of()));
        assertTrue(test.get("ok").asBoolean(), test::toString);
    }

    @Test
    void theActionsNeedManageRealmAndTheTypeDefaultsViewUsers() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        Map<String, Object> settings = ldap.settings("uid");
        String bearer = viewUsersOnlyAdmin();

        for (String action : List.of("test-connection", "test-authentication", "search-groups")) {
            Http.Result r = Http.send("POST", dirsync.adminUrl("/directory-types/ldap/" + action), bearer,
                Map.of("settings", settings));
            assertEquals(403, r.status(), action + ": " + r);
        }
        Http.Result type = Http.send("GET", dirsync.adminUrl("/directory-types/ldap"), bearer, null);
        assertEquals(200, type.status(), type::toString);
        assertEquals("New LDAP Directory", type.json().get("defaultName").asText());
        assertTrue(type.json().get("pull").asBoolean());
        assertTrue(type.json().get("adminGroups").asBoolean());
        assertEquals("[\"test-connection\",\"test-authentication\",\"search-groups\"]", type.json().get("actions").toString());
        assertFalse(type.json().get("incremental").asBoolean(), "LDAP has no incremental pull");
        assertTrue(type.json().get("sources").toString().contains("\"mail\""), type.json()::toString);

        settings.put("syncedGroups", List.of(ldap.group("Staff", ldap.user("sam", "Sam", "Staff", null))));
        ldapDirectory("New LDAP Directory", settings);
        assertEquals("New LDAP Directory 2", dirsync.admin("GET", "/directory-types/ldap", null).json()
            .get("defaultName").asText(), "the name a new directory would get: free in the realm");
        JsonNode types = dirsync.admin("GET", "/directory-types", null).json();
        List<String> ids = new ArrayList<>();
        types.forEach(t -> ids.add(t.get("id").asText()));
        assertTrue(ids.contains("ldap") && ids.contains("scim"), ids::toString);
        assertEquals(404, dirsync.admin("GET", "/directory-types/x500", null).status());
    }

    // ------------------------------------------------------------------ helpers

    Http.Result action(String action, Object body) {
        return dirsync.admin("POST", "/directory-types/ldap/" + action, body);
    }

    Http.Result action(String action, String directoryId, Object body) {
        return dirsync.admin("POST", "/directory-types/ldap/" + action + "?directory=" + directoryId, body);
    }

    static JsonNode ok(Http.Result r) {
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }

    static List<String> dns(JsonNode search) {
        List<String> dns = new ArrayList<>();
        search.get("groups").forEach(g -> dns.add(g.get("dn").asText()));
        return dns;
    }

    static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(settings);
        copy.put(key, value);
        return copy;
    }

    /** host:port of the settings' connection URL. */
    static String hostOf(Map<String, Object> settings) {
        return String.valueOf(settings.get("connectionUrl")).replaceFirst("^ldaps?://", "");
    }

    String ldapDirectory(String name, Map<String, Object> settings) {
        return dirsync.ldapDirectory(name, settings);
    }

    /** A user of the test realm holding only realm-management's view-users; its bearer token (admin-cli). */
    String viewUsersOnlyAdmin() {
        UserRepresentation u = new UserRepresentation();
        u.setUsername("auditor");
        u.setEnabled(true);
        u.setEmail("auditor@corp.test");
        u.setFirstName("Audi");
        u.setLastName("Tor");
        CredentialRepresentation pw = new CredentialRepresentation();
        pw.setType(CredentialRepresentation.PASSWORD);
        pw.setValue("Auditor-Passw0rd!");
        pw.setTemporary(false);
        u.setCredentials(List.of(pw));
        String userId;
        try (Response r = realm.admin().users().create(u)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            userId = location.substring(location.lastIndexOf('/') + 1);
        }
        ClientRepresentation rm = realm.admin().clients().findByClientId("realm-management").get(0);
        RoleRepresentation viewUsers = realm.admin().clients().get(rm.getId()).roles().get("view-users").toRepresentation();
        realm.admin().users().get(userId).roles().clientLevel(rm.getId()).add(List.of(viewUsers));
        Http.Result token = Http.form(urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token",
            Map.of("grant_type", "password", "client_id", "admin-cli", "username", "auditor", "password", "Auditor-Passw0rd!"));
        assertEquals(200, token.status(), token::toString);
        return "Bearer " + token.json().get("access_token").asText();
    }
}
