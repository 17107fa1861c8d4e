package io.dirsync.engine;

import java.util.List;
import java.util.Locale;

import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * SPEC rule 12: the admin roles a directory group can map to (any pull source's admin groups, {@link AdminGroups}; the
 * engine grants and revokes them, see {@link DirectoryAdminRoles}), each realised as a composite realm role
 * {@code dirsync-admin-<role>} holding a fixed, documented set of {@code realm-management} client roles:
 *
 * <table>
 * <tr><th>role</th><th>realm role</th><th>realm-management roles</th></tr>
 * <tr><td>Owner</td><td>dirsync-admin-owner</td><td>realm-admin (everything)</td></tr>
 * <tr><td>Administrator</td><td>dirsync-admin-administrator</td><td>manage-realm, manage-users, manage-clients,
 *     manage-events, manage-identity-providers, manage-authorization, view-realm, view-users, view-clients,
 *     view-events, view-identity-providers, view-authorization, query-users, query-groups, query-clients, query-realms</td></tr>
 * <tr><td>User Manager</td><td>dirsync-admin-user-manager</td><td>manage-users, view-users, query-users, query-groups</td></tr>
 * <tr><td>Help Desk</td><td>dirsync-admin-help-desk</td><td>view-users, query-users, query-groups, view-events</td></tr>
 * <tr><td>Read-only</td><td>dirsync-admin-read-only</td><td>view-realm, view-users, view-clients, view-events,
 *     view-identity-providers, view-authorization, query-users, query-groups, query-clients, query-realms</td></tr>
 * </table>
 */
public final class AdminRoleSets {

    public static final String PREFIX = "dirsync-admin-";

    public enum Role {
        OWNER("Owner", List.of(AdminRoles.REALM_ADMIN)),
        ADMINISTRATOR("Administrator", List.of(AdminRoles.MANAGE_REALM, AdminRoles.MANAGE_USERS, AdminRoles.MANAGE_CLIENTS,
            AdminRoles.MANAGE_EVENTS, AdminRoles.MANAGE_IDENTITY_PROVIDERS, AdminRoles.MANAGE_AUTHORIZATION,
            AdminRoles.VIEW_REALM, AdminRoles.VIEW_USERS, AdminRoles.VIEW_CLIENTS, AdminRoles.VIEW_EVENTS,
            AdminRoles.VIEW_IDENTITY_PROVIDERS, AdminRoles.VIEW_AUTHORIZATION, AdminRoles.QUERY_USERS,
            AdminRoles.QUERY_GROUPS, AdminRoles.QUERY_CLIENTS, AdminRoles.QUERY_REALMS)),
        USER_MANAGER("User Manager", List.of(AdminRoles.MANAGE_USERS, AdminRoles.VIEW_USERS, AdminRoles.QUERY_USERS,
            AdminRoles.QUERY_GROUPS)),
        HELP_DESK("Help Desk", List.of(AdminRoles.VIEW_USERS, AdminRoles.QUERY_USERS, AdminRoles.QUERY_GROUPS,
            AdminRoles.VIEW_EVENTS)),
        READ_ONLY("Read-only", List.of(AdminRoles.VIEW_REALM, AdminRoles.VIEW_USERS, AdminRoles.VIEW_CLIENTS,
            AdminRoles.VIEW_EVENTS, AdminRoles.VIEW_IDENTITY_PROVIDERS, AdminRoles.VIEW_AUTHORIZATION,
            AdminRoles.QUERY_USERS, AdminRoles.QUERY_GROUPS, AdminRoles.QUERY_CLIENTS, AdminRoles.QUERY_REALMS));

        final String label;
        final List<String> realmManagementRoles;

        Role(String label, List<String> realmManagementRoles) {
            this.label = label;
            this.realmManagementRoles = realmManagementRoles;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public String realmRoleName() {
            return PREFIX + id();
        }

        public static Role parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace(' ', '-').replace('_', '-');
            for (Role r : values()) {
                if (r.id().equals(v) || r.label.equalsIgnoreCase(value == null ? "" : value.trim())) {
                    return r;
                }
            }
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "Unknown admin role '" + value
                + "'; use one of owner, administrator, user-manager, help-desk, read-only");
        }
    }

    private AdminRoleSets() {
    }

    /** The composite realm role of {@code role}, created with its documented realm-management roles if missing. */
    public static RoleModel ensure(RealmModel realm, Role role) {
        RoleModel r = realm.getRole(role.realmRoleName());
        if (r == null) {
            r = realm.addRole(role.realmRoleName());
            r.setDescription("Directory sync admin role " + role.label + ": granted to members of the directory groups mapped to it");
            ClientModel rm = realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
            for (String name : role.realmManagementRoles) {
                RoleModel composite = rm == null ? null : rm.getRole(name);
                if (composite != null) {
                    r.addCompositeRole(composite);
                }
            }
        }
        return r;
    }
}
