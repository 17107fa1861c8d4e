import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import { KeycloakDataTable, ListEmptyState } from "@keycloak/keycloak-ui-shared";
import {
  Dropdown,
  DropdownItem,
  DropdownList,
  MenuToggle,
  PageSection,
  ToolbarItem,
} from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Directory, useDirSyncApi } from "../api/dirsync";
import { useDirSyncAccess } from "../shell/access";
import { directoryHealth, formatTime } from "../shell/format";
import { StatusLabel } from "../shell/StatusLabel";
import { DIRECTORY_TYPES } from "./types";

/** External Directories: every directory of the realm, its health and its last run; "Add directory" per type. */
export const DirectoriesSection = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const navigate = useNavigate();
  const { canConfigure } = useDirSyncAccess();
  const [addOpen, setAddOpen] = useState(false);

  const loader = async (first?: number, max?: number, search?: string) => {
    const needle = (search ?? "").toLowerCase();
    const all = (await api.directories()).filter(
      (d) => !needle || d.name.toLowerCase().includes(needle) || d.type.includes(needle),
    );
    return all.slice(first ?? 0, (first ?? 0) + (max ?? all.length));
  };

  const addButton = canConfigure && (
    <Dropdown
      isOpen={addOpen}
      onOpenChange={setAddOpen}
      toggle={(ref) => (
        <MenuToggle ref={ref} variant="primary" onClick={() => setAddOpen(!addOpen)} data-testid="add-directory">
          {t("dirsyncAddDirectory")}
        </MenuToggle>
      )}
    >
      <DropdownList>
        {DIRECTORY_TYPES.map((type) => (
          <DropdownItem
            key={type.id}
            data-testid={`add-directory-${type.id}`}
            description={t(type.descriptionKey)}
            onClick={() => navigate(`/${encodeURIComponent(realm!)}/dirsync/directories/new/${type.id}`)}
          >
            {t(type.labelKey)}
          </DropdownItem>
        ))}
      </DropdownList>
    </Dropdown>
  );

  return (
    <>
      <ViewHeader titleKey="dirsyncDirectories" subKey="dirsyncDirectoriesHelp" />
      <PageSection variant="light" padding={{ default: "noPadding" }}>
        <KeycloakDataTable<Directory>
          ariaLabelKey="dirsyncDirectories"
          searchPlaceholderKey="dirsyncSearchDirectory"
          isPaginated
          loader={loader}
          toolbarItem={addButton && <ToolbarItem>{addButton}</ToolbarItem>}
          columns={[
            {
              name: "name",
              displayKey: "name",
              cellRenderer: (d) => (
                <Link to={`/${encodeURIComponent(realm!)}/dirsync/directories/${d.id}/settings`} data-testid="directory-link">
                  {d.name}
                </Link>
              ),
            },
            { name: "type", displayKey: "type", cellRenderer: (d) => t(`dirsyncType.${d.type}`, d.type) },
            { name: "status", displayKey: "status", cellRenderer: (d) => <StatusLabel status={directoryHealth(d)} /> },
            { name: "userCount", displayKey: "dirsyncUsers", cellRenderer: (d) => <span data-testid="user-count">{d.userCount}</span> },
            { name: "groupCount", displayKey: "dirsyncGroups", cellRenderer: (d) => <span data-testid="group-count">{d.groupCount ?? 0}</span> },
            { name: "trashedCount", displayKey: "dirsyncInTrash", cellRenderer: (d) => String(d.trashedCount) },
            {
              name: "lastRun",
              displayKey: "dirsyncLastRun",
              // A pushed directory's run is the day's pushes (open all day): its last request says more.
              cellRenderer: (d) =>
                d.lastRun && d.lastRun.kind !== "push" ? (
                  <span data-testid="last-run">
                    {formatTime(d.lastRun.endedAt ?? d.lastRun.startedAt)}{" "}
                    <StatusLabel status={d.lastRun.status} testId="run-status" />
                  </span>
                ) : (d.scim ?? d.duo)?.lastRequestAt ? (
                  <span data-testid="last-run">
                    {t("dirsyncLastRequest", { time: formatTime((d.scim ?? d.duo)!.lastRequestAt) })}
                  </span>
                ) : (
                  <span data-testid="last-run">{t("dirsyncNever")}</span>
                ),
            },
          ]}
          emptyState={
            // The table hides its toolbar while the realm has no directory: "Add directory" is offered here then.
            <ListEmptyState message={t("dirsyncNoDirectories")} instructions={t("dirsyncNoDirectoriesInstructions")}>
              {addButton}
            </ListEmptyState>
          }
        />
      </PageSection>
    </>
  );
};
