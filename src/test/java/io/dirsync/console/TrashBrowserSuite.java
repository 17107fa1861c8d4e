package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;

/**
 * The Trash and Pending Enrollments pages in a real browser (issue 12, items 4 and 5): each test seeds the realm over
 * SCIM and the admin API, runs a Playwright spec of admin-console/e2e, then checks on the server what the clicks did.
 * Run with {@code mvn -Pbrowser verify} (Debian's chromium).
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class TrashBrowserSuite extends BrowserSuiteBase {

    @InjectMailServer
    MailServer mail;

    @Test
    void theTrashPageFindsRestoresAndDeletesTrashedUsers() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta Trash");
        DirSync.ScimDirectory entra = dirsync.scimDirectory("Entra Trash");
        String leaver = trashed(okta, "leaver");
        String gone = trashed(okta, "gone");
        String bulk1 = trashed(okta, "bulk1");
        String bulk2 = trashed(okta, "bulk2");
        String kept = trashed(entra, "kept");
        // An admin restores users of a directory that no longer manages them actively (rule 7).
        assertEquals(200, dirsync.admin("POST", "/directories/" + okta.id() + "/pause", null).status());

        Map<String, Object> seed = seed();
        seed.put("leaverId", leaver);
        Browser.run("trash.spec.ts", urls.getBase(), seed);

        assertTrue(realm.admin().users().get(leaver).toRepresentation().isEnabled(), "restored and enabled");
        assertTrue(realm.admin().users().get(bulk1).toRepresentation().isEnabled());
        assertTrue(realm.admin().users().get(bulk2).toRepresentation().isEnabled());
        assertEquals(404, Http.send("GET", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + gone,
            dirsync.adminBearer(), null).status(), "deleted for good");
        JsonNode trash = dirsync.admin("GET", "/trash", null).json();
        assertEquals(1, trash.get("count").asInt(), trash::toString);
        assertEquals(kept, trash.at("/users/0/userId").asText());
    }

    @Test
    void thePendingEnrollmentsPageListsResendsAndDeletes() throws Exception {
        frontendUrl(urls.getBase());
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta Enrollments", Map.of("enrollmentEmails", true));
        for (String u : List.of("ann", "ben", "cy")) {
            assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser(u, "Given", "Family", u + "@corp.test")).status());
        }
        waitUntil(() -> mail.getReceivedMessages().length >= 3, 30);
        waitUntil(() -> {
            JsonNode pending = dirsync.admin("GET", "/enrollments", null).json().get("enrollments");
            boolean allSent = pending.size() == 3;
            for (JsonNode e : pending) {
                allSent &= e.hasNonNull("sentAt");
            }
            return allSent;
        }, 30);

        Browser.run("pending-enrollments.spec.ts", urls.getBase(), seed());

        // ann resent alone, then ann and cy by Resend all; ben deleted.
        waitUntil(() -> mail.getReceivedMessages().length >= 6, 30);
        assertEquals(6, mail.getReceivedMessages().length);
        JsonNode pending = dirsync.admin("GET", "/enrollments", null).json();
        assertEquals(2, pending.get("count").asInt(), pending::toString);
        assertFalse(pending.toString().contains("\"ben\""), pending::toString);
    }

    @Test
    void anAdminWhoOnlyViewsUsersSeesBothTablesAndNoActionButton() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta View", Map.of("enrollmentEmails", true));
        trashed(okta, "leaver");
        // No Frontend URL: nothing is sent, the enrollment stays pending with its error shown.
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("newbie", "N", "B", "newbie@corp.test")).status());
        waitUntil(() -> dirsync.admin("GET", "/enrollments", null).json().at("/enrollments/0").hasNonNull("lastError"), 30);
        String viewer = "viewer-" + UUID.randomUUID().toString().substring(0, 8);
        viewOnlyMasterAdmin(viewer, "Viewer-Pass-123");
        Map<String, Object> seed = seed();
        seed.put("viewerUser", viewer);
        seed.put("viewerPassword", "Viewer-Pass-123");
        Browser.run("trash-read-only.spec.ts", urls.getBase(), seed);
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    // ------------------------------------------------------------------ seeding

    /** A user pushed over SCIM and deactivated by the client (Okta's PATCH): it is in the trash; its id. */
    private static String trashed(DirSync.ScimDirectory directory, String username) {
        Http.Result created = directory.scim("POST", "/Users",
            DirSync.scimUser(username, "Given", "Family", username + "@corp.test"));
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);
        Http.Result off = directory.scim("PATCH", "/Users/" + id, Map.of(
            "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            "Operations", List.of(Map.of("op", "replace", "value", Map.of("active", false)))));
        assertEquals(204, off.status(), off::toString);
        return id;
    }

    private void frontendUrl(String url) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> attributes = rep.getAttributes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(rep.getAttributes());
        attributes.put("frontendUrl", url);
        rep.setAttributes(attributes);
        realm.admin().update(rep);
    }
}
