package io.dirsync.login;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.dirsync.engine.SubjectStatus;

/**
 * {@code dirsync-condition-second-factor}: a conditional sub-flow runs (a second factor is asked) unless the user's
 * effective status is {@code bypass} (the user's own or a group's). The status comes from the note
 * {@code dirsync-directory-status} left in the auth session, or is read now in a flow without that step.
 */
public final class SecondFactorCondition implements ConditionalAuthenticator {

    static final SecondFactorCondition SINGLETON = new SecondFactorCondition();

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null) {
            return true; // nobody known yet: never skip a factor
        }
        String noted = context.getAuthenticationSession().getAuthNote(LoginPolicy.STATUS_NOTE);
        SubjectStatus status = noted != null ? SubjectStatus.fromStored(noted)
            : LoginPolicy.effectiveStatus(context.getSession(), context.getRealm(), user);
        return status != SubjectStatus.BYPASS;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
