package io.dirsync.login;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.user.UserLookupProvider;

import io.dirsync.engine.UserSync;
import io.dirsync.storage.DirSyncStore;

/**
 * How directory users sign in, as a user-storage provider of the realm that stores no users: with any alias (rule 3's
 * identifiers). Keycloak asks its user-storage providers for a username its own users table does not have, which is
 * where every sign-in path looks a name up (the username form, direct grant, reset credentials); this provider answers
 * with the user whose Username Alias 1..8 it is, from the extension's indexed identifier table, case-insensitively.
 */
public final class SignInProvider implements UserStorageProvider, UserLookupProvider {

    private final KeycloakSession session;

    SignInProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String name) {
        // The engine asking for a username (UserSync.USERNAME_LOOKUP) wants no alias holder: it checks aliases itself.
        if (name == null || name.isBlank() || session.getAttribute(UserSync.USERNAME_LOOKUP) != null) {
            return null;
        }
        return new DirSyncStore(session).identifier(realm.getId(), DirSyncStore.fold(name))
            // Through Keycloak's user provider, so that an LDAP directory's user is validated by its provider as usual.
            .map(identifier -> session.users().getUserById(realm, identifier.getUserId()))
            .orElse(null);
    }

    /** Users are Keycloak's own or an LDAP provider's, never this provider's: no id is ever this provider's. */
    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        return null;
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        return null;
    }


    @Override
    public void close() {
    }
}
