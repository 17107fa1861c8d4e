package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * The trash as the console's Trash page reads and changes it (issue 12): search and directory filter with the count of
 * what matches, LIKE wildcards taken literally, pages that never overlap, and the bulk restore and delete that do each
 * user in its own transaction and report each one. Ids of another realm are not found.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class TrashListTest extends DirSyncIntegrationTest {

    @InjectRealm(ref = "elsewhere", lifecycle = LifeCycle.METHOD)
    ManagedRealm elsewhere;

    @Test
    void searchAndDirectoryFilterPageTheTrashAndCountWhatMatches() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        DirSync.ScimDirectory entra = dirsync.scimDirectory("Entra");
        String annLee = trashed(okta, "ann_lee", "ann.lee@corp.test");
        String annX = trashed(okta, "annxlee", "ann%x@corp.test");
        String bob = trashed(okta, "bob", "bob@corp.test");
        String anne = trashed(entra, "ANNE.B", "anne@other.test");
        assertEquals(201, entra.scim("POST", "/Users", DirSync.scimUser("carl", "C", "C", "ann.carl@corp.test")).status(),
            "carl stays active: never listed");

        JsonNode all = trash("");
        assertEquals(4, all.get("count").asInt(), all::toString);
        assertEquals(List.of(annLee, annX, bob, anne), ids(all), "the soonest deletion first");
        JsonNode first = all.at("/users/0");
        assertEquals("ann_lee", first.get("username").asText());
        assertEquals("ann.lee@corp.test", first.get("email").asText());
        assertEquals(okta.id(), first.get("directoryId").asText());
        assertEquals("Okta", first.get("directoryName").asText());
        assertTrue(first.get("reason").asText().contains("deactivated"), first::toString);
        assertEquals("Entra", all.at("/users/3/directoryName").asText());

        assertEquals(List.of(annLee, annX, anne), ids(trash("?search=ANN")), "username contains, ignoring case");
        assertEquals(3, trash("?search=ann").get("count").asInt(), "count is of the filtered set");
        assertEquals(List.of(anne), ids(trash("?search=other.test")), "e-mail contains");
        assertEquals(List.of(annLee), ids(trash("?search=ann_")), "_ is a character, not a wildcard");
        assertEquals(List.of(annX), ids(trash("?search=%25")), "% is a character, not a wildcard");
        assertEquals(0, trash("?search=" + enc("\\")).get("count").asInt(), "a backslash is a character too");
        assertEquals(List.of(annLee), ids(trash("?search=" + enc("  ann_l  "))), "trimmed");

        assertEquals(List.of(annLee, annX, bob), ids(trash("?directory=" + okta.id())));
        assertEquals(3, trash("?directory=" + okta.id()).get("count").asInt());
        assertEquals(List.of(annLee, annX), ids(trash("?directory=" + okta.id() + "&search=ann")));
        assertEquals(2, trash("?directory=" + okta.id() + "&search=ann").get("count").asInt());
        assertEquals(List.of(anne), ids(trash("?directory=" + entra.id())));

        List<String> paged = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            JsonNode page = trash("?first=" + i + "&max=1");
            assertEquals(4, page.get("count").asInt(), "every page has the whole count");
            paged.addAll(ids(page));
        }
        assertEquals(ids(all), paged, "pages never overlap nor skip");
        assertEquals(List.of(bob), ids(trash("?directory=" + okta.id() + "&first=2&max=10")));
        assertEquals(List.of(), ids(trash("?first=10&max=10")));
        assertEquals(4, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt(), "the badge counts all");

        Http.Result unknown = dirsync.admin("GET", "/trash?directory=nope", null);
        assertEquals(404, unknown.status(), unknown::toString);
        assertTrue(unknown.body().contains("nope"), unknown::toString);
        DirSync.ScimDirectory foreign = new DirSync(admin, elsewhere, urls.getBase()).scimDirectory("Okta");
        assertEquals(404, dirsync.admin("GET", "/trash?directory=" + foreign.id(), null).status(),
            "a directory of another realm is not found");
        Http.Result tooLong = dirsync.admin("GET", "/trash?search=" + "x".repeat(256), null);
        assertEquals(400, tooLong.status(), tooLong::toString);
        assertTrue(tooLong.body().contains("at most 255"), tooLong::toString);
    }

    @Test
    void bulkRestoreAndDeleteDoEachUserAloneReportEachAndAuditEach() throws Exception {
        RealmRepresentation events = realm.admin().toRepresentation();
        events.setAdminEventsEnabled(true);
        events.setAdminEventsDetailsEnabled(true);
        realm.admin().update(events);
        DirSync.ScimDirectory paused = dirsync.scimDirectory("Paused Okta");
        DirSync.ScimDirectory active = dirsync.scimDirectory("Active Okta");
        String a = trashed(paused, "amy", "amy@corp.test");
        String b = trashed(paused, "ben", "ben@corp.test");
        String c = trashed(active, "cal", "cal@corp.test");
        String stayer = DirSync.id(paused.scim("POST", "/Users", DirSync.scimUser("stu", "S", "T", "stu@corp.test")));
        assertEquals(200, dirsync.admin("POST", "/directories/" + paused.id() + "/pause", null).status());
        DirSync.ScimDirectory foreign = new DirSync(admin, elsewhere, urls.getBase()).scimDirectory("Okta");
        String foreignUser = trashed(foreign, "amy", "amy@corp.test");

        Http.Result restored = dirsync.admin("POST", "/trash/restore",
            Map.of("userIds", List.of(a, b, c, stayer, foreignUser, "nope", a)));
        assertEquals(200, restored.status(), restored::toString);
        assertEquals(List.of(a, b), texts(restored.json().get("succeeded")), "each id once");
        Map<String, Integer> failed = failures(restored.json());
        assertEquals(Map.of(c, 409, stayer, 404, foreignUser, 404, "nope", 404), failed, restored::toString);
        assertTrue(restored.body().contains("active directory"), "says why: " + restored);
        assertTrue(realm.admin().users().get(a).toRepresentation().isEnabled());
        assertTrue(realm.admin().users().get(b).toRepresentation().isEnabled());
        assertEquals(List.of(c), ids(trash("")), "the refused user is left as it was");
        assertFalse(realm.admin().users().get(c).toRepresentation().isEnabled());
        assertFalse(elsewhere.admin().users().get(foreignUser).toRepresentation().isEnabled(),
            "another realm's user is untouched");

        Http.Result deleted = dirsync.admin("POST", "/trash/delete", Map.of("userIds", List.of(c, stayer, foreignUser)));
        assertEquals(200, deleted.status(), deleted::toString);
        assertEquals(List.of(c), texts(deleted.json().get("succeeded")));
        assertEquals(Map.of(stayer, 404, foreignUser, 404), failures(deleted.json()));
        assertEquals(404, Http.send("GET", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + c,
            dirsync.adminBearer(), null).status(), "deleted for good");
        assertEquals(0, trash("").get("count").asInt());
        assertTrue(realm.admin().users().get(stayer).toRepresentation().isEnabled(), "a user not in the trash stays");
        assertEquals(1, new DirSync(admin, elsewhere, urls.getBase()).admin("GET", "/trash/count", null).json()
            .get("count").asInt(), "another realm's trash is untouched");

        List<String> audit = realm.admin().getAdminEvents().stream()
            .filter(e -> e.getResourcePath() != null && e.getResourcePath().startsWith("dirsync/trash/"))
            .map(e -> e.getOperationType() + " " + e.getResourcePath()).sorted().toList();
        assertEquals(List.of("ACTION dirsync/trash/" + a + "/restore", "ACTION dirsync/trash/" + b + "/restore",
            "DELETE dirsync/trash/" + c).stream().sorted().toList(), audit, "one admin event per user done");

        for (Object bad : List.of(Map.of(), Map.of("userIds", List.of()), Map.of("userIds", List.of(1)),
            Map.of("userIds", "x"), Map.of("userIds", List.of(" ")))) {
            Http.Result refused = dirsync.admin("POST", "/trash/restore", bad);
            assertEquals(400, refused.status(), bad + ": " + refused);
        }
        Http.Result tooMany = dirsync.admin("POST", "/trash/delete",
            Map.of("userIds", IntStream.range(0, 501).mapToObj(i -> "id" + i).toList()));
        assertEquals(400, tooMany.status(), tooMany::toString);
        assertTrue(tooMany.body().contains("At most 500"), tooMany::toString);
    }

    @Test
    void anAdminWhoOnlyViewsUsersReadsTheTrashAndChangesNothing() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        String amy = trashed(okta, "amy", "amy@corp.test");
        assertEquals(200, dirsync.admin("POST", "/directories/" + okta.id() + "/pause", null).status());
        String viewer = localUser("viewer");
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue("Viewer-Pass-123");
        password.setTemporary(false);
        realm.admin().users().get(viewer).resetPassword(password);
        String rm = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation viewUsers = realm.admin().clients().get(rm).roles().get("view-users").toRepresentation();
        realm.admin().users().get(viewer).roles().clientLevel(rm).add(List.of(viewUsers));
        Http.Result token = Http.form(urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token",
            Map.of("grant_type", "password", "client_id", "admin-cli", "username", "viewer", "password", "Viewer-Pass-123"));
        assertEquals(200, token.status(), token::toString);
        String bearer = "Bearer " + token.json().get("access_token").asText();

        Http.Result read = Http.send("GET", dirsync.adminUrl("/trash?search=am"), bearer, null);
        assertEquals(200, read.status(), read::toString);
        assertEquals(List.of(amy), ids(read.json()));
        for (String path : List.of("/trash/restore", "/trash/delete")) {
            Http.Result refused = Http.send("POST", dirsync.adminUrl(path), bearer, Map.of("userIds", List.of(amy)));
            assertEquals(403, refused.status(), path + ": " + refused);
        }
        assertEquals(1, trash("").get("count").asInt(), "nothing changed");
    }

    // ------------------------------------------------------------------ helpers

    /** A user pushed to the directory, then deactivated by the SCIM client (Okta's PATCH): in the trash; its id. */
    static String trashed(DirSync.ScimDirectory directory, String username, String email) {
        Http.Result created = directory.scim("POST", "/Users", DirSync.scimUser(username, "Given", "Family", email));
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);
        Http.Result off = directory.scim("PATCH", "/Users/" + id,
            ScimLifecycleTest.patch(Map.of("op", "replace", "value", Map.of("active", false))));
        assertEquals(204, off.status(), off::toString);
        return id;
    }

    private JsonNode trash(String query) {
        Http.Result r = dirsync.admin("GET", "/trash" + query, null);
        assertEquals(200, r.status(), () -> query + ": " + r);
        return r.json();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("users").forEach(u -> ids.add(u.get("userId").asText()));
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static Map<String, Integer> failures(JsonNode result) {
        Map<String, Integer> failed = new LinkedHashMap<>();
        result.get("failed").forEach(f -> failed.put(f.get("userId").asText(), f.get("status").asInt()));
        return failed;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
