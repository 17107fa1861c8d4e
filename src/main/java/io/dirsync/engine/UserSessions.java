package io.dirsync.engine;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakUriInfo;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.light.LightweightUserAdapter;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Ends a user's Keycloak sessions the moment the engine turns the user off (disabled, a disabled group's member,
 * trashed), as an admin's "Sign out" of the user does (Keycloak's {@code UserResource#logout}): tokens issued before
 * now are no longer accepted (not-before), and every session is logged out through the back channel, so that clients
 * with a back-channel logout URL hear of it. Offline sessions end too: nothing already issued stays usable.
 */
final class UserSessions {

    private UserSessions() {
    }

    static void end(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!LightweightUserAdapter.isLightweightUser(user)) {
            session.users().setNotBeforeForUser(realm, user, Time.currentTime());
        }
        KeycloakUriInfo uri = requestUri(session);
        // Keycloak's logout makes a logout auth session the context's; whatever the caller had stays its own.
        AuthenticationSessionModel callers = session.getContext().getAuthenticationSession();
        try {
            for (UserSessionModel s : session.sessions().getUserSessionsStream(realm, user).toList()) {
                if (uri != null) {
                    AuthenticationManager.backchannelLogout(session, realm, s, uri, session.getContext().getConnection(),
                        session.getContext().getRequestHeaders(), true);
                } else {
                    session.sessions().removeUserSession(realm, s);
                }
            }
            for (UserSessionModel s : session.sessions().getOfflineUserSessionsStream(realm, user).toList()) {
                if (uri != null) {
                    AuthenticationManager.backchannelLogout(session, realm, s, uri, session.getContext().getConnection(),
                        session.getContext().getRequestHeaders(), true, true);
                } else {
                    session.sessions().removeOfflineUserSession(realm, s);
                }
            }
        } finally {
            session.getContext().setAuthenticationSession(callers);
        }
    }

    /**
     * The request's URI, which the back-channel logout needs for its cookies and logout tokens; null on a pull's worker
     * thread or a timer, where there is no request and the sessions are only removed.
     */
    private static KeycloakUriInfo requestUri(KeycloakSession session) {
        try {
            return session.getContext().getUri();
        } catch (RuntimeException noRequest) {
            return null;
        }
    }
}
