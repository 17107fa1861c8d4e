package io.dirsync.ldap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.LDAPConstants;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ComponentRepresentation;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypeProvider;

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

    /**
     * Takes the bind credential out of the settings and checks what an LDAP directory needs. A missing, empty or masked
     * ({@code **********}, Keycloak's mask) credential leaves the stored one as it is.
     */
    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        Map<String, String> secrets = new HashMap<>();
        String credential = settings.hasNonNull(BIND_CREDENTIAL) ? settings.get(BIND_CREDENTIAL).asText() : null;
        if (!unchanged(credential)) {
            secrets.put(BIND_CREDENTIAL, credential);
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
        DirectorySyncEngine.of(session).groups().removeUnsynced(realm, directory, LdapSettings.of(directory).syncedGroups,
            LdapSettings.GROUP_IDS);
    }

    /** Whether a bind credential an admin sent means "keep the stored one": none, empty, or Keycloak's mask. */
    static boolean unchanged(String credential) {
        return credential == null || credential.isEmpty() || ComponentRepresentation.SECRET_VALUE.equals(credential);
    }

    /**
     * {@code "ldap": {"bindCredentialStored": true|false}}: whether a bind credential is stored (the console shows
     * "stored, unchanged"); never the credential.
     */
    @Override
    public Map<String, Object> describe(RealmModel realm, Directory directory) {
        ComponentModel c = LdapDirectories.component(realm, directory);
        String stored = c == null ? null : c.get(LDAPConstants.BIND_CREDENTIAL);
        return Map.of("ldap", Map.of("bindCredentialStored", stored != null && !stored.isEmpty()));
    }

    @Override
    public List<String> adminActions() {
        return LdapAdminActions.ACTIONS;
    }

    /** {@code test-connection}, {@code test-authentication}, {@code search-groups}: see {@link LdapAdminActions}. */
    @Override
    public Object adminAction(RealmModel realm, String action, ObjectNode body, Directory existing) {
        return new LdapAdminActions(session, realm).run(action, body, existing);
    }

    /** Rule 9: the users are unlinked before the component goes (see {@link LdapDirectories#beforeDelete}). */
    @Override
    public void deleting(RealmModel realm, Directory directory) {
        LdapDirectories.beforeDelete(session, realm, directory);
    }

    /** The group's DN leaves the synced groups too, or the next sync would bring the group back. */
    @Override
    public void groupRemoved(RealmModel realm, Directory directory, String groupDn) {
        DirectorySyncEngine.of(session).groups().dropFromSynced(realm, directory, groupDn, LdapSettings.GROUP_IDS);
    }
}
