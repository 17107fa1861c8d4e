package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;

/**
 * LDAP filter injection through every value a caller puts into an LDAP query, against the in-JVM server, which counts
 * the user entries it really sends: the single-user sync's username (a value, escaped by Keycloak's
 * {@code EqualCondition}), a synced group's DN (escaped by {@code LdapSettings.filterValue}), and the names and the
 * extra filter of the settings, which are written into filters as they are and so must be names and one balanced filter
 * (refused at save). The admin action's search text is shown in {@code LdapAdminActionsTest}.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class LdapFilterInjectionTest extends DirSyncIntegrationTest {

    TestDirectory ldap;

    @AfterEach
    void tearDown() {
        if (ldap != null) {
            ldap.close();
        }
    }

    int userCount(String id) {
        return dirsync.admin("GET", "/directories/" + id, null).json().get("userCount").asInt();
    }

    String createDirectory(String name, Map<String, Object> settings) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", name, "settings", settings));
        assertEquals(201, created.status(), created::toString);
        return created.json().get("id").asText();
    }

    @Test
    void aSingleUserSyncReadsNoOtherEntryWhateverTheUsernameHolds() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String solo = ldap.user("solo", "So", "Lo", "solo@example.org");
        String other = ldap.user("other", "Ot", "Her", "other@example.org");
        String staff = ldap.group("Staff", solo, other);
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(staff));
        String id = createDirectory("Injected LDAP", settings);
        ldap.personEntriesSent();
        for (String injected : List.of("*)(uid=*", "admin)(|(uid=*", "*", "solo)(uid=other", "other)(|(uid=*)", "s*",
                "solo\\29(uid=*")) {
            Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "user", "username", injected));
            assertTrue(r.status() < 500, r::toString);
            assertEquals(0, ldap.personEntriesSent(), injected + ": no entry read");
            assertEquals(0, userCount(id), injected + ": nobody imported");
        }
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "user", "username", "solo"));
        assertEquals(200, r.status(), r::toString);
        assertTrue(ldap.personEntriesSent() > 0, "the counter counts: the user was read");
        assertEquals(1, userCount(id));
    }

    @Test
    void aSyncedGroupsDnIsAValueInTheScopeFilter() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String solo = ldap.user("solo", "So", "Lo", "solo@example.org");
        ldap.group("Staff", solo);
        // A group named "*" with no members: unescaped, (memberOf=cn=*,ou=...) would be a substring filter matching the
        // members of every group beside it (solo, through Staff).
        String star = ldap.group("*");
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(star));
        String id = createDirectory("Star group", settings);
        ldap.personEntriesSent();
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "full"));
        assertEquals(200, r.status(), r::toString);
        assertEquals(0, ldap.personEntriesSent(), "no user read through the group's DN: " + r);
        assertEquals(0, userCount(id));
    }

    @Test
    void namesAndTheExtraFilterOfTheSettingsAreRefusedWhenTheyCouldWidenTheSearch() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        Map<String, Object> base = ldap.settings("uid");
        Map<String, Map<String, Object>> refused = new java.util.LinkedHashMap<>();
        refused.put("usernameAttribute", Map.of("usernameAttribute", "uid=*)(uid"));
        refused.put("emailAttribute", Map.of("emailAttribute", "mail)(objectClass=*"));
        refused.put("userObjectClasses", Map.of("userObjectClasses", "inetOrgPerson, *)(uid=*"));
        refused.put("mapping source", Map.of("mappings", List.of(Map.of("source", "title)(uid=*", "target", "jobTitle"))));
        refused.put("userFilter", Map.of("userFilter", "(title=x))(|(uid=*)"));
        refused.put("userFilter, unbalanced", Map.of("userFilter", "(title=x"));
        for (var e : refused.entrySet()) {
            Map<String, Object> s = new HashMap<>(base);
            s.putAll(e.getValue());
            Http.Result r = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", "Bad " + e.getKey(), "settings", s));
            assertEquals(400, r.status(), e.getKey() + ": " + r);
        }
        Map<String, Object> fine = new HashMap<>(base);
        fine.put("userFilter", "(&(objectClass=person)(!(title=contractor\\29)))");
        fine.put("mappings", List.of(Map.of("source", "telephoneNumber", "target", "phone"),
            Map.of("source", "jpegPhoto;binary", "target", "photo"), Map.of("source", "2.5.4.12", "target", "jobTitle")));
        assertEquals(201, dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", "Fine", "settings", fine)).status());
    }
}
