package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import io.dirsync.it.DirSyncIntegrationTest;

/**
 * What every console browser suite has: the admin theme selected where master-realm admins see it, the seed every
 * spec reads (realm, the admin to sign in as), and view-only master-realm admins, deleted after each test.
 * Subclasses carry {@code @KeycloakIntegrationTest(config = DirSyncServerConfig.class)} and call {@link Browser#run}.
 */
abstract class BrowserSuiteBase extends DirSyncIntegrationTest {

    /** The bootstrap admin of Keycloak's test framework (a master-realm admin). */
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin";

    private final List<String> masterUsers = new ArrayList<>();

    @BeforeEach
    void selectTheAdminTheme() {
        // A master-realm admin gets master's admin theme, whichever realm they manage.
        RealmRepresentation master = admin.realm("master").toRepresentation();
        if (!"dirsync".equals(master.getAdminTheme())) {
            master.setAdminTheme("dirsync");
            admin.realm("master").update(master);
        }
    }

    @AfterEach
    void deleteTheMasterUsers() {
        masterUsers.forEach(id -> admin.realm("master").users().delete(id).close());
        masterUsers.clear();
    }

    /** The seed of a spec (e2e/support.ts): the test realm and the master-realm admin who signs in. */
    protected Map<String, Object> seed() {
        Map<String, Object> seed = new HashMap<>();
        seed.put("realm", realm.getName());
        seed.put("adminUser", ADMIN);
        seed.put("adminPassword", ADMIN_PASSWORD);
        return seed;
    }

    /**
     * A master-realm user whose only role for the test realm is {@code view-users} (a client role of master's client
     * {@code <realm>-realm}, as a master admin delegates one realm); its id. Deleted after the test.
     */
    protected String viewOnlyMasterAdmin(String username, String password) {
        return masterAdmin(username, password, "view-users");
    }

    /**
     * A master-realm user whose only roles for the test realm are {@code roles} (client roles of master's client
     * {@code <realm>-realm}, e.g. {@code manage-realm}); its id. Deleted after the test.
     */
    protected String masterAdmin(String username, String password, String... roles) {
        UserRepresentation u = new UserRepresentation();
        u.setUsername(username);
        u.setFirstName("View");
        u.setLastName("Only");
        u.setEmail(username + "@corp.test");
        u.setEmailVerified(true);
        u.setEnabled(true);
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(password);
        c.setTemporary(false);
        u.setCredentials(List.of(c));
        String id;
        try (Response r = admin.realm("master").users().create(u)) {
            assertEquals(201, r.getStatus(), () -> "viewer not created: " + r.readEntity(String.class));
            String location = r.getLocation().toString();
            id = location.substring(location.lastIndexOf('/') + 1);
        }
        masterUsers.add(id);
        ClientRepresentation realmClient = admin.realm("master").clients().findByClientId(realm.getName() + "-realm").get(0);
        List<RoleRepresentation> granted = java.util.Arrays.stream(roles)
            .map(role -> admin.realm("master").clients().get(realmClient.getId()).roles().get(role).toRepresentation())
            .toList();
        admin.realm("master").users().get(id).roles().clientLevel(realmClient.getId()).add(granted);
        return id;
    }
}
