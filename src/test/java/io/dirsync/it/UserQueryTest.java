package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.storage.Condition;
import io.dirsync.storage.Condition.Op;
import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.SortKey;
import io.dirsync.storage.UserQuery;

/**
 * Storage's search of a directory's users ({@link UserQuery}) on the server, with no SCIM filter in between: the
 * values of one element of a multi-valued attribute are matched together, and users without a value sort as the
 * greatest one.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class UserQueryTest extends DirSyncIntegrationTest {

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    @Test
    void oneElementMatchesAsAWholeAndUsersWithoutAValueSortAsTheGreatest() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        push(okta, "ann", "Zed", List.of(phone("work", "+44 1"), phone("mobile", "+1 555")));
        push(okta, "ben", null, List.of(phone("work", "+1 556"), phone("mobile", "+44 2")));
        push(okta, "cat", "Amy", List.of());
        String realmName = realm.getName();
        String directory = okta.id();

        assertEquals("ann", onServer.fetchString(s -> usernames(s, realmName, directory, mobileStartingWith("+1"), null, false)),
            "ben's +1 is on its work phone, not its mobile");
        assertEquals("ann,ben", onServer.fetchString(s -> usernames(s, realmName, directory,
            new Condition.DocumentValue("phonenumbers.value", Op.STARTS_WITH, "+1"), null, false)), "any element");
        assertEquals("ben,cat", onServer.fetchString(s -> usernames(s, realmName, directory,
            new Condition.Not(mobileStartingWith("+1")), null, false)));

        assertEquals("cat,ann,ben", onServer.fetchString(s -> usernames(s, realmName, directory, null, "title", false)));
        assertEquals("ben,ann,cat", onServer.fetchString(s -> usernames(s, realmName, directory, null, "title", true)));
    }

    private static Condition mobileStartingWith(String prefix) {
        return new Condition.SameElement("phonenumbers", new Condition.And(List.of(
            new Condition.DocumentValue("phonenumbers.type", Op.EQUAL, "mobile"),
            new Condition.DocumentValue("phonenumbers.value", Op.STARTS_WITH, prefix))));
    }

    /** The usernames of the users that meet {@code where}, in the query's order (after checking its count). */
    private static String usernames(KeycloakSession session, String realmName, String directoryId, Condition where,
                                    String sortPath, boolean descending) {
        RealmModel r = session.realms().getRealmByName(realmName);
        UserQuery users = new DirSyncStore(session).userQuery(r.getId(), directoryId);
        List<SortKey> sort = sortPath == null ? List.of() : List.of(new SortKey.ByDocumentValue(sortPath));
        List<String> ids = users.ids(where, sort, descending, 0, 50);
        if (users.count(where) != ids.size()) {
            throw new AssertionError("count " + users.count(where) + " for " + ids.size() + " users");
        }
        return ids.stream().map(id -> session.users().getUserById(r, id).getUsername()).collect(Collectors.joining(","));
    }

    private static Map<String, Object> phone(String type, String value) {
        return Map.of("type", type, "value", value);
    }

    private static void push(DirSync.ScimDirectory directory, String name, String title, List<Map<String, Object>> phones) {
        Map<String, Object> body = new HashMap<>(DirSync.scimUser(name, name, name, name + "@corp.test"));
        if (title != null) {
            body.put("title", title);
        }
        body.put("phoneNumbers", phones);
        Http.Result r = directory.scim("POST", "/Users", body);
        assertEquals(201, r.status(), r::toString);
    }
}
