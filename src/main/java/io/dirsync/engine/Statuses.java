package io.dirsync.engine;

import static io.dirsync.storage.SubjectType.GROUP;
import static io.dirsync.storage.SubjectType.USER;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.SubjectStatusEntity;
import io.dirsync.storage.SubjectType;

/**
 * Statuses (rule 11): a user's or group's admin-set status ({@code active}, {@code bypass}, {@code disabled}) or
 * {@code pending deletion}, and the one formula for Keycloak's enabled flag.
 */
public final class Statuses {

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;

    Statuses(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.session = session;
        this.store = engine.store();
    }

    public SubjectStatus ofUser(UserModel user) {
        if (store.trashedUser(user.getId()) != null) {
            return SubjectStatus.PENDING_DELETION;
        }
        SubjectStatusEntity s = store.status(user.getId());
        return s == null ? SubjectStatus.ACTIVE : SubjectStatus.fromStored(s.getStatus());
    }

    public SubjectStatus ofGroup(GroupModel group) {
        SubjectStatusEntity s = store.status(group.getId());
        return s == null ? SubjectStatus.ACTIVE : SubjectStatus.fromStored(s.getStatus());
    }

    public void setForUser(RealmModel realm, UserModel user, SubjectStatus status) {
        if (store.trashedUser(user.getId()) != null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "User '" + user.getUsername() + "' is pending deletion; restore it from the trash first");
        }
        saveStatus(realm, user.getId(), USER, status);
        UserModel target = engine.users().writable(realm, user);
        EngineWrites.run(session, () -> {
            applyEnabled(target, store.managedUser(user.getId()));
            engine.guards().ownerOf(target).ifPresent(d -> engine.users().evictIfFederated(realm, d, target));
        });
    }

    public void setForGroup(RealmModel realm, GroupModel group, SubjectStatus status) {
        saveStatus(realm, group.getId(), GROUP, status);
    }

    private void saveStatus(RealmModel realm, String subjectId, SubjectType type, SubjectStatus status) {
        SubjectStatusEntity s = store.status(subjectId);
        if (status == SubjectStatus.ACTIVE) {
            store.remove(s);
        } else if (s == null) {
            s = new SubjectStatusEntity();
            s.setSubjectId(subjectId);
            s.setRealmId(realm.getId());
            s.setSubjectType(type);
            s.setStatus(status.id());
            store.persist(s);
        } else {
            s.setStatus(status.id());
        }
        store.flush();
    }

    /** One formula for Keycloak's enabled flag: in scope, active in the source, and not disabled by an admin. */
    void applyEnabled(UserModel user, ManagedUserEntity managed) {
        applyEnabled(user, managed, false);
    }

    /** @param createdNow the user was created in this transaction, so has no admin status yet */
    void applyEnabled(UserModel user, ManagedUserEntity managed, boolean createdNow) {
        SubjectStatusEntity s = createdNow ? null : store.status(user.getId());
        boolean enabled = (managed == null || (!managed.isTrashed() && managed.isSourceActive()))
            && (s == null || !SubjectStatus.DISABLED.id().equals(s.getStatus()));
        if (user.isEnabled() != enabled) {
            user.setEnabled(enabled);
        }
    }
}
