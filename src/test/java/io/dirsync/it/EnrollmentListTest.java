package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * The pending-enrollments list as the console's Pending Enrollments page reads it (issue 12): search and directory
 * filter with the count of what matches, LIKE wildcards taken literally, and ids of another realm not found by any of
 * the page's actions. (Sending, reminders, Resend and Delete themselves: {@link EnrollmentTest}.)
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EnrollmentListTest extends DirSyncIntegrationTest {

    @InjectRealm(ref = "elsewhere", lifecycle = LifeCycle.METHOD)
    ManagedRealm elsewhere;

    @Test
    void searchAndDirectoryFilterCountWhatMatchesAndAnotherRealmsIdsAreNotFound() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        DirSync.ScimDirectory entra = dirsync.scimDirectory("Entra", Map.of("enrollmentEmails", true));
        push(okta, "ann_lee", "ann.lee@corp.test");
        push(okta, "annxlee", "ann%x@corp.test");
        push(okta, "bob", "bob@corp.test");
        push(entra, "anne.b", "anne@other.test");
        waitUntil(() -> list("").get("count").asInt() == 4, 30);

        assertEquals(List.of("ann_lee", "annxlee", "bob", "anne.b"), names(list("")), "queued first, listed first");
        assertEquals(List.of("ann_lee", "annxlee", "anne.b"), names(list("?search=ANN")));
        assertEquals(3, list("?search=ann").get("count").asInt(), "count is of the filtered set");
        assertEquals(List.of("anne.b"), names(list("?search=other.test")), "e-mail contains");
        assertEquals(List.of("ann_lee"), names(list("?search=ann_")), "_ is a character, not a wildcard");
        assertEquals(List.of("annxlee"), names(list("?search=%25")), "% is a character, not a wildcard");
        assertEquals(List.of("ann_lee", "annxlee"), names(list("?directory=" + okta.id() + "&search=ann")));
        assertEquals(2, list("?directory=" + okta.id() + "&search=ann").get("count").asInt());
        assertEquals(List.of("bob"), names(list("?directory=" + okta.id() + "&first=2&max=5")));
        assertEquals(3, list("?directory=" + okta.id() + "&first=2&max=5").get("count").asInt());
        Http.Result tooLong = dirsync.admin("GET", "/enrollments?search=" + "x".repeat(256), null);
        assertEquals(400, tooLong.status(), tooLong::toString);

        DirSync there = new DirSync(admin, elsewhere, urls.getBase());
        DirSync.ScimDirectory foreign = there.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        push(foreign, "ann_lee", "ann.lee@corp.test");
        waitUntil(() -> there.admin("GET", "/enrollments", null).json().get("count").asInt() == 1, 30);
        String foreignId = there.admin("GET", "/enrollments", null).json().at("/enrollments/0/id").asText();
        assertEquals(404, dirsync.admin("POST", "/enrollments/" + foreignId + "/resend", null).status());
        assertEquals(404, dirsync.admin("DELETE", "/enrollments/" + foreignId, null).status());
        assertEquals(404, dirsync.admin("GET", "/enrollments?directory=" + foreign.id(), null).status());
        assertEquals(404, dirsync.admin("POST", "/enrollments/resend-all?directory=" + foreign.id(), null).status());
        assertEquals(1, there.admin("GET", "/enrollments", null).json().get("count").asInt(), "left as it was");
        assertTrue(names(list("")).size() == 4, "our realm lists only its own");
    }

    private static void push(DirSync.ScimDirectory directory, String username, String email) {
        Http.Result created = directory.scim("POST", "/Users", DirSync.scimUser(username, "Given", "Family", email));
        assertEquals(201, created.status(), created::toString);
    }

    private JsonNode list(String query) {
        Http.Result r = dirsync.admin("GET", "/enrollments" + query, null);
        assertEquals(200, r.status(), () -> query + ": " + r);
        return r.json();
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("enrollments").forEach(e -> names.add(e.get("username").asText()));
        return names;
    }
}
