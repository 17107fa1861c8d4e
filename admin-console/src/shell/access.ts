import { useAccess } from "@keycloak/keycloak-admin-ui";

/**
 * What the signed-in admin may do on our pages: the roles the REST API demands for each action.
 * An admin with only view-users sees every page and no action button.
 */
export function useDirSyncAccess() {
  const { hasAccess } = useAccess();
  return {
    /** create, edit, delete a directory; tokens; mappings; removing a group (manage-realm) */
    canConfigure: hasAccess("manage-realm"),
    /** sync, confirm a held run, restore and delete from the trash, enrollments, user status (manage-users) */
    canManageUsers: hasAccess("manage-users"),
  };
}
