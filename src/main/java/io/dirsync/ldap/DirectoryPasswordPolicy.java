package io.dirsync.ldap;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;

/**
 * Keeps the passwords of LDAP directory users in the directory. Their Keycloak component runs in UNSYNCED mode
 * (so that unmapped attributes stay editable, rule 4), in which Keycloak would store a password set in Keycloak
 * locally, where it would shadow the directory password. As a password policy it is asked before any password is
 * stored (admin console, Admin REST {@code reset-password}, the login pages' update-password and reset flows) and
 * refuses it for directory users, saying where to change it. Other users are not affected. The extension adds it
 * to a realm's password policy when an LDAP directory is created or synced ({@link DirectoryPasswordPolicyFactory}),
 * and takes it out when the realm's last LDAP directory is deleted.
 */
public final class DirectoryPasswordPolicy implements PasswordPolicyProvider {

    public static final String ID = "dirsync-directory-password";

    private final KeycloakSession session;

    DirectoryPasswordPolicy(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public PolicyError validate(RealmModel realm, UserModel user, String password) {
        String link = user == null ? null : user.getFederationLink();
        if (link == null) {
            return null;
        }
        Directory directory = DirectorySyncEngine.of(session).directories().get(realm, link).orElse(null);
        if (directory == null) {
            return null;
        }
        // (a message, not a key: Keycloak shows it as is; MessageFormat syntax, so no single quotes)
        return new PolicyError("The password of this user is checked against directory \"{0}\"; change it in the"
            + " directory, not in Keycloak", directory.name());
    }

    @Override
    public PolicyError validate(String user, String password) {
        return null;
    }

    @Override
    public Object parseConfig(String value) {
        return null;
    }

    @Override
    public void close() {
    }

    /**
     * Takes the policy out of the realm's password policy. Done when a realm's last LDAP directory is deleted, so that
     * the extension can be removed from a Keycloak (or the realm exported to one without it): Keycloak refuses to load a
     * password policy that names a provider it does not have.
     */
    static void removeFrom(KeycloakSession session, RealmModel realm) {
        PasswordPolicy.Builder policy = realm.getPasswordPolicy().toBuilder();
        if (policy.contains(ID)) {
            realm.setPasswordPolicy(policy.remove(ID).build(session));
        }
    }

    /** Adds the policy to the realm's password policy unless it is there. */
    static void ensureIn(KeycloakSession session, RealmModel realm) {
        PasswordPolicy.Builder policy = realm.getPasswordPolicy().toBuilder();
        if (!policy.contains(ID)) {
            realm.setPasswordPolicy(policy.put(ID, null).build(session));
        }
    }
}
