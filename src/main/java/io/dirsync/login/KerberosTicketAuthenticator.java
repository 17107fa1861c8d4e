package io.dirsync.login;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.browser.SpnegoAuthenticator;
import org.keycloak.events.Errors;
import org.keycloak.models.UserModel;

import io.dirsync.engine.UserRemovalRefused;

/**
 * {@code dirsync-kerberos-ticket}: Keycloak's Kerberos (SPNEGO) step, except that a user whose directory status turned
 * its account off (disabled, a disabled group's member, trashed) is told why right after its valid ticket, with the
 * login policy's message, instead of being sent on to the password form.
 * <p>
 * Why Keycloak's step cannot do it: it validates the ticket and hands the user to the flow with
 * {@code context.setUser}, and Keycloak refuses a disabled account there ({@code AuthenticationProcessor.validateUser}
 * throws {@code USER_DISABLED}) before storing it anywhere; the step being ALTERNATIVE (a browser without a ticket must
 * fall through), Keycloak's flow consumes that failure and runs the next alternative, the password form. A trashed
 * user never gets that far: Keycloak's LDAP provider, not finding it in scope, deletes the account to re-create it,
 * which {@code engine/ModelGuard} refuses ({@link UserRemovalRefused}). This step runs Keycloak's own code with the
 * flow's context wrapped so that the user handed over is looked at first; the ticket is checked once (Kerberos replay
 * protection allows no second look). Everything else — the Negotiate challenge, a multi-step handshake, an account
 * an admin disabled by hand — is Keycloak's.
 */
public final class KerberosTicketAuthenticator extends SpnegoAuthenticator {

    static final KerberosTicketAuthenticator SINGLETON = new KerberosTicketAuthenticator();

    /** Thrown out of Keycloak's step when the user its ticket names is one the login policy refuses. */
    private static final class Refused extends RuntimeException {
        final UserModel user;
        final String message;

        Refused(UserModel user, String message) {
            super(message, null, false, false);
            this.user = user;
            this.message = message;
        }
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        try {
            super.authenticate(refusingTurnedOffUsers(context));
        } catch (Refused r) {
            refuse(context, r.user.getId(), r.message);
        } catch (UserRemovalRefused r) {
            refuse(context, r.userId(), LoginPolicy.ACCOUNT_REMOVED);
        }
    }

    private static void refuse(AuthenticationFlowContext context, String userId, String message) {
        context.getAuthenticationSession().removeAuthNote(LoginPolicy.STATUS_NOTE);
        context.getEvent().user(userId).error(Errors.USER_DISABLED);
        Response page = context.form().setError(message).createErrorPage(Response.Status.UNAUTHORIZED);
        context.failure(AuthenticationFlowError.USER_DISABLED, page);
    }

    /** The context, whose {@code setUser} first refuses a user the policy turned off (Keycloak's step calls it). */
    private static AuthenticationFlowContext refusingTurnedOffUsers(AuthenticationFlowContext context) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("setUser") && args != null && args.length == 1 && args[0] instanceof UserModel user
                && !user.isEnabled()) {
                String refusal = LoginPolicy.refusal(context.getSession(), user,
                    LoginPolicy.effectiveStatus(context.getSession(), context.getRealm(), user));
                if (refusal != null) {
                    throw new Refused(user, refusal);
                }
            }
            try {
                return method.invoke(context, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (AuthenticationFlowContext) Proxy.newProxyInstance(KerberosTicketAuthenticator.class.getClassLoader(),
            new Class<?>[] {AuthenticationFlowContext.class}, handler);
    }
}
