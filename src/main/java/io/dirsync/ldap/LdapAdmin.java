package io.dirsync.ldap;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryType;
import io.dirsync.storage.ManagedGroupEntity;

/** What the admin API does for LDAP directories besides the engine's work: the Keycloak component behind them. */
public final class LdapAdmin {

    public static final String BIND_CREDENTIAL = "bindCredential";

    private LdapAdmin() {
    }

    /**
     * Takes the bind credential out of the settings (it is kept only in the Keycloak component, which masks it)
     * and checks what an LDAP directory needs. Returns the credential, or null when none was given.
     */
    public static String takeCredential(ObjectNode settings) {
        if (settings == null) {
            LdapSettings.validate(null);
            return null;
        }
        String credential = settings.hasNonNull(BIND_CREDENTIAL) ? settings.get(BIND_CREDENTIAL).asText() : null;
        settings.remove(BIND_CREDENTIAL);
        LdapSettings.validate(settings);
        return credential;
    }

    public static void created(KeycloakSession session, RealmModel realm, Directory directory, String credential) {
        if (directory.type() == DirectoryType.LDAP) {
            LdapDirectories.create(session, realm, directory, credential);
        }
    }

    /**
     * After new settings were saved: the component follows them, and a group taken out of the synced groups leaves
     * the directory as in rule 8 (its members in no other synced group go to the trash, the group is unmanaged).
     */
    public static void updated(KeycloakSession session, RealmModel realm, Directory directory, String credential) {
        if (directory.type() != DirectoryType.LDAP) {
            return;
        }
        LdapDirectories.update(session, realm, directory, credential);
        LdapSettings s = LdapSettings.of(directory);
        Set<String> synced = new HashSet<>();
        s.syncedGroups.forEach(dn -> synced.add(LdapSettings.normalise(dn)));
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        for (ManagedGroupEntity g : engine.store().managedGroups(directory.id())) {
            if (g.getExternalId() != null && !synced.contains(LdapSettings.normalise(g.getExternalId()))) {
                GroupModel group = realm.getGroupById(g.getGroupId());
                if (group != null) {
                    engine.removeGroupFromDirectory(realm, directory, group);
                }
            }
        }
    }

    /**
     * After the admin removed a managed group from an LDAP directory (rule 8): its DN leaves the synced groups too,
     * or the next sync would bring the group back.
     */
    public static void groupRemoved(KeycloakSession session, RealmModel realm, Directory directory, String groupDn) {
        if (directory.type() != DirectoryType.LDAP || groupDn == null) {
            return;
        }
        ObjectNode settings = directory.settings();
        com.fasterxml.jackson.databind.node.ArrayNode kept = settings.arrayNode();
        String removed = LdapSettings.normalise(groupDn);
        settings.path("syncedGroups").forEach(dn -> {
            if (!LdapSettings.normalise(dn.asText()).equals(removed)) {
                kept.add(dn);
            }
        });
        settings.set("syncedGroups", kept);
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        Directory updated = engine.updateDirectory(realm, directory, null, settings);
        LdapDirectories.update(session, realm, updated, null);
    }

    /** Before the engine deletes an LDAP directory (rule 9): unlink its users, remove the component. */
    public static void deleting(KeycloakSession session, RealmModel realm, Directory directory) {
        if (directory.type() == DirectoryType.LDAP) {
            LdapDirectories.beforeDelete(session, realm, directory);
        }
    }
}
