package io.dirsync.login;

import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.common.constants.KerberosConstants;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.utils.CredentialHelper;

/**
 * The ready browser flow of the login policy, {@value #ALIAS}:
 * <pre>
 * Cookie                                   ALTERNATIVE
 * directory sync kerberos                  DISABLED, ALTERNATIVE while a directory allows Kerberos sign-in
 *   directory sync kerberos ticket         REQUIRED
 *     Kerberos (auth-spnego)               ALTERNATIVE
 *   dirsync-directory-status               REQUIRED
 * Identity Provider Redirector             ALTERNATIVE
 * directory sync forms                     ALTERNATIVE
 *   dirsync-auth-username-password-form    REQUIRED
 *   dirsync-directory-status               REQUIRED
 *   directory sync second factor           CONDITIONAL
 *     dirsync-condition-second-factor      REQUIRED
 *     OTP Form (auth-otp-form)             REQUIRED   (a user without OTP is sent to Keycloak's OTP setup)
 * </pre>
 * Kerberos (SPNEGO) is Keycloak's own step, in a sub-flow of its own so that the directory status refuses a disabled
 * or trashed user signed in by a ticket too (at the top level, as in Keycloak's "browser" flow, SPNEGO would end the
 * flow). It sits alone in an inner sub-flow because there it stays ALTERNATIVE: Keycloak's step answers a browser
 * without a ticket with a 401 page that falls through to the next step (the password form) only when it is not
 * REQUIRED. {@link #applyKerberos} switches it as Keycloak's LDAP provider switches Keycloak's own flows.
 * <p>
 * Installing is idempotent: a flow with the alias is left exactly as it is, since an admin may have tuned it (another
 * second factor, another order); to get the original shape back, delete or rename it and install again (sub-flow
 * aliases still taken get a number).
 */
public final class LoginFlow {

    public static final String ALIAS = "directory sync browser";
    static final String FORMS = "directory sync forms";
    static final String SECOND_FACTOR = "directory sync second factor";
    static final String KERBEROS = "directory sync kerberos";
    static final String KERBEROS_TICKET = "directory sync kerberos ticket";
    static final String SPNEGO = "auth-spnego";

    private static final Logger LOG = Logger.getLogger(LoginFlow.class);

    private LoginFlow() {
    }

    public static Optional<AuthenticationFlowModel> find(RealmModel realm) {
        return Optional.ofNullable(realm.getFlowByAlias(ALIAS));
    }

    public static boolean isBound(RealmModel realm) {
        AuthenticationFlowModel browser = realm.getBrowserFlow();
        return browser != null && ALIAS.equals(browser.getAlias());
    }

    /** Creates the flow if the realm has none of that alias, and makes it the realm's browser flow if {@code bind}. */
    public static AuthenticationFlowModel install(RealmModel realm, boolean bind) {
        AuthenticationFlowModel flow = find(realm).orElseGet(() -> create(realm));
        if (bind && !isBound(realm)) {
            realm.setBrowserFlow(flow);
            LOG.infof("Realm %s: browser flow is now '%s'", realm.getName(), ALIAS);
        }
        return flow;
    }

