package io.dirsync.login;

import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.RealmModel;

/**
 * The ready browser flow of the login policy, {@value #ALIAS}:
 * <pre>
 * Cookie                                   ALTERNATIVE
 * Kerberos                                 DISABLED
 * Identity Provider Redirector             ALTERNATIVE
 * directory sync forms                     ALTERNATIVE
 *   dirsync-auth-username-password-form    REQUIRED
 *   dirsync-directory-status               REQUIRED
 *   directory sync second factor           CONDITIONAL
 *     dirsync-condition-second-factor      REQUIRED
 *     OTP Form (auth-otp-form)             REQUIRED   (a user without OTP is sent to Keycloak's OTP setup)
 * </pre>
 * Installing is idempotent: a flow with the alias is left exactly as it is, since an admin may have tuned it (another
 * second factor, another order); to get the original shape back, delete or rename it and install again (sub-flow
 * aliases still taken get a number).
 */
public final class LoginFlow {

    public static final String ALIAS = "directory sync browser";
    static final String FORMS = "directory sync forms";
    static final String SECOND_FACTOR = "directory sync second factor";

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
        step(realm, top, "auth-spnego", Requirement.DISABLED, priority += 10);
        step(realm, top, "identity-provider-redirector", Requirement.ALTERNATIVE, priority += 10);
        AuthenticationFlowModel forms = subFlow(realm, top, FORMS, Requirement.ALTERNATIVE, priority += 10,
            "Username and password, then the directory status, then a second factor unless bypass.");

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
