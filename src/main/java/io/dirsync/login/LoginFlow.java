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
 *     dirsync-kerberos-ticket              ALTERNATIVE   (Keycloak's Kerberos step, telling a turned-off user why)
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
 * Kerberos (SPNEGO) is Keycloak's own step (wrapped, {@link KerberosTicketAuthenticator}), in a sub-flow of its own so
 * that the directory status refuses a disabled or trashed user signed in by a ticket too, and the second factor follows
 * a ticket as it follows a password (SPEC §6: only bypass skips it; at the top level, as in Keycloak's "browser" flow,
 * SPNEGO would end the flow). It sits alone in
 * an inner sub-flow because there it stays ALTERNATIVE: Keycloak's step answers a browser without a ticket with a 401
 * page that falls through to the next step (the password form) only when it is not REQUIRED. {@link #applyKerberos}
 * switches it as Keycloak's LDAP provider switches Keycloak's own flows.
 * <p>
 * Installing is idempotent: a flow with the alias is left exactly as it is, since an admin may have tuned it (another
 * second factor, another order); to get the original shape back, delete or rename it and install again (sub-flow
 * aliases still taken get a number). One exception, {@link #repair}: a flow still exactly as an earlier version made
 * it is brought to this shape, once, at start-up and whenever the flow is installed or Kerberos switched; a tuned one
 * is left alone with a warning saying what to change, once per shape.
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
        kerberos(realm, top, priority += 10);
        step(realm, top, "identity-provider-redirector", Requirement.ALTERNATIVE, priority += 10);
        AuthenticationFlowModel forms = subFlow(realm, top, FORMS, Requirement.ALTERNATIVE, priority += 10,
            "Username and password, then the directory status, then a second factor unless bypass.");

        step(realm, forms, StatusUsernamePasswordFormFactory.ID, Requirement.REQUIRED, 10);
        step(realm, forms, DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED, 20);
        secondFactor(realm, forms, SECOND_FACTOR, 30);
        LOG.infof("Realm %s: created the browser flow '%s'", realm.getName(), ALIAS);
        return top;
    }

    /** The Kerberos sub-flow: the ticket, the directory status, the second factor; on while Kerberos is allowed. */
    private static void kerberos(RealmModel realm, AuthenticationFlowModel top, int priority) {
        AuthenticationFlowModel kerberos = subFlow(realm, top, KERBEROS,
            kerberosAllowed(realm) ? Requirement.ALTERNATIVE : Requirement.DISABLED, priority,
            "Kerberos (SPNEGO) sign-in, then the directory status, then a second factor unless bypass. On while a"
                + " directory allows Kerberos sign-in.");
        AuthenticationFlowModel ticket = subFlow(realm, kerberos, KERBEROS_TICKET, Requirement.REQUIRED, 10,
            "Keycloak's Kerberos step, ALTERNATIVE so that a browser without a ticket falls through to the forms.");
        step(realm, ticket, KerberosTicketAuthenticatorFactory.ID, Requirement.ALTERNATIVE, 10);
        step(realm, kerberos, DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED, 20);
        secondFactor(realm, kerberos, KERBEROS_SECOND_FACTOR, 30);
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
     * Issue 17's repair of an existing flow, of the two shapes earlier versions installed, each recognised exactly:
     * <ul>
     * <li>the first one ({@link #isFirstShape}: Keycloak's SPNEGO step at the top, where a ticket signed its holder in
     *     with neither the directory status nor the second factor): the step is replaced by the Kerberos sub-flow, at
     *     its place, switched as {@link #applyKerberos} switches it;</li>
     * <li>the second one ({@link #isPreviousShape}: a Kerberos sub-flow of ticket and status, no second factor): the
     *     second factor is added after the status.</li>
     * </ul>
     * A flow changed since (a Kerberos sub-flow without our second-factor condition, or a SPNEGO step at the top in a
     * flow not exactly of the first shape) was tuned by an admin and is left as it is, with a warning saying what to
     * do, logged once per shape ({@link #warnOnce}). Returns whether the flow was changed.
     */
    public static boolean repair(RealmModel realm) {
        AuthenticationFlowModel flow = find(realm).orElse(null);
        if (flow == null) {
            return false;
        }
        boolean changed = false;
        List<AuthenticationExecutionModel> top = executions(realm, flow);
        Optional<AuthenticationExecutionModel> spnegoAtTop = top.stream()
            .filter(e -> !e.isAuthenticatorFlow() && SPNEGO.equals(e.getAuthenticator())).findFirst();
        if (spnegoAtTop.isPresent() && isFirstShape(realm, top)) {
            realm.removeAuthenticatorExecution(spnegoAtTop.get());
            kerberos(realm, flow, spnegoAtTop.get().getPriority());
            LOG.infof("Realm %s: replaced Keycloak's Kerberos step at the top of the browser flow '%s' by the sub-flow '%s'"
                + " (ticket, directory status, second factor): a user signed in by a Kerberos ticket skipped both",
                realm.getName(), ALIAS, KERBEROS);
            return true;
        }
        if (spnegoAtTop.isPresent()) {
            warnOnce(realm, flow, String.format("Realm %s: the browser flow '%s' was changed and runs Keycloak's Kerberos"
                + " step at its top, so a user signed in by a Kerberos ticket skips the directory status and the second"
                + " factor (SPEC: only bypass skips it). Put the step in a sub-flow after which come dirsync-directory-status"
                + " and the second factor, as in a newly installed flow; or delete the flow and install it again",
                realm.getName(), ALIAS));
        }
        for (AuthenticationFlowModel kerberos : kerberosSubFlows(realm, flow)) {
            List<AuthenticationExecutionModel> steps = executions(realm, kerberos);
            if (isPreviousShape(realm, steps)) {
                secondFactor(realm, kerberos, KERBEROS_SECOND_FACTOR, steps.get(1).getPriority() + 10);
                LOG.infof("Realm %s: added the second factor (sub-flow '%s') after the directory status in '%s' of the"
                    + " browser flow '%s': a user signed in by a Kerberos ticket skipped it", realm.getName(),
                    KERBEROS_SECOND_FACTOR, kerberos.getAlias(), ALIAS);
                changed = true;
                steps = executions(realm, kerberos);
            }
            if (isStepsAndSecondFactor(realm, kerberos, null, KERBEROS_SECOND_FACTOR)) {
                changed |= useOurTicketStep(realm, kerberos, steps.get(0));
            } else if (!holds(realm, kerberos, SecondFactorConditionFactory.ID)) {
                warnOnce(realm, kerberos, String.format("Realm %s: the sub-flow '%s' of the browser flow '%s' was changed"
                    + " and has no second factor, so a user signed in by a Kerberos ticket skips it (SPEC: only bypass"
                    + " does). Add after its step dirsync-directory-status a CONDITIONAL sub-flow holding 'Condition -"
                    + " directory status requires a second factor' and 'OTP Form', both REQUIRED, as in '%s'; or delete"
                    + " the flow and install it again", realm.getName(), kerberos.getAlias(), ALIAS, FORMS));
            }
        }
        return changed;
    }

    /**
     * A Kerberos sub-flow of the current shape whose ticket sub-flow still holds only Keycloak's SPNEGO step (as the
     * versions before {@link KerberosTicketAuthenticator} made it) gets our ticket step in its place, same requirement
     * and priority: a user the policy turned off is then told why straight after its ticket, not after a password form.
     */
    private static boolean useOurTicketStep(RealmModel realm, AuthenticationFlowModel kerberos,
                                            AuthenticationExecutionModel ticketExecution) {
        AuthenticationFlowModel ticket = realm.getAuthenticationFlowById(ticketExecution.getFlowId());
        List<AuthenticationExecutionModel> inTicket = executions(realm, ticket);
        if (inTicket.size() != 1 || inTicket.get(0).isAuthenticatorFlow() || !SPNEGO.equals(inTicket.get(0).getAuthenticator())) {
            return false;
        }
        AuthenticationExecutionModel spnego = inTicket.get(0);
        realm.removeAuthenticatorExecution(spnego);
        step(realm, ticket, KerberosTicketAuthenticatorFactory.ID, spnego.getRequirement(), spnego.getPriority());
        LOG.infof("Realm %s: the sub-flow '%s' of the browser flow '%s' now checks Kerberos tickets with '%s' (Keycloak's"
            + " step, telling a user its directory turned off why right after the ticket)", realm.getName(),
            ticket.getAlias(), ALIAS, KerberosTicketAuthenticatorFactory.ID);
        return true;
    }

    /** The realm attribute prefix remembering, per (sub-)flow, the shape last warned about. */
    static final String WARNED_SHAPE = "dirsync.loginFlow.warnedShape.";

    /**
     * Logs {@code warning} at WARN the first time {@code flow} has its current shape, and at DEBUG after that (the
     * repair runs at every start): the shape's hash is kept in a realm attribute per flow, so a flow changed again is
     * warned about again.
     */
    private static void warnOnce(RealmModel realm, AuthenticationFlowModel flow, String warning) {
        String key = WARNED_SHAPE + flow.getId();
        String hash = shapeHash(realm, flow);
        if (hash.equals(realm.getAttribute(key))) {
            LOG.debug(warning);
            return;
        }
        LOG.warn(warning);
        realm.setAttribute(key, hash);
    }

    /** A hash of the flow's steps, nested sub-flows included: authenticator or alias, requirement, in order. */
    static String shapeHash(RealmModel realm, AuthenticationFlowModel flow) {
        StringBuilder shape = new StringBuilder();
        describe(realm, flow, 0, shape);
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(shape.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void describe(RealmModel realm, AuthenticationFlowModel flow, int level, StringBuilder shape) {
        for (AuthenticationExecutionModel e : executions(realm, flow)) {
            AuthenticationFlowModel sub = e.isAuthenticatorFlow() ? realm.getAuthenticationFlowById(e.getFlowId()) : null;
            shape.append(level).append(' ').append(sub != null ? "flow:" + sub.getAlias() : e.getAuthenticator())
                .append(' ').append(e.getRequirement()).append('\n');
            if (sub != null) {
                describe(realm, sub, level + 1, shape);
            }
        }
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

    /**
     * The flow exactly as the first version installed it (issue 11): cookie, Keycloak's SPNEGO step (its requirement
     * switched by Kerberos), identity-provider redirector, and the forms sub-flow of password form, status and the second
     * factor (condition, OTP), each with its original requirement. Anything else is an admin's flow.
     */
    private static boolean isFirstShape(RealmModel realm, List<AuthenticationExecutionModel> top) {
        return top.size() == 4
            && isStep(top.get(0), "auth-cookie", Requirement.ALTERNATIVE)
            && !top.get(1).isAuthenticatorFlow() && SPNEGO.equals(top.get(1).getAuthenticator())
            && isStep(top.get(2), "identity-provider-redirector", Requirement.ALTERNATIVE)
            && isSubFlow(realm, top.get(3), FORMS, Requirement.ALTERNATIVE)
            && isStepsAndSecondFactor(realm, realm.getAuthenticationFlowById(top.get(3).getFlowId()),
                StatusUsernamePasswordFormFactory.ID, SECOND_FACTOR);
    }

    /**
     * {@code first} (a step, or any sub-flow when null) then the directory status, both REQUIRED, then the CONDITIONAL
     * second factor of condition and OTP.
     */
    private static boolean isStepsAndSecondFactor(RealmModel realm, AuthenticationFlowModel flow, String first,
                                                  String secondFactorAlias) {
        List<AuthenticationExecutionModel> steps = executions(realm, flow);
        boolean firstOk = steps.size() == 3 && (first == null
            ? steps.get(0).isAuthenticatorFlow() && steps.get(0).getRequirement() == Requirement.REQUIRED
            : isStep(steps.get(0), first, Requirement.REQUIRED));
        if (!firstOk
            || !isStep(steps.get(1), DirectoryStatusAuthenticatorFactory.ID, Requirement.REQUIRED)
            || !isSubFlow(realm, steps.get(2), secondFactorAlias, Requirement.CONDITIONAL)) {
            return false;
        }
        List<AuthenticationExecutionModel> factor = executions(realm, realm.getAuthenticationFlowById(steps.get(2).getFlowId()));
        return factor.size() == 2 && isStep(factor.get(0), SecondFactorConditionFactory.ID, Requirement.REQUIRED)
            && isStep(factor.get(1), OTP_FORM, Requirement.REQUIRED);
    }

    private static boolean isStep(AuthenticationExecutionModel e, String authenticator, Requirement requirement) {
        return !e.isAuthenticatorFlow() && authenticator.equals(e.getAuthenticator()) && e.getRequirement() == requirement;
    }

    private static boolean isSubFlow(RealmModel realm, AuthenticationExecutionModel e, String alias, Requirement requirement) {
        AuthenticationFlowModel sub = e.isAuthenticatorFlow() ? realm.getAuthenticationFlowById(e.getFlowId()) : null;
        return sub != null && alias.equals(sub.getAlias()) && e.getRequirement() == requirement;
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
        return inTicket.size() == 1 && (SPNEGO.equals(inTicket.get(0).getAuthenticator())
            || KerberosTicketAuthenticatorFactory.ID.equals(inTicket.get(0).getAuthenticator()));
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
