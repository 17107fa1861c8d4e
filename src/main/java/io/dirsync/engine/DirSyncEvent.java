package io.dirsync.engine;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;

import io.dirsync.storage.Outcome;

/**
 * What the engine tells other features (the user profile, sign-in, enrollment e-mails), published with
 * {@code KeycloakSessionFactory.publish}: they subscribe with {@code KeycloakSessionFactory.register} instead of being
 * called by the engine. Delivered synchronously, in the engine's session and transaction; a listener that throws
 * refuses the change.
 */
public sealed interface DirSyncEvent extends ProviderEvent {

    KeycloakSession session();

    RealmModel realm();

    Directory directory();

    /** A directory was created, renamed or its settings replaced. */
    record DirectorySaved(KeycloakSession session, RealmModel realm, Directory directory, boolean created)
        implements DirSyncEvent {
    }

    /** A source record changed a user (created, adopted, updated, restored or trashed); the run it belongs to, if any. */
    record UserApplied(KeycloakSession session, RealmModel realm, Directory directory, UserModel user, Outcome outcome,
                       SyncRuns.Run run) implements DirSyncEvent {
    }

    /** A user entered the trash (rule 7). */
    record UserTrashed(KeycloakSession session, RealmModel realm, Directory directory, UserModel user, String reason,
                       SyncRuns.Run run) implements DirSyncEvent {
    }

    /** A user left the trash: back in scope, or restored by an admin. */
    record UserRestored(KeycloakSession session, RealmModel realm, Directory directory, UserModel user, SyncRuns.Run run)
        implements DirSyncEvent {
    }

    /**
     * A pull run read its whole source and is about to finish (completed, or held by rule 10): what the run did not
     * change is still in scope. Its report is still open, so a listener may add to it.
     */
    record PullRunEnding(KeycloakSession session, RealmModel realm, Directory directory, SyncRuns.Run run)
        implements DirSyncEvent {
    }
}
