package io.dirsync.login;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.SpnegoAuthenticatorFactory;
import org.keycloak.models.KeycloakSession;

/**
 * The step {@code dirsync-kerberos-ticket} ({@link KerberosTicketAuthenticator}): Keycloak's "Kerberos" step with the
 * login policy's message for a user whose directory status turned its account off. Same credential category as
 * Keycloak's, so Keycloak switches it with Kerberos as it switches its own.
 */
public class KerberosTicketAuthenticatorFactory extends SpnegoAuthenticatorFactory {

    public static final String ID = "dirsync-kerberos-ticket";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return KerberosTicketAuthenticator.SINGLETON;
    }

    @Override
    public String getDisplayType() {
        return "Directory Sync: Kerberos";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's Kerberos (SPNEGO) step; a user whose directory status is disabled or pending deletion is told"
            + " so right after its ticket instead of being sent to the password form.";
    }
}