    private static AuthenticationFlowModel create(RealmModel realm) {
        AuthenticationFlowModel top = flow(realm, ALIAS, true,
            "Browser sign-in with Directory Sync's login policy: directory statuses refuse disabled and trashed users"
                + " with a clear message; bypass users skip the second factor (OTP).");
        int priority = 0;
        step(realm, top, "auth-cookie", Requirement.ALTERNATIVE, priority += 10);
        AuthenticationFlowModel kerberos = subFlow(realm, top, KERBEROS,
            kerberosAllowed(realm) ? Requirement.ALTERNATIVE : Requirement.DISABLED, priority += 10,
            "Kerberos (SPNEGO) sign-in, then the directory status. On while a directory allows Kerberos sign-in.");
        step(realm, top, "identity-provider-redirector", Requirement.ALTERNATIVE, priority += 10);
        AuthenticationFlowModel forms = subFlow(realm, top, FORMS, Requirement.ALTERNATIVE, priority += 10,
            "Username and password, then the directory status, then a second factor unless bypass.");

        AuthenticationFlowModel ticket = subFlow(realm, kerberos, KERBEROS_TICKET, Requirement.REQUIRED, 10,
            "Keycloak's Kerberos step, ALTERNATIVE so that a browser without a ticket falls through to the forms.");
        step(realm, ticket, SPNEGO, Requirement.ALTERNATIVE, 10);
        step(realm, kerberos, DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED, 20);

        priority = 0;
        step(realm, forms, StatusUsernamePasswordFormFactory.ID, Requirement.REQUIRED, priority += 10);
        step(realm, forms, DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED, priority += 10);
        AuthenticationFlowModel secondFactor = subFlow(realm, forms, SECOND_FACTOR, Requirement.CONDITIONAL,
            priority += 10, "A second factor (OTP) unless the user's directory status is bypass.");

        step(realm, secondFactor, SecondFactorConditionFactory.ID, Requirement.REQUIRED, 10);
        step(realm, secondFactor, "auth-otp-form", Requirement.REQUIRED, 20);
        LOG.infof("Realm %s: created the browser flow '%s'", realm.getName(), ALIAS);
        return top;
    }

    /**
     * Switches Kerberos sign-in on in the realm's flows while one of its user-storage components (a directory's LDAP
     * component, Keycloak's Kerberos provider) allows it, and off when none does: this flow's Kerberos sub-flow, and
     * Keycloak's own Kerberos steps elsewhere (its "browser" flow), as Keycloak's LDAP provider does for itself.
     */
    public static void applyKerberos(KeycloakSession session, RealmModel realm) {
        boolean on = kerberosAllowed(realm);
        CredentialHelper.setOrReplaceAuthenticationRequirement(session, realm, CredentialRepresentation.KERBEROS,
            on ? Requirement.ALTERNATIVE : Requirement.DISABLED, on ? Requirement.DISABLED : Requirement.ALTERNATIVE);
        find(realm).ifPresent(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
            .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
            .filter(e -> {
                AuthenticationFlowModel sub = realm.getAuthenticationFlowById(e.getFlowId());
                return sub != null && sub.getAlias().startsWith(KERBEROS);
            })
            .toList()
            .forEach(e -> {
                e.setRequirement(on ? Requirement.ALTERNATIVE : Requirement.DISABLED);
                realm.updateAuthenticatorExecution(e);
            }));
    }

    static boolean kerberosAllowed(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
            .filter(c -> new UserStorageProviderModel(c).isEnabled())
            .anyMatch(c -> Boolean.parseBoolean(c.get(KerberosConstants.ALLOW_KERBEROS_AUTHENTICATION)));
    }

    private static AuthenticationFlowModel flow(RealmModel realm, String alias, boolean topLevel, String description) {
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(free(realm, alias));
        flow.setDescription(description);
        flow.setProviderId("basic-flow");
        flow.setTopLevel(topLevel);
        flow.setBuiltIn(false);
        return realm.addAuthenticationFlow(flow);
    }

    /** Sub-flows of an earlier copy renamed by an admin keep their aliases: a new one takes the next free name. */
    private static String free(RealmModel realm, String alias) {
        String name = alias;
        for (int n = 2; realm.getFlowByAlias(name) != null; n++) {
            name = alias + " " + n;
        }
        return name;
    }

    private static AuthenticationFlowModel subFlow(RealmModel realm, AuthenticationFlowModel parent, String alias,
                                                   Requirement requirement, int priority, String description) {
        AuthenticationFlowModel sub = flow(realm, alias, false, description);
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(parent.getId());
        execution.setFlowId(sub.getId());
        execution.setAuthenticatorFlow(true);
        execution.setRequirement(requirement);
        execution.setPriority(priority);
        realm.addAuthenticatorExecution(execution);
        return sub;
    }

    private static void step(RealmModel realm, AuthenticationFlowModel parent, String authenticator,
                             Requirement requirement, int priority) {
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(parent.getId());
        execution.setAuthenticator(authenticator);
        execution.setAuthenticatorFlow(false);
        execution.setRequirement(requirement);
        execution.setPriority(priority);
        realm.addAuthenticatorExecution(execution);
    }
}
