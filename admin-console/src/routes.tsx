import { routes as keycloakRoutes } from "@keycloak/keycloak-admin-ui";
import type { AccessType } from "@keycloak/keycloak-admin-client/lib/defs/whoAmIRepresentation";
import type { TFunction } from "i18next";
import type { ComponentType } from "react";
import type { NonIndexRouteObject } from "react-router-dom";
import { DirectoriesSection } from "./directories/DirectoriesSection";
import { NewDirectory } from "./directories/NewDirectory";
import { DirectoryDetails } from "./directories/DirectoryDetails";
import { TrashSection } from "./trash/TrashSection";
import { EnrollmentsSection } from "./enrollments/EnrollmentsSection";
import { withUserDirectoryPanel, withGroupDirectoryPanel } from "./users/DirectoryPanels";
import { readsDirectories, readsUsers } from "./shell/access";

export type ConsoleRoute = NonIndexRouteObject & {
  path: string;
  handle: { access: AccessType | AccessType[]; breadcrumb?: (t: TFunction) => string | ComponentType<any> };
};

/**
 * Our pages. Access mirrors the REST API: a directory's configuration is read with view-users,
 * view-realm or manage-realm (readsDirectories), what concerns users with view-users (readsUsers;
 * manage-users includes it); the action
 * buttons and a directory's tabs check the roles each needs (see shell/useDirSyncAccess).
 */
export const dirsyncRoutes: ConsoleRoute[] = [
  {
    path: "/:realm/dirsync/directories",
    element: <DirectoriesSection />,
    handle: { access: readsDirectories, breadcrumb: (t) => t("dirsyncDirectories") },
  },
  {
    path: "/:realm/dirsync/directories/new/:type",
    element: <NewDirectory />,
    handle: { access: "manage-realm", breadcrumb: (t) => t("dirsyncAddDirectory") },
  },
  {
    path: "/:realm/dirsync/directories/:id/:tab",
    element: <DirectoryDetails />,
    handle: { access: readsDirectories, breadcrumb: (t) => t("dirsyncDirectoryDetails") },
  },
  {
    // A run's report, under the directory's History tab.
    path: "/:realm/dirsync/directories/:id/history/:runId",
    element: <DirectoryDetails />,
    handle: { access: readsUsers, breadcrumb: (t) => t("dirsyncRunReport") },
  },
  {
    path: "/:realm/dirsync/enrollments",
    element: <EnrollmentsSection />,
    handle: { access: readsUsers, breadcrumb: (t) => t("dirsyncPendingEnrollments") },
  },
  {
    path: "/:realm/dirsync/trash",
    element: <TrashSection />,
    handle: { access: readsUsers, breadcrumb: (t) => t("dirsyncTrash") },
  },
];

const USER_PAGE = "/:realm/users/:id/:tab";
/** Keycloak's realm group pages: a top-level group ("/groups/{id}") and nested ones ("/groups/{a}/{b}"). */
const GROUP_PAGES = ["/:realm/groups/:id", "/:realm/groups/*"];

/**
 * Keycloak's routes, with the user and group pages wrapped to show the owning directory, and ours
 * before Keycloak's catch-all "page not found".
 */
export const consoleRoutes: ConsoleRoute[] = [
  ...keycloakRoutes
    .filter((r) => r.path !== "*")
    .map((r) =>
      r.path === USER_PAGE
        ? { ...r, element: withUserDirectoryPanel(r.element) }
        : GROUP_PAGES.includes(r.path)
          ? { ...r, element: withGroupDirectoryPanel(r.element) }
          : r,
    ),
  ...dirsyncRoutes,
  ...keycloakRoutes.filter((r) => r.path === "*"),
];

/** The roles a navigation entry needs: those of the route it opens (as Keycloak's own navigation does). */
export function accessOf(navPath: string): AccessType[] | undefined {
  const route = consoleRoutes.find((r) => r.path.replace(/\/:.+?(\?|(?:(?!\/).)*|$)/g, "") === navPath);
  if (!route) return undefined;
  const access = route.handle.access;
  return Array.isArray(access) ? access : [access];
}
