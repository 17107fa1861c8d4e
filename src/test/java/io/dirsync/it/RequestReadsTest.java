package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.storage.DirSyncStore;

/**
 * Issue 16: what a push request about users costs the database before it changes anything, counted on the server
 * (Hibernate's statistics) with Keycloak's user cache emptied, so that every read goes to the database. A request
 * about one user (SCIM GET, PUT, PATCH, DELETE; Duo's user calls) reads the managed row, Keycloak's row of the user and
 * its attributes in one statement, where it made three; the members a group PATCH names come with their Keycloak rows
 * in one statement, and the engine's membership change then reads neither again. The user's status row (or that it has
 * none) comes with the one user's read.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class RequestReadsTest extends DirSyncIntegrationTest {

    @InjectRunOnServer(permittedPackages = {"io.dirsync.it", "io.dirsync.ldap"})
    RunOnServerClient onServer;

    @Test
    void aUsersRequestReadsItsRowsInOneStatementAndAGroupsNewMembersInAnother() {
        // nickName → alias1: the users have a stored Keycloak attribute, which the request's statement must bring too
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Reads Okta", java.util.Map.of("mappings",
            List.of(java.util.Map.of("source", "nickName", "target", "alias1"))));
        String ann = push(okta, "reads-ann");
        String ben = push(okta, "reads-ben");
        String cat = push(okta, "reads-cat");
        String realmName = realm.getName();
        String directoryId = okta.id();

        assertEquals("one user: statements 1 (reads-ann, Ann, alias1 nick-reads-ann, no status), members: statements 1"
            + " (reads-ann, reads-ben); disabled in the same request: disabled, enabled false",
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
        Http.Result set = dirsync.admin("PUT", "/users/" + dan + "/status", java.util.Map.of("status", "disabled"));
        assertEquals(200, set.status(), set::toString);

        java.util.Map<String, Object> update = new java.util.HashMap<>(DirSync.scimUser("status-dan", "Dan", "Changed",
            "status-dan@corp.test"));
        Http.Result put = okta.scim("PUT", "/Users/" + dan, update);
        assertEquals(200, put.status(), put::toString);
        assertEquals("Changed", realm.admin().users().get(dan).toRepresentation().getLastName(), "the PUT applied");
        assertEquals(false, realm.admin().users().get(dan).toRepresentation().isEnabled(),
            "an admin's disabled status outlives the source's active user");
        assertEquals("disabled", dirsync.admin("GET", "/users/" + dan, null).json().get("status").asText());
    }

    private static String reads(KeycloakSession session, String realmName, String directoryId, String ann, String ben,
                                String warmUp) {
        RealmModel realm = session.realms().getRealmByName(realmName);
        session.getContext().setRealm(realm);
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        Directory directory = engine.directories().get(realm, directoryId).orElseThrow();
        // Keycloak's one-time reads of a realm's first user look-up (its organizations) happen before the count.
        session.users().getUserById(realm, warmUp).getAttributes();
        org.hibernate.stat.Statistics stats = io.dirsync.ldap.ServerStatistics.of(session);
        var em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        stats.setStatisticsEnabled(true);
        try {
            forget(session, em);
            UserModel user = engine.users().ownedForRequest(realm, directory, ann, true);
            // what a request reads next: Keycloak's look-up, the attributes, the engine's managed record
            UserModel again = session.users().getUserById(realm, ann);
            String read = again.getUsername() + ", " + user.getFirstName() + ", alias1 " + user.getFirstAttribute("alias1");
            engine.users().managed(directory, ann).orElseThrow();
            DirSyncStore store = engine.store();
            read += store.userStatus(ann, store.managedUser(ann)) == null ? ", no status" : ", a status";
            long oneUser = stats.getPrepareStatementCount();

            forget(session, em);
            engine.users().managedWithKeycloakRows(List.of(ann, ben));
            // what the engine's changeMembers reads next
            store.managedUsers(List.of(ann, ben));
            store.prefetchKeycloakUsers(List.of(ann, ben));
            String members = session.users().getUserById(realm, ann).getUsername() + ", "
                + session.users().getUserById(realm, ben).getUsername();
            long membersRead = stats.getPrepareStatementCount();

            // Duo's status parameter: set in the request that read the user without a status
            forget(session, em);
            UserModel target = engine.users().ownedForRequest(realm, directory, ann, true);
            engine.statuses().setForUser(realm, target, SubjectStatus.DISABLED);
            String disabled = engine.statuses().ownOf(target).id() + ", enabled " + target.isEnabled();
            return "one user: statements " + oneUser + " (" + read + "), members: statements " + membersRead + " (" + members
                + "); disabled in the same request: " + disabled;
        } finally {
            stats.setStatisticsEnabled(false);
        }
    }

    /** An empty persistence context and user cache, and counters at zero: the next reads go to the database. */
    private static void forget(KeycloakSession session, jakarta.persistence.EntityManager em) {
        em.flush();
        em.clear();
        session.getProvider(UserCache.class).clear();
        io.dirsync.ldap.ServerStatistics.of(session).clear();
    }

    private static String push(DirSync.ScimDirectory directory, String name) {
        java.util.Map<String, Object> body = new java.util.HashMap<>(DirSync.scimUser(name, "Ann", "Lee", name + "@corp.test"));
        body.put("nickName", "nick-" + name);
        Http.Result r = directory.scim("POST", "/Users", body);
        assertEquals(201, r.status(), r::toString);
        return DirSync.id(r);
    }
}
