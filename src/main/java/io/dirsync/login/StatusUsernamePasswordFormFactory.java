package io.dirsync.login;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;

/**
 * The form {@code dirsync-auth-username-password-form} ({@link StatusUsernamePasswordForm}): Keycloak's
 * "Username Password Form" with the directory's messages for users its status turned off.
 */
public class StatusUsernamePasswordFormFactory extends UsernamePasswordFormFactory {

    public static final String ID = "dirsync-auth-username-password-form";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new StatusUsernamePasswordForm(session);
    }

    @Override
    public String getDisplayType() {
        return "Directory Sync: username password form";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's username password form; a user whose directory status is disabled or pending deletion is"
            + " told so (after the password was accepted) instead of Keycloak's generic message.";
    }
}
