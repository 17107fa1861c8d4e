package io.dirsync.login;

import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * {@code dirsync-auth-username-password-form}: Keycloak's username/password form, except that a user whose account is
 * off because of its directory status (disabled, a disabled group's member, trashed) is told why instead of Keycloak's
 * generic "Account is disabled", and a user whose directory signs its users in through an identity provider
 * ({@code passwordSignIn} off) is refused with a message saying so. Keycloak asks {@link #enabledUser} only after the
 * password was accepted ({@code validateUserAndPassword}: password first, then the user), and this form also requires
 * Keycloak's note that
 * the password was validated in this auth session, so that nobody learns a user's status without its password.
 * A password Keycloak checks through a directory's Kerberos KDC that cannot be reached gets a message saying the sign-in
 * server cannot be reached, on the form, instead of Keycloak's error page about an identity provider.
 * Everything else (brute force, wrong passwords, accounts an admin disabled by hand) is Keycloak's own.
 */
public final class StatusUsernamePasswordForm extends UsernamePasswordForm {

    /** The message of the {@link ModelException} Keycloak's Kerberos password check throws when no KDC answers. */
    static final String KERBEROS_UNREACHABLE = "Kerberos unreachable";

    private static final Logger LOG = Logger.getLogger(StatusUsernamePasswordForm.class);

    public StatusUsernamePasswordForm(KeycloakSession session) {
        super(session);
    }

    @Override
    public boolean enabledUser(AuthenticationFlowContext context, UserModel user) {
        if (!passwordAccepted(context)) {
            return super.enabledUser(context, user);
        }
        String refusal = user.isEnabled() ? LoginPolicy.passwordRefusal(context.getSession(), user) : LoginPolicy.refusal(
            context.getSession(), user, LoginPolicy.effectiveStatus(context.getSession(), context.getRealm(), user));
        if (refusal == null) {
            return super.enabledUser(context, user); // not the directory's doing: as Keycloak answers
        }
        if (isDisabledByBruteForce(context, user)) {
            return false; // Keycloak's first check, with Keycloak's answer
        }
        // a directory whose users sign in through an identity provider: the password is right but not a way in
        context.getEvent().user(user).error(user.isEnabled() ? Errors.NOT_ALLOWED : Errors.USER_DISABLED);
        context.forceChallenge(challenge(context, refusal, null));
        return false;
    }

    @Override
    public boolean validatePassword(AuthenticationFlowContext context, UserModel user, MultivaluedMap<String, String> inputData,
                                    boolean clearUser) {
        try {
            return super.validatePassword(context, user, inputData, clearUser);
        } catch (ModelException e) {
            if (!kerberosUnreachable(e)) {
                throw e;
            }
            // Not a wrong password: the form again, saying what happened, and a WARN for the operator.
            LOG.warnf("Realm %s: the Kerberos KDC could not be reached to check the password of user %s",
                context.getRealm().getName(), user.getUsername());
            context.getEvent().user(user).error(KDC_UNREACHABLE_EVENT);
            context.failureChallenge(AuthenticationFlowError.INTERNAL_ERROR,
                challenge(context, LoginPolicy.KDC_UNREACHABLE, null));
            return false;
        }
    }

    /** The event error of a password that could not be checked because no KDC answered. */
    static final String KDC_UNREACHABLE_EVENT = "kerberos_unreachable";

    private static boolean kerberosUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelException && KERBEROS_UNREACHABLE.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static boolean passwordAccepted(AuthenticationFlowContext context) {
        return "true".equals(context.getAuthenticationSession().getAuthNote(AuthenticationManager.PASSWORD_VALIDATED));
    }
}
