package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.UserSync;

/**
 * SPEC §2's rules on the engine itself, on the server, with no protocol in between: what every source type (SCIM, LDAP,
 * and the ones to come) gets, whatever its adapter does. Each step hands the engine a {@link SourceUser} as an adapter
 * would and reads back the outcome or the refusal.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EngineRulesTest extends DirSyncIntegrationTest {

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    @Test
    void rule1AUserBelongsToOneDirectoryUntilItsOwnerIsPaused() {
        String okta = dirsync.scimDirectory("Okta").id();
        String entra = dirsync.scimDirectory("Entra").id();
        assertEquals("created", apply(okta, "o-1", "dana", "dana@corp.test"));
        assertEquals("refused OWNERSHIP: " + SyncConflictException.OWNED_BY_ANOTHER_DIRECTORY,
            apply(entra, "e-1", "dana", "dana@corp.test"));
        assertEquals(200, dirsync.admin("POST", "/directories/" + okta + "/pause", null).status());
        assertEquals("adopted", apply(entra, "e-1", "dana", "dana@corp.test"), "taken over from the paused directory");
        assertEquals(entra, owner("dana"));
    }

    @Test
    void rule2AnUnmanagedUserIsAdoptedButAnAdministratorIsNot() {
        String okta = dirsync.scimDirectory("Okta").id();
        localUser("erin");
        assertEquals("adopted", apply(okta, "o-2", "erin", "erin@corp.test"));
        String adminId = localUser("boss");
        String realmManagement = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation manageUsers = realm.admin().clients().get(realmManagement).roles().get("manage-users").toRepresentation();
        realm.admin().users().get(adminId).roles().clientLevel(realmManagement).add(List.of(manageUsers));
        String refused = apply(okta, "o-3", "boss", "boss@corp.test");
        assertTrue(refused.startsWith("refused PRIVILEGED: "), refused);
        assertTrue(refused.contains("manage-users"), refused);
        assertEquals("", owner("boss"), "the administrator stays unmanaged");
    }

    @Test
    void rule3UsernamesAndAliasesAreUniqueAcrossTheRealm() {
        // A directory writes only what it maps: here an alias (from SCIM's nickName).
        String okta = dirsync.scimDirectory("Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1")))).id();
        Map<String, String> withAlias = new LinkedHashMap<>();
        withAlias.put("email", "fay@corp.test");
        withAlias.put("alias1", "fay.k");
        assertEquals("created", apply(okta, "o-4", "fay", withAlias));
        String refused = apply(okta, "o-5", "fay.k", Map.of("email", "other@corp.test"));
        assertTrue(refused.startsWith("refused UNIQUENESS: "), refused);
        assertTrue(refused.contains("fay.k"), refused);
    }

    @Test
    void rule7LeavingScopeTrashesAndComingBackRestores() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-6", "gus", "gus@corp.test"));
        assertEquals("trashed", apply(okta, "o-6", "gus", Map.of("email", "gus@corp.test"), false));
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
        assertEquals("restored", apply(okta, "o-6", "gus", Map.of("email", "gus@corp.test"), true));
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    @Test
    void rule5AUserWithoutAUsernameIsRefusedNamingTheAttribute() {
        String okta = dirsync.scimDirectory("Okta").id();
        String refused = apply(okta, "o-7", " ", Map.of("email", "nameless@corp.test"), true);
        assertTrue(refused.startsWith("refused INVALID: "), refused);
        assertTrue(refused.contains("userName"), refused);
    }

    private String apply(String directoryId, String externalId, String username, String email) {
        return apply(directoryId, externalId, username, Map.of("email", email), true);
    }

    private String apply(String directoryId, String externalId, String username, Map<String, String> attributes) {
        return apply(directoryId, externalId, username, attributes, true);
    }

    /** Applies a source record through the engine on the server: the outcome's id, or "refused KIND: message". */
    private String apply(String directoryId, String externalId, String username, Map<String, String> attributes,
                         boolean active) {
        String realmName = realm.getName();
        Map<String, String> attrs = new LinkedHashMap<>(attributes);
        return onServer.fetchString(session -> {
            RealmModel r = session.realms().getRealmByName(realmName);
            session.getContext().setRealm(r);
            DirectorySyncEngine engine = DirectorySyncEngine.of(session);
            Directory d = engine.directories().get(r, directoryId).orElseThrow();
            try {
                return engine.users().apply(r, d, new SourceUser(externalId, username, attrs, active),
                    UserSync.Mode.UPSERT, null).outcome().id();
            } catch (SyncConflictException e) {
                return "refused " + e.getKind() + ": " + e.getMessage();
            }
        });
    }

    /** The id of the directory that owns the user, or "" when none does. */
    private String owner(String username) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = session.realms().getRealmByName(realmName);
            session.getContext().setRealm(r);
            UserModel user = session.users().getUserByUsername(r, username);
            return DirectorySyncEngine.of(session).guards().ownerOf(user).map(Directory::id).orElse("");
        });
    }
}
