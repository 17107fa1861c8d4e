package io.dirsync.login;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
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
 *   directory sync kerberos second factor  CONDITIONAL   (the same second factor as the forms')
 *     dirsync-condition-second-factor      REQUIRED
 *     OTP Form (auth-otp-form)             REQUIRED
 * Identity Provider Redirector             ALTERNATIVE
 * directory sync forms                     ALTERNATIVE
 *   dirsync-auth-username-password-form    REQUIRED
 *   dirsync-directory-status               REQUIRED
 *   directory sync second factor           CONDITIONAL
 *     dirsync-condition-second-factor      REQUIRED
 *     OTP Form (auth-otp-form)             REQUIRED   (a user without OTP is sent to Keycloak's OTP setup)
 * </pre>
 * Kerberos (SPNEGO) is Keycloak's own step, in a sub-flow of its own so that the directory status refuses a disabled
 * or trashed user signed in by a ticket too, and the second factor follows a ticket as it follows a password (SPEC §6:
 * only bypass skips it; at the top level, as in Keycloak's "browser" flow, SPNEGO would end the flow). It sits alone in
 * an inner sub-flow because there it stays ALTERNATIVE: Keycloak's step answers a browser without a ticket with a 401
 * page that falls through to the next step (the password form) only when it is not REQUIRED. {@link #applyKerberos}
 * switches it as Keycloak's LDAP provider switches Keycloak's own flows.
 * <p>
 * Installing is idempotent: a flow with the alias is left exactly as it is, since an admin may have tuned it (another
 * second factor, another order); to get the original shape back, delete or rename it and install again (sub-flow
 * aliases still taken get a number). One exception, {@link #repair}: a Kerberos sub-flow still exactly as the previous
 * version made it (ticket and status, no second factor) gets the second factor, once, at start-up and whenever the
 * flow is installed or Kerberos switched; a tuned one is left alone with a warning saying what to add.
 */
public final class LoginFlow {

    public static final String ALIAS = "directory sync browser";
    static final String FORMS = "directory sync forms";
    static final String SECOND_FACTOR = "directory sync second factor";
    static final String KERBEROS = "directory sync kerberos";
    static final String KERBEROS_TICKET = "directory sync kerberos ticket";
    static final String KERBEROS_SECOND_FACTOR = "directory sync kerberos second factor";
    static final String OTP_FORM = "auth-otp-form";
    static final String SPNEGO = "auth-spnego";

    static final String REPAIR_TASK = "dirsync-login-flow-repair";

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
        Optional<AuthenticationFlowModel> existing = find(realm);
        existing.ifPresent(flow -> repair(realm));
        AuthenticationFlowModel flow = existing.orElseGet(() -> create(realm));
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
            "Kerberos (SPNEGO) sign-in, then the directory status, then a second factor unless bypass. On while a"
                + " directory allows Kerberos sign-in.");
        step(realm, top, "identity-provider-redirector", Requirement.ALTERNATIVE, priority += 10);
        AuthenticationFlowModel forms = subFlow(realm, top, FORMS, Requirement.ALTERNATIVE, priority += 10,
            "Username and password, then the directory status, then a second factor unless bypass.");

        AuthenticationFlowModel ticket = subFlow(realm, kerberos, KERBEROS_TICKET, Requirement.REQUIRED, 10,
            "Keycloak's Kerberos step, ALTERNATIVE so that a browser without a ticket falls through to the forms.");
        step(realm, ticket, SPNEGO, Requirement.ALTERNATIVE, 10);
        step(realm, kerberos, DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED, 20);
        secondFactor(realm, kerberos, KERBEROS_SECOND_FACTOR, 30);

        step(realm, forms, StatusUsernamePasswordFormFactory.ID, Requirement.REQUIRED, 10);
        step(realm, forms, DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED, 20);
        secondFactor(realm, forms, SECOND_FACTOR, 30);
        LOG.infof("Realm %s: created the browser flow '%s'", realm.getName(), ALIAS);
        return top;
    }

    /**
     * The second factor after a sign-in step ({@code parent} holds the step and the directory status): a CONDITIONAL
     * sub-flow, our condition (no factor for bypass) then Keycloak's OTP form, which sends a user without OTP to
     * Keycloak's OTP setup.
     */
    private static void secondFactor(RealmModel realm, AuthenticationFlowModel parent, String alias, int priority) {
        AuthenticationFlowModel secondFactor = subFlow(realm, parent, alias, Requirement.CONDITIONAL, priority,
            "A second factor (OTP) unless the user's directory status is bypass.");
        step(realm, secondFactor, SecondFactorConditionFactory.ID, Requirement.REQUIRED, 10);
        step(realm, secondFactor, OTP_FORM, Requirement.REQUIRED, 20);
    }

    /**
     * Issue 17's repair of an existing flow: the previous version's Kerberos sub-flow let a user signed in by a ticket
     * skip the second factor. A Kerberos sub-flow still exactly as that version made it (the ticket sub-flow holding
     * only Keycloak's SPNEGO step, then the directory status, both REQUIRED, nothing else) gets the second factor after
     * the status, logged; any other Kerberos sub-flow without our second-factor condition was tuned by an admin and is
     * left as it is, with a warning saying what to add. Returns whether the flow was changed.
     */
    public static boolean repair(RealmModel realm) {
        AuthenticationFlowModel flow = find(realm).orElse(null);
        if (flow == null) {
            return false;
        }
        boolean changed = false;
        for (AuthenticationFlowModel kerberos : kerberosSubFlows(realm, flow)) {
            List<AuthenticationExecutionModel> steps = executions(realm, kerberos);
            if (isPreviousShape(realm, steps)) {
                secondFactor(realm, kerberos, KERBEROS_SECOND_FACTOR, steps.get(1).getPriority() + 10);
                LOG.infof("Realm %s: added the second factor (sub-flow '%s') after the directory status in '%s' of the"
                    + " browser flow '%s': a user signed in by a Kerberos ticket skipped it", realm.getName(),
                    KERBEROS_SECOND_FACTOR, kerberos.getAlias(), ALIAS);
                changed = true;
            } else if (!holds(realm, kerberos, SecondFactorConditionFactory.ID)) {
                LOG.warnf("Realm %s: the sub-flow '%s' of the browser flow '%s' was changed and has no second factor, so"
                    + " a user signed in by a Kerberos ticket skips it (SPEC: only bypass does). Add after its step"
                    + " dirsync-directory-status a CONDITIONAL sub-flow holding 'Condition - directory status requires a"
                    + " second factor' and 'OTP Form', both REQUIRED, as in '%s'; or delete the flow and install it again",
                    realm.getName(), kerberos.getAlias(), ALIAS, FORMS);
            }
        }
        return changed;
    }

    /**
     * {@link #repair} in every realm, once at start-up (from {@link DirectoryStatusAuthenticatorFactory}), on one node
     * at a time of a cluster: a node that finds the task running leaves it to that one, which repairs every realm.
     */
    public static void repairAll(KeycloakSessionFactory factory) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                .executeIfNotExecuted(REPAIR_TASK, 300, () -> {
                    session.realms().getRealmsStream().toList().forEach(LoginFlow::repair);
                    return null;
                }));
        } catch (RuntimeException e) {
            // Never a reason not to start: the repair is tried again when the flow is installed or Kerberos switched.
            LOG.warnf(e, "Could not check the realms' browser flow '%s' for the second factor after Kerberos", ALIAS);
        }
    }

    private static boolean isPreviousShape(RealmModel realm, List<AuthenticationExecutionModel> steps) {
        if (steps.size() != 2) {
            return false;
        }
        AuthenticationExecutionModel ticket = steps.get(0);
        AuthenticationExecutionModel status = steps.get(1);
        if (!ticket.isAuthenticatorFlow() || ticket.getRequirement() != Requirement.REQUIRED
            || status.isAuthenticatorFlow() || status.getRequirement() != Requirement.REQUIRED
            || !DirectoryStatusAuthenticatorFactory.ID.equals(status.getAuthenticator())) {
            return false;
        }
        List<AuthenticationExecutionModel> inTicket = executions(realm, realm.getAuthenticationFlowById(ticket.getFlowId()));
        return inTicket.size() == 1 && SPNEGO.equals(inTicket.get(0).getAuthenticator());
    }

    /** The flow's top-level Kerberos sub-flows (one, unless an admin copied it). */
    private static List<AuthenticationFlowModel> kerberosSubFlows(RealmModel realm, AuthenticationFlowModel flow) {
        return executions(realm, flow).stream()
            .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
            .map(e -> realm.getAuthenticationFlowById(e.getFlowId()))
            .filter(sub -> sub != null && isKerberosAlias(sub.getAlias()))
            .toList();
    }

    /** {@value #KERBEROS}, or that alias numbered when it was taken ({@link #free}); not its inner sub-flows. */
    private static boolean isKerberosAlias(String alias) {
        return alias.equals(KERBEROS) || alias.matches(Pattern.quote(KERBEROS) + " [0-9]+");
    }

    private static List<AuthenticationExecutionModel> executions(RealmModel realm, AuthenticationFlowModel flow) {
        return flow == null ? List.of() : realm.getAuthenticationExecutionsStream(flow.getId()).toList();
    }

    /** Whether {@code flow} or one of its sub-flows runs {@code authenticator}. */
    private static boolean holds(RealmModel realm, AuthenticationFlowModel flow, String authenticator) {
        return executions(realm, flow).stream().anyMatch(e -> e.isAuthenticatorFlow()
            ? holds(realm, realm.getAuthenticationFlowById(e.getFlowId()), authenticator)
            : authenticator.equals(e.getAuthenticator()));
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
        find(realm).ifPresent(flow -> {
            repair(realm);
            executions(realm, flow).stream()
                .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
                .filter(e -> {
                    AuthenticationFlowModel sub = realm.getAuthenticationFlowById(e.getFlowId());
                    return sub != null && isKerberosAlias(sub.getAlias());
                })
                .forEach(e -> {
                    e.setRequirement(on ? Requirement.ALTERNATIVE : Requirement.DISABLED);
                    realm.updateAuthenticatorExecution(e);
                });
        });
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
