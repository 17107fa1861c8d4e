package io.dirsync.enrollment;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.ActionTokenHandler;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.timer.TimerProvider;

import io.dirsync.engine.DirSyncEvent;
import io.dirsync.storage.Outcome;

/**
 * Opens an enrollment link: Keycloak's action-token endpoint has checked the signature and expiry; this handler checks
 * that the link is the live one of a pending enrollment (a deleted enrollment or an older cycle's link is refused with
 * Keycloak's invalid-link page) and runs Keycloak's own set-up of the directory's second factors, plus "update password"
 * for a user who has no way to sign in yet. Also the enrollment feature's factory: its options, its job and its
 * subscription to the engine's events.
 */
public class EnrollmentActionTokenHandler extends AbstractActionTokenHandler<EnrollmentActionToken> {

    public static final String ID = EnrollmentActionToken.TOKEN_TYPE;
    static final String TASK = "dirsync-enrollment-emails";
    /** The message of a link that is not (any more) the live one. */
    static final String LINK_INVALID = "dirsyncEnrollmentLinkInvalid";
    private static final Logger LOG = Logger.getLogger(EnrollmentActionTokenHandler.class);

    private EnrollmentConfig config;
    private final UnseenSweeps sweeps = new UnseenSweeps();

    public EnrollmentActionTokenHandler() {
        super(ID, EnrollmentActionToken.class, LINK_INVALID, EventType.EXECUTE_ACTIONS, Errors.INVALID_TOKEN);
    }

    static EnrollmentConfig config(KeycloakSession session) {
        Object factory = session.getKeycloakSessionFactory().getProviderFactory(ActionTokenHandler.class, ID);
        return ((EnrollmentActionTokenHandler) factory).config;
    }

    static UnseenSweeps sweeps(KeycloakSession session) {
        Object factory = session.getKeycloakSessionFactory().getProviderFactory(ActionTokenHandler.class, ID);
        return ((EnrollmentActionTokenHandler) factory).sweeps;
    }

    @Override
    public void init(Config.Scope scope) {
        config = EnrollmentConfig.from(scope);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof DirSyncEvent.UserApplied applied && applied.outcome() != Outcome.TRASHED) {
                Enrollments.of(applied.session()).consider(applied.realm(), applied.directory(), applied.user(),
                    applied.outcome(), applied.run());
            } else if (event instanceof DirSyncEvent.UserRestored restored) {
                Enrollments.of(restored.session()).consider(restored.realm(), restored.directory(), restored.user(),
                    Outcome.RESTORED, restored.run());
            } else if (event instanceof DirSyncEvent.PullRunEnding ending) {
                Enrollments.of(ending.session()).pullRunEnding(ending.realm(), ending.directory(), ending.run());
            } else if (event instanceof DirSyncEvent.DirectorySaved saved) {
                EnrollmentSettings.validate(saved.directory().settings());
                Enrollments.of(saved.session()).directorySaved(saved.directory());
            } else if (event instanceof PostMigrationEvent) {
                try (KeycloakSession session = factory.create()) {
                    session.getProvider(TimerProvider.class).schedule(
                        new ClusterAwareScheduledTaskRunner(factory, new EnrollmentTask(), config.tickMillis()),
                        config.tickMillis(), TASK);
                }
                if (config.linkSecret() != null) {
                    LOG.infof("Directory sync: enrollment e-mails sent every %d s", config.tickMillis() / 1000);
                } else if (config.devMode()) {
                    LOG.warnf("Directory sync: enrollment e-mails sent every %d s; development mode without %s: the"
                        + " database alone holds all that makes a link", config.tickMillis() / 1000, EnrollmentConfig.SECRET_OPTION);
                } else {
                    LOG.warnf("Directory sync: enrollment e-mails are NOT sent until %s is set (the same on every node):"
                        + " without it the database alone would be enough to make a link", EnrollmentConfig.SECRET_OPTION);
                }
            }
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public Predicate<? super EnrollmentActionToken>[] getVerifiers(ActionTokenContext<EnrollmentActionToken> context) {
        return TokenUtils.predicates(TokenUtils.checkThat(
            t -> Enrollments.of(context.getSession()).isCurrentLink(context.getRealm(), t,
                context.getAuthenticationSession().getAuthenticatedUser()),
            Errors.INVALID_TOKEN, LINK_INVALID));
    }

    @Override
    public Response handleToken(EnrollmentActionToken token, ActionTokenContext<EnrollmentActionToken> context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        KeycloakSession session = context.getSession();
        UserModel user = authSession.getAuthenticatedUser();
        List<String> actions = Enrollments.of(session).requiredActions(context.getRealm(), user);
        if (context.isAuthenticationSessionFresh()) {
            // A link opened in a new browser: confirm first, as Keycloak's own "execute actions" links do, so that the
            // browser holds the authentication session the required actions run in.
            token.setCompoundAuthenticationSessionId(AuthenticationSessionCompoundId.fromAuthSession(authSession).getEncodedId());
            String confirm = Urls.actionTokenBuilder(context.getUriInfo().getBaseUri(),
                    token.serialize(session, context.getRealm(), context.getUriInfo()), authSession.getClient().getClientId(),
                    authSession.getTabId(), AuthenticationProcessor.getClientData(session, authSession))
                .build(context.getRealm().getName()).toString();
            return session.getProvider(LoginFormsProvider.class).setAuthenticationSession(authSession)
                .setSuccess(Messages.CONFIRM_EXECUTION_OF_ACTIONS)
                .setAttribute(Constants.TEMPLATE_ATTR_ACTION_URI, confirm)
                .setAttribute(Constants.TEMPLATE_ATTR_REQUIRED_ACTIONS, actions)
                .createInfoPage();
        }
        actions.forEach(authSession::addRequiredAction);
        String next = AuthenticationManager.nextRequiredAction(session, authSession, context.getRequest(), context.getEvent());
        return AuthenticationManager.redirectToRequiredActions(session, context.getRealm(), authSession, context.getUriInfo(), next);
    }

    /** The link works until the user has enrolled (the job then closes the enrollment) or it expires. */
    @Override
    public boolean canUseTokenRepeatedly(EnrollmentActionToken token, ActionTokenContext<EnrollmentActionToken> context) {
        return true;
    }
}
