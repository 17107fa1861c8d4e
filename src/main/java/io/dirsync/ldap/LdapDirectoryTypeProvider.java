package io.dirsync.ldap;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypeProvider;
import io.dirsync.engine.ManagedGroup;

/**
 * An LDAP directory's part of its life: the Keycloak LDAP component behind it (created, kept in step with the
 * settings, removed without taking the users along), its bind credential (kept only in the component, which masks it),
 * and its synced groups.
 */
final class LdapDirectoryTypeProvider implements DirectoryTypeProvider {

    static final String BIND_CREDENTIAL = "bindCredential";

    private final KeycloakSession session;

    LdapDirectoryTypeProvider(KeycloakSession session) {
        this.session = session;
    }

    /** Takes the bind credential out of the settings and checks what an LDAP directory needs. */
    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        Map<String, String> secrets = new HashMap<>();
        if (settings.hasNonNull(BIND_CREDENTIAL)) {
            secrets.put(BIND_CREDENTIAL, settings.get(BIND_CREDENTIAL).asText());
        }
        settings.remove(BIND_CREDENTIAL);
        LdapSettings.validate(settings);
        return new Secrets(secrets);
    }

    @Override
    public void created(RealmModel realm, Directory directory, Secrets secrets) {
        LdapDirectories.create(session, realm, directory, secrets.get(BIND_CREDENTIAL));
    }

    /**
     * The component follows the settings, and a group taken out of the synced groups leaves the directory as in rule 8
     * (its members in no other synced group go to the trash, the group is unmanaged).
     */
    @Override
    public void updated(RealmModel realm, Directory directory, Secrets secrets) {
        LdapDirectories.update(session, realm, directory, secrets.get(BIND_CREDENTIAL));
        Set<String> synced = new HashSet<>();
        LdapSettings.of(directory).syncedGroups.forEach(dn -> synced.add(LdapSettings.normalise(dn)));
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        for (ManagedGroup g : engine.groups().managedGroups(directory)) {
            if (g.externalId() != null && !synced.contains(LdapSettings.normalise(g.externalId()))) {
                GroupModel group = realm.getGroupById(g.groupId());
                if (group != null) {
                    engine.groups().removeFromDirectory(realm, directory, group);
                }
            }
        }
    }

    /** Rule 9: the users are unlinked before the component goes (see {@link LdapDirectories#beforeDelete}). */
    @Override
    public void deleting(RealmModel realm, Directory directory) {
        LdapDirectories.beforeDelete(session, realm, directory);
    }

    /** The group's DN leaves the synced groups too, or the next sync would bring the group back. */
    @Override
    public void groupRemoved(RealmModel realm, Directory directory, String groupDn) {
        if (groupDn == null) {
            return;
        }
        ObjectNode settings = directory.settings();
        ArrayNode kept = settings.arrayNode();
        String removed = LdapSettings.normalise(groupDn);
        settings.path("syncedGroups").forEach(dn -> {
            if (!LdapSettings.normalise(dn.asText()).equals(removed)) {
                kept.add(dn);
            }
        });
        if (kept.size() == settings.path("syncedGroups").size()) {
            return; // already out of the settings (the admin's update removed it)
        }
        settings.set("syncedGroups", kept);
        DirectorySyncEngine.of(session).directories().update(realm, directory, null, settings);
    }
}
