import { useAccess, useEnvironment, useRealm } from "@keycloak/keycloak-admin-ui";
import { accessOf } from "../routes";
import { Label, Nav, NavGroup, PageSidebar, PageSidebarBody } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router-dom";
import type { AdminEnvironment } from "@keycloak/keycloak-admin-ui";

type Entry = { title: string; path: string; shown?: boolean };

/**
 * The console's left navigation: Keycloak's own sections, then a "Directory sync" group with our
 * pages. Each entry is shown only to admins who may open it: the roles are those of the route it
 * opens, so the navigation and the page never disagree.
 */
export const ConsoleNav = ({ isOpen }: { isOpen: boolean }) => {
  const { t } = useTranslation();
  const { hasAccess, hasSomeAccess } = useAccess();
  const { realm, realmRepresentation } = useRealm();
  const { environment } = useEnvironment<AdminEnvironment>();
  const feature = (name: string) =>
    (realmRepresentation as unknown as Record<string, unknown>)[name] === true;

  const groups: { title?: string; entries: Entry[] }[] = [
    {
      entries: [
        { title: "manageRealms", path: "/realms", shown: environment.masterRealm === environment.realm },
      ],
    },
    {
      title: "manage",
      entries: [
        { title: "organizations", path: "/organizations", shown: feature("organizationsEnabled") },
        { title: "clients", path: "/clients" },
        { title: "clientScopes", path: "/client-scopes" },
        { title: "realmRoles", path: "/roles" },
        { title: "users", path: "/users" },
        { title: "groups", path: "/groups" },
        { title: "sessions", path: "/sessions" },
        { title: "events", path: "/events" },
      ],
    },
    {
      title: "configure",
      entries: [
        { title: "realmSettings", path: "/realm-settings" },
        { title: "authentication", path: "/authentication" },
        { title: "permissions", path: "/permissions", shown: feature("adminPermissionsEnabled") },
        { title: "identityProviders", path: "/identity-providers" },
        { title: "userFederation", path: "/user-federation" },
      ],
    },
    {
      title: "dirsyncNavGroup",
      entries: [
        { title: "dirsyncDirectories", path: "/dirsync/directories" },
        { title: "dirsyncPendingEnrollments", path: "/dirsync/enrollments" },
        { title: "dirsyncTrash", path: "/dirsync/trash" },
      ],
    },
  ];

  return (
    <PageSidebar className="keycloak__page_nav__nav" isSidebarOpen={isOpen}>
      <PageSidebarBody>
        <Nav>
          <h2 className="pf-v5-c-nav__section-title" style={{ wordWrap: "break-word" }}>
            <span data-testid="currentRealm">{realmRepresentation?.displayName || realm}</span>{" "}
            <Label color="blue">{t("currentRealm")}</Label>
          </h2>
          {groups.map((group, index) => {
            const entries = group.entries.filter((e) => {
              const access = accessOf(e.path);
              return e.shown !== false && access !== undefined && hasAccess(...access);
            });
            if (entries.length === 0 || (group.title === "manage" && !hasSomeAccess("view-realm", "query-users", "query-groups", "query-clients", "view-events", "query-organizations"))) {
              return null;
            }
            const list = entries.map((e) => (
              <li key={e.path}>
                <NavLink
                  id={"nav-item" + e.path.replace(/\//g, "-")}
                  data-testid={"nav-item" + e.path.replace(/\//g, "-")}
                  to={`/${encodeURIComponent(realm)}${e.path}`}
                  className={({ isActive }) => `pf-v5-c-nav__link${isActive ? " pf-m-current" : ""}`}
                >
                  {t(e.title)}
                </NavLink>
              </li>
            ));
            return group.title ? (
              <NavGroup key={group.title} aria-label={t(group.title)} title={t(group.title)}>
                {list}
              </NavGroup>
            ) : (
              <NavGroup key={index}>{list}</NavGroup>
            );
          })}
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
};
