import { useAccess } from "@keycloak/keycloak-admin-ui";
import type { AccessType } from "@keycloak/keycloak-admin-client/lib/defs/whoAmIRepresentation";

/**
 * A route's access that any one of the roles grants (Keycloak's console calls such a function with its checker). Its
 * text is what the "forbidden" page lists, so it names the roles rather than showing the function.
 */
export function anyOf(...roles: AccessType[]): AccessType {
  const check = ({ hasAny }: { hasAny: (...types: AccessType[]) => boolean }) => hasAny(...roles);
  check.toString = () => roles.join(" or ");
  return check;
}

/**
 * Who may read what concerns users (a directory's groups and runs, the trash, enrollments): view-users, which
 * manage-users includes on the server — but not in the roles the console is told, which are only those held.
 */
export const readsUsers = anyOf("view-users", "manage-users");

/**
 * Who may read a directory's configuration (the list, a directory's settings, credentials and mappings): the API's
 * reads take view-users or view-realm, and manage-realm includes view-realm — as Keycloak reads its own user
 * federation. An admin with only manage-realm configures directories without seeing their users.
 */
export const readsDirectories = anyOf("view-users", "manage-users", "view-realm", "manage-realm");

/**
 * What the signed-in admin may do on our pages: the roles the REST API demands for each action.
 * An admin with only view-users sees every page and no action button; one with only manage-realm
 * sees and changes the directories' configuration, and no page or tab about their users.
 */
export function useDirSyncAccess() {
  const { hasAccess, hasSomeAccess } = useAccess();
  return {
    /** create, edit, delete a directory; tokens; mappings; removing a group (manage-realm) */
    canConfigure: hasAccess("manage-realm"),
    /** a directory's users, groups, runs, the trash, enrollments (view-users; manage-users includes it) */
    canViewUsers: hasSomeAccess("view-users", "manage-users"),
    /** sync, confirm a held run, restore and delete from the trash, enrollments, user status (manage-users) */
    canManageUsers: hasAccess("manage-users"),
  };
}
