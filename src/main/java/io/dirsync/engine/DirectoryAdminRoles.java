package io.dirsync.engine;

import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.ManagedUserEntity;

/**
 * Administrators (rule 12): the admin roles a directory grants its users from their admin groups, as the documented
 * sets of {@link AdminRoleSets}.
 */
public final class DirectoryAdminRoles {

    private final DirectorySyncEngine engine;
    private final DirSyncStore store;

    DirectoryAdminRoles(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.store = engine.store();
    }

    /** Creates the realm roles the directory's admin groups grant, before the users' transactions that grant them. */
    public void ensure(RealmModel realm, AdminGroups groups) {
        for (AdminRoleSets.Role role : groups.roles()) {
            AdminRoleSets.ensure(realm, role);
        }
    }

    /**
     * Rule 12 for a user a pull source applied: its directory admin roles become exactly those of the admin groups it is
     * in ({@code userGroups}: the source's identifiers of its groups, canonical, see {@link AdminGroups#rolesOf}).
     */
    public boolean setFromGroups(RealmModel realm, Directory directory, UserModel user, AdminGroups groups,
                                 Set<String> userGroups, boolean createdNow) {
        return set(realm, directory, user, groups.rolesOf(userGroups), createdNow);
    }

    /**
     * Rule 12: makes the directory admin roles of a user of {@code directory} exactly {@code roles} (the roles of the
     * admin groups the source says the user is in). Run in the user's transaction.
     *
     * @param createdNow the user was created in this transaction, so holds no role yet
     * @return whether a role was granted or revoked
     */
    public boolean set(RealmModel realm, Directory directory, UserModel user, Set<AdminRoleSets.Role> roles,
                                 boolean createdNow) {
        if (createdNow && roles.isEmpty()) {
            return false;
        }
        boolean changed = false;
        for (AdminRoleSets.Role role : AdminRoleSets.Role.values()) {
            RoleModel r = roles.contains(role) ? AdminRoleSets.ensure(realm, role) : realm.getRole(role.realmRoleName());
            if (r == null) {
                continue; // never granted in this realm
            }
            boolean has = !createdNow && user.hasDirectRole(r);
            if (roles.contains(role) && !has) {
                user.grantRole(r);
                changed = true;
            } else if (!roles.contains(role) && has) {
                user.deleteRoleMapping(r);
                changed = true;
            }
        }
        if (changed) {
            engine.users().evictIfFederated(realm, directory, user);
        }
        return changed;
    }

    /**
     * Rule 12, admin sync: the directory's users not in {@code keepUserIds} (those the source still lists in an admin
     * group) lose every directory admin role.
     */
    public void revokeAllBut(RealmModel realm, Directory directory, Set<String> keepUserIds) {
        for (AdminRoleSets.Role role : AdminRoleSets.Role.values()) {
            RoleModel r = realm.getRole(role.realmRoleName());
            if (r == null) {
                continue;
            }
            for (UserModel u : engine.users().provider(directory).getRoleMembersStream(realm, r).toList()) {
                ManagedUserEntity m = store.managedUser(u.getId());
                if (m != null && m.getDirectoryId().equals(directory.id()) && !keepUserIds.contains(u.getId())) {
                    u.deleteRoleMapping(r);
                    engine.users().evictIfFederated(realm, directory, u);
                }
            }
        }
    }
}
