package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.ws.rs.core.Response;

import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.ldap.ServerStatistics;
import io.dirsync.storage.DirSyncStore;

/**
 * Issue 16: what a push request about users costs the database before it changes anything, counted on the server
 * (Hibernate's statistics) with Keycloak's user cache emptied, so that every read goes to the database. A request
 * about one user (SCIM GET, PUT, PATCH, DELETE; Duo's user calls) reads the managed row, Keycloak's row of the user, its
 * attributes and its status row (or that it has none) in one statement, where it made four; the members a group PATCH
 * names come with their Keycloak rows in one statement, and the engine's membership change then reads neither again.
 * What the status read must not hide, and which users a group's members are (its direct ones), are shown here too.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class RequestReadsTest extends DirSyncIntegrationTest {

    @InjectRunOnServer(permittedPackages = {"io.dirsync.it", "io.dirsync.ldap"})
    RunOnServerClient onServer;

    @Test
    void aUsersRequestReadsItsRowsInOneStatementAndAGroupsNewMembersInAnother() {
        // nickName → alias1: the users have a stored Keycloak attribute, which the request's statement must bring too
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Reads Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1"))));
        String ann = push(okta, "reads-ann");
        String ben = push(okta, "reads-ben");
        String cat = push(okta, "reads-cat");
        String realmName = realm.getName();
        String directoryId = okta.id();

        assertEquals("one user: statements 1, members: statements 1 (reads-ann, Ann, alias1 nick-reads-ann, no status;"
            + " reads-ann, reads-ben); disabled in the same request: disabled, enabled false",
            onServer.fetchString(s -> reads(s, realmName, directoryId, ann, ben, cat)));
    }

    /**
     * The status row comes with the request's read, and so does its absence: a status an admin set is still obeyed by
     * the next source update, and one set in the same request (Duo's {@code status}) after the read is not hidden by it.
     */
    @Test
    void theStatusReadWithTheUserIsTheOneObeyed() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Status Okta");
        String dan = push(okta, "status-dan");
        Http.Result set = dirsync.admin("PUT", "/users/" + dan + "/status", Map.of("status", "disabled"));
        assertEquals(200, set.status(), set::toString);

        Map<String, Object> update = new HashMap<>(DirSync.scimUser("status-dan", "Dan", "Changed",
            "status-dan@corp.test"));
        Http.Result put = okta.scim("PUT", "/Users/" + dan, update);
        assertEquals(200, put.status(), put::toString);
        assertEquals("Changed", realm.admin().users().get(dan).toRepresentation().getLastName(), "the PUT applied");
        assertEquals(false, realm.admin().users().get(dan).toRepresentation().isEnabled(),
            "an admin's disabled status outlives the source's active user");
        assertEquals("disabled", dirsync.admin("GET", "/users/" + dan, null).json().get("status").asText());
    }

    /**
     * A group's members are its direct members, as the group's read lists them: a user already in a subgroup of a
     * directory's group becomes a member of the group itself when the client adds it (Keycloak's {@code isMemberOf},
     * asked before, counts subgroups and made that add a silent no-op), and removing it from the group leaves its
     * subgroup membership alone; removing a user who is only in the subgroup changes nothing, not even the version.
     */
    @Test
    void aGroupsMembersAreItsDirectMembers() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Members Okta");
        String eve = push(okta, "members-eve");
        String fay = push(okta, "members-fay");
        Http.Result created = okta.scim("POST", "/Groups", Map.of("schemas",
            List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", "Members Parent"));
        assertEquals(201, created.status(), created::toString);
        String parent = DirSync.id(created);
        GroupRepresentation child = new GroupRepresentation();
        child.setName("Members Child");
        String childId;
        try (Response r = realm.admin().groups().group(parent).subGroup(child)) {
            assertEquals(201, r.getStatus(), "an admin's subgroup under the directory's group");
            String location = r.getLocation().toString();
            childId = location.substring(location.lastIndexOf('/') + 1);
        }
        realm.admin().users().get(eve).joinGroup(childId);
        realm.admin().users().get(fay).joinGroup(childId);

        assertEquals(204, members(okta, parent, "add", eve).status());
        assertEquals(Set.of(eve), members(okta, parent), "eve, in the subgroup, is now a member of the group itself");
        assertEquals(204, members(okta, parent, "remove", eve).status());
        assertEquals(Set.of(), members(okta, parent));
        assertEquals(Set.of("Members Child"), groupNames(eve), "its subgroup membership stays");

        String version = okta.scim("GET", "/Groups/" + parent, null).json().path("meta").path("version").asText();
        assertEquals(204, members(okta, parent, "remove", fay).status(), "fay is only in the subgroup");
        assertEquals(version, okta.scim("GET", "/Groups/" + parent, null).json().path("meta").path("version").asText(),
            "nothing changed, so the group's version did not either");
        assertEquals(Set.of("Members Child"), groupNames(fay));
    }

    private static Http.Result members(DirSync.ScimDirectory directory, String groupId, String op, String userId) {
        Map<String, Object> operation = "add".equals(op)
            ? Map.of("op", "add", "path", "members", "value", List.of(Map.of("value", userId)))
            : Map.of("op", "remove", "path", "members[value eq \"" + userId + "\"]");
        return directory.scim("PATCH", "/Groups/" + groupId, Map.of("schemas",
            List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations", List.of(operation)));
    }

    private Set<String> groupNames(String userId) {
        Set<String> names = new HashSet<>();
        realm.admin().users().get(userId).groups().forEach(g -> names.add(g.getName()));
        return names;
    }

    private static Set<String> members(DirSync.ScimDirectory directory, String groupId) {
        Http.Result group = directory.scim("GET", "/Groups/" + groupId, null);
        assertEquals(200, group.status(), group::toString);
        Set<String> ids = new HashSet<>();
        group.json().path("members").forEach(m -> ids.add(m.get("value").asText()));
        return ids;
    }

    private static String reads(KeycloakSession session, String realmName, String directoryId, String ann, String ben,
                                String warmUp) {
        RealmModel realm = session.realms().getRealmByName(realmName);
        session.getContext().setRealm(realm);
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        Directory directory = engine.directories().get(realm, directoryId).orElseThrow();
        // Keycloak's one-time reads of a realm's first user look-up (its organizations) happen before the count.
        session.users().getUserById(realm, warmUp).getAttributes();
        Statistics stats = ServerStatistics.of(session);
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        stats.setStatisticsEnabled(true);
        try {
            // The counters are the server's: a background job's statement in the window would count too. It can only
            // add, so the least of three tries, each in a session of its own (Keycloak's user cache keeps the users a
            // session looked up), is the request's own count.
            long oneUser = Long.MAX_VALUE;
            long membersRead = Long.MAX_VALUE;
            String read = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                String[] counted = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                    s -> countReads(s, realmName, directoryId, ann, ben));
                oneUser = Math.min(oneUser, Long.parseLong(counted[0]));
                membersRead = Math.min(membersRead, Long.parseLong(counted[1]));
                read = counted[2];
            }

            // Duo's status parameter: set in the request that read the user without a status
            forget(session, em);
            UserModel target = engine.users().ownedForRequest(realm, directory, ann);
            engine.statuses().setForUser(realm, target, SubjectStatus.DISABLED);
            String disabled = engine.statuses().ownOf(target).id() + ", enabled " + target.isEnabled();
            return "one user: statements " + oneUser + ", members: statements " + membersRead + " (" + read
                + "); disabled in the same request: " + disabled;
        } finally {
            stats.setStatisticsEnabled(false);
        }
    }

    /** One try: the statements of one user's request reads, of a member change's reads, and what they read. */
    private static String[] countReads(KeycloakSession session, String realmName, String directoryId, String ann, String ben) {
        RealmModel realm = session.realms().getRealmByName(realmName);
        session.getContext().setRealm(realm);
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        Directory directory = engine.directories().get(realm, directoryId).orElseThrow();
        DirSyncStore store = engine.store();
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        Statistics stats = ServerStatistics.of(session);

        forget(session, em);
        UserModel user = engine.users().ownedForRequest(realm, directory, ann);
        // what a request reads next: Keycloak's look-up, the attributes, the engine's managed record, the status
        UserModel again = session.users().getUserById(realm, ann);
        String read = again.getUsername() + ", " + user.getFirstName() + ", alias1 " + user.getFirstAttribute("alias1");
        engine.users().managed(directory, ann).orElseThrow();
        read += store.userStatus(ann, store.managedUser(ann)) == null ? ", no status" : ", a status";
        long oneUser = stats.getPrepareStatementCount();

        forget(session, em);
        engine.users().managedWithKeycloakRows(List.of(ann, ben));
        // what the engine's changeMembers reads next
        store.managedUsers(List.of(ann, ben));
        store.prefetchKeycloakUsers(List.of(ann, ben));
        read += "; " + session.users().getUserById(realm, ann).getUsername() + ", "
            + session.users().getUserById(realm, ben).getUsername();
        return new String[] {String.valueOf(oneUser), String.valueOf(stats.getPrepareStatementCount()), read};
    }

    /** An empty persistence context and user cache, and counters at zero: the next reads go to the database. */
    private static void forget(KeycloakSession session, EntityManager em) {
        em.flush();
        em.clear();
        session.getProvider(UserCache.class).clear();
        ServerStatistics.of(session).clear();
    }

    private static String push(DirSync.ScimDirectory directory, String name) {
        Map<String, Object> body = new HashMap<>(DirSync.scimUser(name, "Ann", "Lee", name + "@corp.test"));
        body.put("nickName", "nick-" + name);
        Http.Result r = directory.scim("POST", "/Users", body);
        assertEquals(201, r.status(), r::toString);
        return DirSync.id(r);
    }
}
