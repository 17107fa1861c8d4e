package io.dirsync.engine;

import static io.dirsync.storage.SubjectType.USER;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.Outcome;

/**
 * The trash (rule 7): a user who leaves its directory's scope is disabled, its sessions revoked, and deleted for good
 * when its days in the trash are over unless it comes back or an admin restores it.
 */
public final class Trash {

    private static final Logger LOG = Logger.getLogger(Trash.class);

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;
    private final SyncRuns runs;
    private final EngineConfig config;

    Trash(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.session = session;
        this.store = engine.store();
        this.runs = engine.runs();
        this.config = engine.config();
    }

    /** Rule 7: the user left the directory's scope (deleted, deactivated, removed from every synced group). */
    public void deprovision(RealmModel realm, Directory directory, UserModel user, String reason, SyncRuns.Run run) {
        deprovision(realm, directory, user, reason, false, run);
    }

    /**
     * Rule 7, with {@code deletedBySource} when the source deleted the user outright (SCIM DELETE): it is then
     * hidden from the source's own reads (RFC 7644 §3.6) while it waits in the trash.
     */
    public void deprovision(RealmModel realm, Directory directory, UserModel user, String reason, boolean deletedBySource,
                            SyncRuns.Run run) {
        ManagedUserEntity managed = engine.users().requireOwned(directory, user);
        EngineWrites.run(session, () -> {
            if (!managed.isTrashed()) {
                put(realm, directory, user, managed, reason, run);
                engine.users().evictIfFederated(realm, directory, user);
            }
            managed.setSourceDeleted(deletedBySource || managed.isSourceDeleted());
            DirectorySyncEngine.touchRevision(managed);
        });
    }

    /** An admin restores a trashed user; allowed when its directory no longer manages it actively (paused). */
    public void restoreByAdmin(RealmModel realm, UserModel user) {
        ManagedUserEntity managed = store.managedUser(user.getId());
        if (managed == null || !managed.isTrashed()) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "User '" + user.getUsername() + "' is not in the trash");
        }
        DirectoryEntity owner = store.find(DirectoryEntity.class, managed.getDirectoryId());
        if (owner != null && DirectoryStatus.ACTIVE.id().equals(owner.getStatus())) {
            throw new SyncConflictException(SyncConflictException.Kind.OWNERSHIP,
                "User '" + user.getUsername() + "' is trashed by the active directory \"" + owner.getName()
                    + "\"; put it back in scope in the source, or pause the directory to restore it by hand");
        }
        UserModel target = engine.users().writable(realm, user);
        EngineWrites.run(session, () -> {
            managed.setSourceActive(true);
            restore(realm, target, managed, null);
            DirectorySyncEngine.touchRevision(managed);
            engine.statuses().applyEnabled(realm, target, managed);
            engine.guards().ownerOf(target).ifPresent(d -> engine.users().evictIfFederated(realm, d, target));
        });
    }

    /** An admin deletes a trashed user for good, before its 7 days are over. */
    public void deleteForGood(RealmModel realm, UserModel user) {
        if (store.trashedUser(user.getId()) == null) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "User '" + user.getUsername() + "' is not in the trash");
        }
        EngineWrites.run(session, () -> new UserManager(session).removeUser(realm, user));
    }

    /**
     * Deletes for good the realm's trashed users whose days are over, at most {@code max}, the longest due first;
     * returns how many. Idempotent: a user already gone only loses its trash row.
     */
    public int purgeDue(RealmModel realm, int max) {
        long now = Time.currentTimeMillis();
        int purged = 0;
        session.getContext().setRealm(realm);
        for (ManagedUserEntity t : store.trashDue(realm.getId(), now, max)) {
            UserModel user = session.users().getUserById(realm, t.getUserId());
            String username = user == null ? t.getSourceUsername() : user.getUsername();
            if (user == null) {
                store.deleteUserData(t.getUserId());
            } else {
                EngineWrites.run(session, () -> new UserManager(session).removeUser(realm, user));
            }
            LOG.infof("Deleted trashed user '%s' of realm %s for good (in the trash since %d)", username,
                realm.getName(), t.getTrashedAt());
            purged++;
        }
        return purged;
    }

    /**
     * A page of the realm's trash, the soonest deletion first, as read views.
     *
     * @param directoryId only this directory's users (null: every directory's)
     * @param search      only users whose username or e-mail contains it, ignoring case (null: all)
     */
    public java.util.List<TrashedUser> page(RealmModel realm, String directoryId, String search, int first, int max) {
        return store.trash(realm.getId(), directoryId, search, first, max).stream().map(TrashedUser::of).toList();
    }

    /** How many users the realm's trash holds. */
    public long count(RealmModel realm) {
        return count(realm, null, null);
    }

    /** How many users {@link #page} pages through with the same filters. */
    public long count(RealmModel realm, String directoryId, String search) {
        return store.countTrash(realm.getId(), directoryId, search);
    }

    /** The user as the trash holds it, or empty when it is not in the trash. */
    public java.util.Optional<TrashedUser> of(UserModel user) {
        return java.util.Optional.ofNullable(TrashedUser.of(store.trashedUser(user.getId())));
    }

    public boolean contains(UserModel user) {
        return store.trashedUser(user.getId()) != null;
    }

    void put(RealmModel realm, Directory directory, UserModel user, ManagedUserEntity managed, String reason,
                       SyncRuns.Run run) {
        if (!managed.isTrashed()) {
            long now = Time.currentTimeMillis();
            managed.trash(reason, now, now + config.trashRetentionMillis());
        }
        boolean wasEnabled = user.isEnabled();
        // No login, no token refresh (disabled), and nothing already issued stays usable: turning the user off ends
        // its sessions; a user already off has its sessions ended here all the same.
        engine.statuses().applyEnabled(realm, user, managed);
        if (!wasEnabled) {
            UserSessions.end(session, realm, user);
        }
        runs.record(run, Outcome.TRASHED, USER, user.getUsername(), user.getId(), reason);
        engine.publish(new DirSyncEvent.UserTrashed(session, realm, directory, user, reason, run));
    }

    void restore(RealmModel realm, UserModel user, ManagedUserEntity managed, SyncRuns.Run run) {
        managed.untrash();
        managed.setSourceDeleted(false);
        engine.statuses().applyEnabled(realm, user, managed);
        runs.record(run, Outcome.RESTORED, USER, user.getUsername(), user.getId(), null);
        engine.directories().get(realm, managed.getDirectoryId())
            .ifPresent(d -> engine.publish(new DirSyncEvent.UserRestored(session, realm, d, user, run)));
    }
}
