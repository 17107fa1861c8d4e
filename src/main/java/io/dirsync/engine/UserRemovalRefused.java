package io.dirsync.engine;

import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;

/**
 * A sign-in that tried to delete a directory's user outside its sync and trash (Keycloak's LDAP provider does that to a
 * Kerberos user it no longer finds in scope, to re-create it): refused, and fails as a disabled account's sign-in. It
 * names the user so that the sign-in step can say why ({@code login/KerberosTicketAuthenticator}).
 */
public final class UserRemovalRefused extends AuthenticationFlowException {

    private final String userId;

    UserRemovalRefused(String message, String userId) {
        super(message, AuthenticationFlowError.USER_DISABLED);
        this.userId = userId;
    }

    public String userId() {
        return userId;
    }
}
