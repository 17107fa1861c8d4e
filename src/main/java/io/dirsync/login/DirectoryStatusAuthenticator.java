package io.dirsync.login;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.dirsync.engine.SubjectStatus;

/**
 * {@code dirsync-directory-status}: the step after the user is known. A user whose effective status is disabled or
 * pending deletion is refused with a page that says why (and to contact the administrator), recorded in the login
 * event as {@code user_disabled}; anyone else goes on, with its status in the auth-session note
 * {@link LoginPolicy#STATUS_NOTE} for later steps (the second-factor condition).
 *
 * <p>Disabled and trashed users are normally refused earlier, by the username/password form (their Keycloak account is
 * off); this step also catches those whose account is still on, e.g. the members of a group just moved under a
 * disabled parent, and users identified by other means than that form.
 */
public final class DirectoryStatusAuthenticator implements Authenticator {

    static final DirectoryStatusAuthenticator SINGLETON = new DirectoryStatusAuthenticator();

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        SubjectStatus status = LoginPolicy.effectiveStatus(context.getSession(), context.getRealm(), user);
        String refusal = LoginPolicy.refusal(context.getSession(), user, status);
        if (refusal != null) {
            context.getAuthenticationSession().removeAuthNote(LoginPolicy.STATUS_NOTE);
            context.getEvent().user(user).error(Errors.USER_DISABLED);
            Response page = context.form().setError(refusal).createErrorPage(Response.Status.UNAUTHORIZED);
            context.failure(AuthenticationFlowError.USER_DISABLED, page);
            return;
        }
        context.getAuthenticationSession().setAuthNote(LoginPolicy.STATUS_NOTE, status.id());
        context.success();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // No form of its own: it decides in authenticate.
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
