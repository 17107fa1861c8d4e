package io.dirsync.login;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.SubjectStatus;

/**
 * The login policy (SPEC §6, rule 11 at sign-in): which effective statuses are refused, with which message, and the
 * auth-session note that tells later steps of the flow a user's status. The message keys are in
 * {@code theme-resources/messages/messages_en.properties}, Keycloak's fallback for every login theme.
 */
final class LoginPolicy {

    /** Auth-session note: the effective status ({@code active} or {@code bypass}) of a user the policy let through. */
    static final String STATUS_NOTE = "dirsync.effectiveStatus";

    static final String ACCOUNT_DISABLED = "dirsyncAccountDisabled";
    static final String GROUP_DISABLED = "dirsyncGroupDisabled";
    static final String ACCOUNT_REMOVED = "dirsyncAccountRemoved";
    static final String PASSWORD_SIGN_IN_OFF = "dirsyncPasswordSignInOff";
    static final String KDC_UNREACHABLE = "dirsyncKerberosUnreachable";

    private LoginPolicy() {
    }

    /**
     * The message refusing a password sign-in of a user whose directory does not let its users sign in with a Keycloak
     * password ({@link io.dirsync.engine.Directory#passwordSignIn()}), or null.
     */
    static String passwordRefusal(KeycloakSession session, UserModel user) {
        return DirectorySyncEngine.of(session).guards().ownerOf(user)
            .filter(d -> !d.passwordSignIn()).map(d -> PASSWORD_SIGN_IN_OFF).orElse(null);
    }

    static SubjectStatus effectiveStatus(KeycloakSession session, RealmModel realm, UserModel user) {
        return DirectorySyncEngine.of(session).statuses().effectiveOf(realm, user);
    }

    /**
     * The message refusing a user of effective status {@code status}, or null when the policy lets it through. A
     * disabled user is told whether its own account or one of its groups is disabled, never which group.
     */
    static String refusal(KeycloakSession session, UserModel user, SubjectStatus status) {
        return switch (status) {
            case DISABLED -> DirectorySyncEngine.of(session).statuses().ownOf(user) == SubjectStatus.DISABLED
                ? ACCOUNT_DISABLED : GROUP_DISABLED;
            case PENDING_DELETION -> ACCOUNT_REMOVED;
            case ACTIVE, BYPASS -> null;
        };
    }
}
