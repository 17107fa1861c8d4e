package io.dirsync.engine;

import static io.dirsync.storage.SubjectType.GROUP;
import static io.dirsync.storage.SubjectType.USER;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

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
 * {@code pending deletion}; a user's effective status through its groups; and the one formula for Keycloak's enabled
 * flag, which is what refuses a disabled user (or a member of a disabled group) at every sign-in and token refresh;
 * turning the flag off also ends the user's sessions ({@link UserSessions#end}) the moment its status changes.
 */
public final class Statuses {

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;
    /**
     * Realm attribute saying that some group of the realm has a status. Most realms have none, and then a user's groups
     * cost no query: the attribute lives in Keycloak's realm cache, which every node invalidates when it changes.
     */
    static final String GROUP_STATUSES_ATTRIBUTE = "dirsync.groupStatuses";

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

    /**
     * The status an admin set on the user itself ({@code active}, {@code bypass}, {@code disabled}), the trash aside:
     * what tells "your account is disabled" from "a group you belong to is disabled" at sign-in.
     */
    public SubjectStatus ownOf(UserModel user) {
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
            applyEnabled(realm, target, store.managedUser(user.getId()));
            engine.guards().ownerOf(target).ifPresent(d -> engine.users().evictIfFederated(realm, d, target));
        });
    }

    /**
     * A user's status at sign-in, through its groups (their ancestors included), by precedence: {@code disabled} (the
     * user or any group) over {@code pending deletion} over {@code bypass} (the user or any group) over {@code active}.
     */
    public SubjectStatus effectiveOf(RealmModel realm, UserModel user) {
        return effective(realm, user, null, false);
    }

    /**
     * A group's status changed: its members' (and its subgroups' members') enabled flag follows at once, so that a
     * disabled group's members can neither sign in nor refresh a token ({@link #follow}).
     */
    public void setForGroup(RealmModel realm, GroupModel group, SubjectStatus status) {
        saveStatus(realm, group.getId(), GROUP, status);
        markGroupStatuses(realm, store.hasGroupStatuses(realm.getId()));
        EngineWrites.run(session, () -> applyToMembers(realm, group));
    }

    private void applyToMembers(RealmModel realm, GroupModel group) {
        // Members by id through the user cache: the stream's users are the database's, and a change made on them would
        // leave the cached copy (what sign-in reads) stale.
        session.users().getGroupMembersStream(realm, group).map(UserModel::getId).toList().forEach(id -> {
            UserModel member = session.users().getUserById(realm, id);
            if (member == null) {
                return;
            }
            follow(realm, member, effective(realm, member, null, false));
        });
        group.getSubGroupsStream().toList().forEach(sub -> applyToMembers(realm, sub));
    }

    /**
     * A group-driven change of a user's effective status reaches Keycloak's enabled flag: a managed user's flag is the
     * formula's (the sync owns it); an unmanaged user is disabled when its effective status is, but never enabled by a
     * group's change, so that an account an admin disabled by hand stays disabled.
     */
    private void follow(RealmModel realm, UserModel user, SubjectStatus effective) {
        ManagedUserEntity managed = store.managedUser(user.getId());
        boolean enabled = managed != null ? enabledFor(managed, effective)
            : effective != SubjectStatus.DISABLED && user.isEnabled();
        if (user.isEnabled() != enabled) {
            UserModel target = engine.users().writable(realm, user);
            EngineWrites.run(session, () -> {
                target.setEnabled(enabled);
                if (!enabled) {
                    UserSessions.end(session, realm, target);
                }
                engine.guards().ownerOf(target).ifPresent(d -> engine.users().evictIfFederated(realm, d, target));
            });
        }
    }

    /** A user joins or leaves {@code group} (any path: a sync, the admin console): its enabled flag follows. */
    void membershipChanging(RealmModel realm, UserModel user, GroupModel group, boolean joining) {
        if (!groupStatusesIn(realm)) {
            return;
        }
        follow(realm, user, effective(realm, user, group, joining));
    }

    private SubjectStatus effective(RealmModel realm, UserModel user, GroupModel changing, boolean joining) {
        ManagedUserEntity managed = store.managedUser(user.getId());
        SubjectStatusEntity own = store.userStatus(user.getId(), managed);
        SubjectStatus ownStatus = own == null ? SubjectStatus.ACTIVE : SubjectStatus.fromStored(own.getStatus());
        Set<SubjectStatus> groups = groupStatusesOf(realm, user, changing, joining);
        if (ownStatus == SubjectStatus.DISABLED || groups.contains(SubjectStatus.DISABLED)) {
            return SubjectStatus.DISABLED;
        }
        if (managed != null && managed.isTrashed()) {
            return SubjectStatus.PENDING_DELETION;
        }
        if (ownStatus == SubjectStatus.BYPASS || groups.contains(SubjectStatus.BYPASS)) {
            return SubjectStatus.BYPASS;
        }
        return SubjectStatus.ACTIVE;
    }

    /** The statuses of the user's groups and their ancestors ({@code changing} joined or left as it happens). */
    private Set<SubjectStatus> groupStatusesOf(RealmModel realm, UserModel user, GroupModel changing, boolean joining) {
        if (!groupStatusesIn(realm)) {
            return Set.of();
        }
        Set<GroupModel> direct = new HashSet<>(user.getGroupsStream().toList());
        if (changing != null && joining) {
            direct.add(changing);
        } else if (changing != null) {
            direct.removeIf(g -> g.getId().equals(changing.getId()));
        }
        Set<String> ids = new HashSet<>();
        for (GroupModel g : direct) {
            for (GroupModel at = g; at != null && ids.add(at.getId()); at = at.getParent()) {
                // the group and its ancestors
            }
        }
        return store.statuses(ids).stream().map(s -> SubjectStatus.fromStored(s.getStatus())).collect(Collectors.toSet());
    }

    private static boolean groupStatusesIn(RealmModel realm) {
        return Boolean.parseBoolean(realm.getAttribute(GROUP_STATUSES_ATTRIBUTE));
    }

    /** Sets or clears the realm's {@link #GROUP_STATUSES_ATTRIBUTE} (also at start-up, for statuses set before it). */
    static void markGroupStatuses(RealmModel realm, boolean any) {
        if (any != groupStatusesIn(realm)) {
            if (any) {
                realm.setAttribute(GROUP_STATUSES_ATTRIBUTE, "true");
            } else {
                realm.removeAttribute(GROUP_STATUSES_ATTRIBUTE);
            }
        }
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
            store.persistStatus(s);
        } else {
            s.setStatus(status.id());
        }
        store.flush();
    }

    /** One formula for Keycloak's enabled flag: in scope, active in the source, and not disabled by an admin. */
    void applyEnabled(RealmModel realm, UserModel user, ManagedUserEntity managed) {
        applyEnabled(realm, user, managed, false);
    }

    /** @param createdNow the user was created in this transaction, so has no admin status and no group yet */
    void applyEnabled(RealmModel realm, UserModel user, ManagedUserEntity managed, boolean createdNow) {
        SubjectStatus status = createdNow ? SubjectStatus.ACTIVE : effective(realm, user, null, false);
        boolean enabled = enabledFor(managed, status);
        if (user.isEnabled() != enabled) {
            user.setEnabled(enabled);
            // Turned off now: its sessions end now too (a user created in this transaction has none).
            if (!enabled && !createdNow) {
                UserSessions.end(session, realm, user);
            }
        }
    }

    /** In scope, active in the source, and not disabled (by its own status or a group's). */
    private static boolean enabledFor(ManagedUserEntity managed, SubjectStatus effective) {
        return (managed == null || (!managed.isTrashed() && managed.isSourceActive()))
            && effective != SubjectStatus.DISABLED;
    }
}
