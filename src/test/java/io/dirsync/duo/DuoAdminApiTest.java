package io.dirsync.duo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import com.duosecurity.client.Http;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;

/**
 * The Duo Admin API type (issue 14) driven by Duo's official Java client ({@code com.duosecurity:duo-client} 0.7.1,
 * unmodified: only host, keys, its CA pin and its proxy option are set) through a TLS reverse proxy that maps
 * {@code https://duo-api.example.test/admin/...} onto the directory's endpoint, as the README tells operators to.
 * The client signs with v5 (JSON bodies) by default and with v2 (form bodies) when asked.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoAdminApiTest extends DirSyncIntegrationTest {

    static final String HOST = "duo-api.example.test";

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    DuoTlsProxy proxy;

    /** A Duo Admin API directory with setup completed, and the proxy in front of it. */
    record Duo(String id, String name, String ikey, String skey) {
    }

    /** Keycloak's answer to one request of the official client. */
    record Answer(int status, JSONObject json) {
        JSONObject response() {
            return json.getJSONObject("response");
        }

        JSONArray list() {
            return json.getJSONArray("response");
        }
    }

    @AfterEach
    void closeProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    Duo duoDirectory(String name, Map<String, Object> settings) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>(settings);
        s.put("apiHostname", HOST.toUpperCase());
        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", name, "settings", s));
        assertEquals(201, created.status(), created::toString);
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        assertEquals(HOST, setup.json().get("apiHostname").asText(), "lower-cased");
        String ikey = setup.json().get("integrationKey").asText();
        String skey = setup.json().get("secretKey").asText();
        assertTrue(ikey.matches("DI[A-Z0-9]{18}"), ikey);
        assertEquals(40, skey.length());
        proxy = new DuoTlsProxy(HOST, setup.json().get("endpoint").asText());
        System.setProperty("javax.net.ssl.trustStore", proxy.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        return new Duo(id, name, ikey, skey);
    }

    Answer call(Duo duo, String method, String uri, Map<String, String> params) throws Exception {
        return call(duo.ikey(), duo.skey(), method, uri, params, 5);
    }

    Answer call(String ikey, String skey, String method, String uri, Map<String, String> params, int version) throws Exception {
        Http client = proxy.client(method, uri);
        params.forEach(client::addParam);
        client.signRequest(ikey, skey, version);
        try (okhttp3.Response r = client.executeHttpRequest()) {
            String body = r.body().string();
            return new Answer(r.code(), new JSONObject(body));
        }
    }

    static void assertFails(Answer a, int status, int code) {
        assertEquals(status, a.status(), a.json()::toString);
        assertEquals("FAIL", a.json().getString("stat"));
        assertEquals(code, a.json().getInt("code"), a.json()::toString);
    }

    @Test
    void theOfficialJavaClientCreatesFindsUpdatesGroupsBypassesAndDeletesAUser() throws Exception {
        Duo duo = duoDirectory("Corp Duo", Map.of());
        Answer created = call(duo, "POST", "/admin/v1/users", Map.of("username", "Ann.Lee", "realname", "Ann Lee",
            "email", "ann.lee@corp.test", "firstname", "Ann", "lastname", "Lee", "alias1", "alee", "alias2", "ann@corp.test"));
        assertEquals(200, created.status(), created.json()::toString);
        JSONObject ann = created.response();
        String id = ann.getString("user_id");
        assertEquals("Ann.Lee", ann.getString("username"));
        assertEquals("alee", ann.getString("alias1"));
        assertEquals("ann@corp.test", ann.getJSONObject("aliases").getString("alias2"));
        assertTrue(ann.isNull("alias3"));
        assertEquals("active", ann.getString("status"));
        for (String list : List.of("groups", "phones", "tokens", "u2ftokens", "webauthncredentials")) {
            assertEquals(0, ann.getJSONArray(list).length(), list);
        }
        UserRepresentation kc = realm.admin().users().get(id).toRepresentation();
        assertEquals("ann.lee", kc.getUsername());
        assertEquals("Ann Lee", kc.firstAttribute("displayName"));
        assertEquals("alee", kc.firstAttribute("alias1"));

        // Found by username and by an alias (username= matches aliases, Duo's documented behaviour), any case.
        for (String name : List.of("ann.lee", "ALEE", "ann@corp.test")) {
            Answer found = call(duo, "GET", "/admin/v1/users", Map.of("username", name));
            assertEquals(1, found.list().length(), name + ": " + found.json());
            assertEquals(id, found.list().getJSONObject(0).getString("user_id"));
        }
        assertEquals(0, call(duo, "GET", "/admin/v1/users", Map.of("username", "nobody")).list().length());
        assertEquals(id, call(duo, "GET", "/admin/v1/users", Map.of("email", "ANN.LEE@corp.test")).list()
            .getJSONObject(0).getString("user_id"));

        // Modify is a POST that changes only what it sends.
        Answer updated = call(duo, "POST", "/admin/v1/users/" + id, Map.of("realname", "Ann B. Lee", "alias3", "annb"));
        assertEquals(200, updated.status(), updated.json()::toString);
        assertEquals("Ann B. Lee", updated.response().getString("realname"));
        assertEquals("alee", updated.response().getString("alias1"), "kept");
        assertEquals("ann.lee@corp.test", realm.admin().users().get(id).toRepresentation().getEmail());

        // A group, a membership, a rename: the engine's managed group (rule 6).
        Answer group = call(duo, "POST", "/admin/v1/groups", Map.of("name", "Eng", "desc", "Engineers"));
        assertEquals(200, group.status(), group.json()::toString);
        String gid = group.response().getString("group_id");
        assertEquals(200, call(duo, "POST", "/admin/v1/users/" + id + "/groups", Map.of("group_id", gid)).status());
        Answer members = call(duo, "GET", "/admin/v2/groups/" + gid + "/users", Map.of());
        assertEquals(id, members.list().getJSONObject(0).getString("user_id"));
        Answer renamed = call(duo, "POST", "/admin/v1/groups/" + gid, Map.of("name", "Engineering"));
        assertEquals("Engineering", renamed.response().getString("name"));
        GroupRepresentation kcGroup = realm.admin().groups().group(gid).toRepresentation();
        assertEquals("Engineering from Duo Admin API Sync \"Corp Duo\"", kcGroup.getName());
        assertEquals("Engineers", kcGroup.getDescription());
        assertEquals("Engineering", call(duo, "GET", "/admin/v1/users/" + id + "/groups", Map.of()).list()
            .getJSONObject(0).getString("name"));
        assertEquals("Engineering", call(duo, "GET", "/admin/v2/groups/" + gid, Map.of()).response().getString("name"));

        // bypass is rule 11's status, read back by the admin API.
        Answer bypass = call(duo, "POST", "/admin/v1/users/" + id, Map.of("status", "bypass"));
        assertEquals("bypass", bypass.response().getString("status"));
        assertEquals("bypass", dirsync.admin("GET", "/users/" + id, null).json().get("status").asText());

        // DELETE goes to the trash (rule 7) and the user is gone from the API's reads.
        int before = realm.admin().users().count();
        assertEquals(200, call(duo, "DELETE", "/admin/v1/users/" + id, Map.of()).status());
        assertFails(call(duo, "GET", "/admin/v1/users/" + id, Map.of()), 404, 40401);
        assertEquals(0, call(duo, "GET", "/admin/v1/users", Map.of("username", "ann.lee")).list().length());
        assertEquals("pending deletion", dirsync.admin("GET", "/users/" + id, null).json().get("status").asText());
        assertFalse(realm.admin().users().get(id).toRepresentation().isEnabled());
        assertEquals(before, (int) realm.admin().users().count(), "in the trash, not deleted");
        assertTrue(dirsync.admin("GET", "/trash", null).body().contains(id));

        // The admin API shows the host and the integration key, never the secret key.
        String rep = dirsync.admin("GET", "/directories/" + duo.id(), null).body();
        assertTrue(rep.contains(duo.ikey()) && rep.contains(HOST), rep);
        assertFalse(rep.contains(duo.skey()), rep);
    }

    @Test
    void pagingOver250UsersReturnsEachUserOnce() throws Exception {
        Duo duo = duoDirectory("Paged Duo", Map.of());
        int n = 260;
        for (int i = 0; i < n; i++) {
            assertEquals(200, call(duo, "POST", "/admin/v1/users", Map.of("username", "user" + i)).status());
        }
        Set<String> seen = new HashSet<>();
        Integer offset = 0;
        int pages = 0;
        while (offset != null) {
            Answer page = call(duo, "GET", "/admin/v1/users", Map.of("limit", "100", "offset", offset.toString()));
            JSONObject metadata = page.json().getJSONObject("metadata");
            assertEquals(n, metadata.getInt("total_objects"));
            for (Object u : page.list()) {
                assertTrue(seen.add(((JSONObject) u).getString("user_id")), "each user once");
            }
            offset = metadata.has("next_offset") ? metadata.getInt("next_offset") : null;
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(n, seen.size());
        // A limit above 300 is 300 (Duo's limit is a request), the default is 100.
        Answer big = call(duo, "GET", "/admin/v1/users", Map.of("limit", "1000"));
        assertEquals(300 < n ? 300 : n, big.list().length());
        assertEquals(100, call(duo, "GET", "/admin/v1/users", Map.of()).list().length());
    }

    /**
     * PingOne's Duo connection (seed 003): its attributes {@code username, email, phones, enabled, realname, userType}
     * as parameters of Duo's user create and modify, read back with {@code username=}; here signed with v2 and
     * form-encoded, which the client also sends. Its Test Connection is answered by {@code /info/summary} and
     * {@code /settings}.
     */
    @Test
    void pingOnesAttributesMapOntoTheUserAndUserTypeAdminGrantsTheConfiguredRole() throws Exception {
        Duo duo = duoDirectory("PingOne Duo", Map.of("adminRole", "user-manager"));
        assertEquals(200, call(duo.ikey(), duo.skey(), "GET", "/admin/v1/info/summary", Map.of(), 2).status());
        assertEquals(200, call(duo.ikey(), duo.skey(), "GET", "/admin/v1/settings", Map.of(), 2).status());
        Answer created = call(duo.ikey(), duo.skey(), "POST", "/admin/v1/users", Map.of("username", "pat", "email",
            "pat@corp.test", "phones", "+15555550100", "enabled", "true", "realname", "Pat Doe", "userType", "admin"), 2);
        assertEquals(200, created.status(), created.json()::toString);
        String id = created.response().getString("user_id");
        assertEquals("+15555550100", created.response().getJSONArray("phones").getJSONObject(0).getString("number"));
        UserRepresentation pat = realm.admin().users().get(id).toRepresentation();
        assertEquals("pat@corp.test", pat.getEmail());
        assertEquals("+15555550100", pat.firstAttribute("phoneNumber"));
        assertEquals("Pat Doe", pat.firstAttribute("displayName"));
        assertTrue(realmRoles(id).contains("dirsync-admin-user-manager"), realmRoles(id)::toString);

        Answer read = call(duo.ikey(), duo.skey(), "GET", "/admin/v1/users", Map.of("username", "pat"), 2);
        assertEquals(id, read.list().getJSONObject(0).getString("user_id"));

        Answer disabled = call(duo.ikey(), duo.skey(), "POST", "/admin/v1/users/" + id,
            Map.of("enabled", "false", "userType", "user"), 2);
        assertEquals("disabled", disabled.response().getString("status"));
        assertFalse(realmRoles(id).contains("dirsync-admin-user-manager"), "userType=user revokes the role");
        assertFalse(realm.admin().users().get(id).toRepresentation().isEnabled());

        Answer refused = call(duo.ikey(), duo.skey(), "POST", "/admin/v1/users", Map.of("username", "sam",
            "userType", "superuser"), 2);
        assertFails(refused, 400, 40002);
        assertTrue(refused.json().getString("message_detail").startsWith("userType"), refused.json()::toString);
        assertEquals(0, call(duo, "GET", "/admin/v1/users", Map.of("username", "sam")).list().length());
    }

    private List<String> realmRoles(String userId) {
        return realm.admin().users().get(userId).roles().realmLevel().listAll().stream().map(r -> r.getName()).toList();
    }

    @Test
    void badSignaturesStaleDatesTamperedBodiesWrongKeysAndReplaysGet401AndWriteNothing() throws Exception {
        Duo duo = duoDirectory("Signed Duo", Map.of());
        Duo other = new Duo(duo.id(), duo.name(), duo.ikey(), duo.skey());
        int users = realm.admin().users().count();
        Map<String, String> eve = Map.of("username", "eve");

        assertFails(call(duo.ikey(), "x".repeat(40), "POST", "/admin/v1/users", eve, 5), 401, 40103);
        assertFails(call(duo.ikey(), "x".repeat(40), "POST", "/admin/v1/users", eve, 2), 401, 40103);
        assertFails(call("DIAAAAAAAAAAAAAAAAAA", other.skey(), "POST", "/admin/v1/users", eve, 5), 401, 40103);
        proxy.tamperNext(body -> new String(body, StandardCharsets.UTF_8).replace("\"eve\"", "\"mallory\"")
            .getBytes(StandardCharsets.UTF_8));
        assertFails(call(duo, "POST", "/admin/v1/users", eve), 401, 40103);
        timeOffSet.set(10 * 60); // Keycloak's clock 10 minutes ahead of the client's Date
        assertFails(call(duo, "POST", "/admin/v1/users", eve), 401, 40103);
        timeOffSet.set(0);
        assertEquals(users, (int) realm.admin().users().count(), "nothing written");

        // A good request once; the same bytes again are a replay.
        assertEquals(200, call(duo, "POST", "/admin/v1/users", Map.of("username", "joe")).status());
        DuoTlsProxy.Answer replayed = proxy.replayLast();
        assertEquals(401, replayed.status(), replayed::toString);
        assertEquals(40103, new JSONObject(replayed.body()).getInt("code"));
        assertEquals(users + 1, (int) realm.admin().users().count());

        // Regenerated keys: the old pair stops at once.
        var regenerated = dirsync.admin("POST", "/directories/" + duo.id() + "/token", null);
        assertEquals(200, regenerated.status(), regenerated::toString);
        assertFails(call(duo, "GET", "/admin/v1/users", Map.of()), 401, 40103);
        assertEquals(200, call(regenerated.json().get("integrationKey").asText(), regenerated.json().get("secretKey").asText(),
            "GET", "/admin/v1/users", Map.of(), 5).status());
    }

    @Test
    void malformedParametersGet400NamingTheParameter() throws Exception {
        Duo duo = duoDirectory("Strict Duo", Map.of());
        Map<String, Map<String, String>> bad = new LinkedHashMap<>();
        bad.put("limit", Map.of("limit", "abc"));
        bad.put("offset", Map.of("offset", "-1"));
        bad.put("username_list", Map.of("username_list", "not json"));
        for (var e : bad.entrySet()) {
            Answer a = call(duo, "GET", "/admin/v1/users", e.getValue());
            assertFails(a, 400, 40002);
            assertTrue(a.json().getString("message_detail").startsWith(e.getKey()), a.json()::toString);
        }
        Map<String, Map<String, String>> badCreate = new LinkedHashMap<>();
        badCreate.put("status", Map.of("username", "a", "status", "foo"));
        badCreate.put("alias9", Map.of("username", "a", "alias9", "x"));
        badCreate.put("custom_attributes.team", Map.of("username", "a", "custom_attributes.team", "x"));
        badCreate.put("email", Map.of("username", "a", "email", "not an address"));
        for (var e : badCreate.entrySet()) {
            Answer a = call(duo, "POST", "/admin/v1/users", e.getValue());
            assertFails(a, 400, 40002);
            assertTrue(a.json().getString("message_detail").startsWith(e.getKey()), a.json()::toString);
        }
        Answer missing = call(duo, "POST", "/admin/v1/users", Map.of("realname", "No Name"));
        assertFails(missing, 400, 40001);
        assertEquals("username", missing.json().getString("message_detail"));
        assertFails(call(duo, "GET", "/admin/v1/users/00000000-0000-0000-0000-000000000000", Map.of()), 404, 40401);
        assertEquals(0, call(duo, "GET", "/admin/v1/users", Map.of()).json().getJSONObject("metadata").getInt("total_objects"));

        // Parameters Duo does not know are ignored, as Duo ignores them (DuoUsers#merge), and not stored.
        Answer extra = call(duo, "POST", "/admin/v1/users", Map.of("username", "extra", "job_title", "Engineer",
            "endpoint_verification", "true"));
        assertEquals(200, extra.status(), extra.json()::toString);
        assertFalse(extra.response().has("job_title"), extra.json()::toString);
        UserRepresentation kc = realm.admin().users().get(extra.response().getString("user_id")).toRepresentation();
        assertTrue(kc.getAttributes() == null || !kc.getAttributes().containsKey("job_title"),
            () -> String.valueOf(kc.getAttributes()));
        Answer sorted = call(duo, "GET", "/admin/v1/users", Map.of("username", "extra", "sort", "x"));
        assertEquals(200, sorted.status(), sorted.json()::toString);
        assertEquals(1, sorted.list().length());
    }

    @Test
    void aUserOwnedByAScimDirectoryIsRefusedWithTheOwnershipErrorInDuosEnvelope() throws Exception {
        DirSync.ScimDirectory scim = dirsync.scimDirectory("Corp Okta");
        assertEquals(201, scim.scim("POST", "/Users", DirSync.scimUser("shared", "Sha", "Red", "shared@corp.test")).status());
        Duo duo = duoDirectory("Duo B", Map.of());
        Answer refused = call(duo, "POST", "/admin/v1/users", Map.of("username", "shared", "realname", "Other"));
        assertEquals(400, refused.status(), refused.json()::toString);
        assertEquals("FAIL", refused.json().getString("stat"));
        assertTrue(refused.json().getString("message").contains(
            "Cannot sync a user belonging to another directory sync unless that sync is paused"), refused.json()::toString);
        UserRepresentation shared = realm.admin().users().search("shared", true).get(0);
        assertNull(shared.firstAttribute("displayName"), "nothing written by directory B");
    }
}
