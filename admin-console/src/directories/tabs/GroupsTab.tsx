import { useConfirmDialog } from "@keycloak/keycloak-admin-ui";
import { KeycloakDataTable, ListEmptyState, useAlerts } from "@keycloak/keycloak-ui-shared";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { ManagedGroup, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import { StatusLabel } from "../../shell/StatusLabel";
import type { DirectoryTabProps } from "../DirectoryDetails";

/** The groups the directory manages (rule 6); Remove from directory (rule 8) with what it does. */
export const GroupsTab = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [selected, setSelected] = useState<ManagedGroup>();
  const [key, setKey] = useState(0);

  const [confirmRemove, RemoveDialog] = useConfirmDialog({
    titleKey: "dirsyncRemoveGroupTitle",
    messageKey: t("dirsyncRemoveGroupMessage", { group: selected?.name ?? selected?.sourceName, directory: directory.name }),
    continueButtonLabel: "dirsyncRemoveGroup",
    continueButtonVariant: "danger" as any,
    onConfirm: async () => {
      try {
        await api.removeGroup(directory.id, selected!.id);
        addAlert(t("dirsyncGroupRemoved"));
        setKey((k) => k + 1);
        refresh();
      } catch (e) {
        addError("dirsyncError", e);
      }
    },
  });

  return (
    <>
      <RemoveDialog />
      <KeycloakDataTable<ManagedGroup>
        key={key}
        ariaLabelKey="dirsyncGroups"
        searchPlaceholderKey="dirsyncSearchGroup"
        isPaginated
        loader={async (first, max, search) => {
          const needle = (search ?? "").toLowerCase();
          const all = (await api.groups(directory.id)).filter(
            (g) => !needle || (g.name ?? g.sourceName).toLowerCase().includes(needle),
          );
          return all.slice(first ?? 0, (first ?? 0) + (max ?? all.length));
        }}
        columns={[
          {
            name: "name",
            displayKey: "name",
            cellRenderer: (g) =>
              g.name ? <Link to={`/${encodeURIComponent(realm!)}/groups/${g.id}`}>{g.name}</Link> : g.sourceName,
          },
          { name: "sourceName", displayKey: "dirsyncSourceName" },
          { name: "externalId", displayKey: "dirsyncExternalId", cellRenderer: (g) => g.externalId ?? "—" },
          { name: "status", displayKey: "status", cellRenderer: (g) => <StatusLabel status={g.status ?? "active"} /> },
        ]}
        actions={
          canConfigure
            ? [
                {
                  title: t("dirsyncRemoveGroup"),
                  onRowClick: (g) => {
                    setSelected(g);
                    confirmRemove();
                  },
                },
              ]
            : undefined
        }
        emptyState={<ListEmptyState message={t("dirsyncNoGroups")} instructions={t("dirsyncNoGroupsInstructions")} />}
      />
    </>
  );
};
