import { useConfirmDialog, ViewHeader } from "@keycloak/keycloak-admin-ui";
import { KeycloakDataTable, ListEmptyState, useAlerts, useFetch } from "@keycloak/keycloak-ui-shared";
import {
  AlertVariant,
  Button,
  ButtonVariant,
  Label,
  PageSection,
  Text,
  ToolbarItem,
} from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { BulkResult, Directory, TrashedUser, useDirSyncApi } from "../api/dirsync";
import { DirectoryFilter } from "../shell/DirectoryFilter";
import { useDirSyncAccess } from "../shell/access";
import { formatTime } from "../shell/format";
import { relativeTime } from "../shell/times";

/** A trash row as the table needs it: KeycloakDataTable tells selected rows apart by "id". */
type Row = TrashedUser & { id: string };

/**
 * Trash (rule 7): the users the realm's directories deprovisioned, disabled, waiting to be deleted for good.
 * Searched, filtered by directory and paged by the server; restore or delete one, or several at once.
 */
export const TrashSection = () => {
  const { t, i18n } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canManageUsers } = useDirSyncAccess();
  const [total, setTotal] = useState<number>();
  const [matching, setMatching] = useState<number>();
  const [directories, setDirectories] = useState<Directory[]>([]);
  const [directory, setDirectory] = useState("");
  const [selected, setSelected] = useState<Row[]>([]);
  const [target, setTarget] = useState<Row>();
  const [version, setVersion] = useState(0);
  const refresh = () => {
    setSelected([]);
    setVersion((v) => v + 1);
  };
  const realmPath = `/${encodeURIComponent(realm!)}`;

  useFetch(() => api.trashCount(), (c) => setTotal(c.count), [version]);
  useFetch(() => api.directories(), setDirectories, []);

  const loader = async (first?: number, max?: number, search?: string): Promise<Row[]> => {
    const page = await api.trash(first ?? 0, max ?? 10, search, directory || undefined);
    setMatching(page.count);
    return page.users.map((u) => ({ ...u, id: u.userId }));
  };

  /** Says what a bulk operation did: how many were done, and each one left as it was with the reason. */
  const report = (result: BulkResult, doneKey: string, rows: Row[]) => {
    if (result.succeeded.length > 0) addAlert(t(doneKey, { count: result.succeeded.length }));
    if (result.failed.length > 0) {
      const name = (id: string) => rows.find((r) => r.id === id)?.username ?? id;
      addAlert(
        t("dirsyncTrashSomeFailed", { count: result.failed.length }),
        AlertVariant.danger,
        result.failed.map((f) => `${name(f.userId)}: ${f.error}`).join("\n"),
      );
    }
    refresh();
  };

  const restore = async (row: Row) => {
    try {
      await api.restore(row.userId);
      addAlert(t("dirsyncTrashRestored", { username: row.username }));
      refresh();
    } catch (e) {
      addError("dirsyncTrashRestoreFailed", e);
    }
  };

  const [confirmDelete, DeleteDialog] = useConfirmDialog({
    titleKey: "dirsyncTrashDeleteTitle",
    continueButtonLabel: "dirsyncTrashDeletePermanently",
    continueButtonVariant: ButtonVariant.danger,
    onConfirm: async () => {
      if (!target) return;
      try {
        await api.deleteForGood(target.userId);
        addAlert(t("dirsyncTrashDeleted", { username: target.username }));
        refresh();
      } catch (e) {
        addError("dirsyncTrashDeleteFailed", e);
      }
    },
    children: <Text>{t("dirsyncTrashDeleteMessage", { username: target?.username })}</Text>,
  });

  const [confirmRestoreSelected, RestoreSelectedDialog] = useConfirmDialog({
    titleKey: "dirsyncTrashRestoreSelectedTitle",
    continueButtonLabel: "dirsyncTrashRestore",
    onConfirm: async () => {
      const rows = selected;
      try {
        report(await api.restoreSeveral(rows.map((r) => r.id)), "dirsyncTrashRestoredSome", rows);
      } catch (e) {
        addError("dirsyncTrashRestoreFailed", e);
      }
    },
    children: <Text>{t("dirsyncTrashRestoreSelectedMessage", { count: selected.length })}</Text>,
  });

  const [confirmDeleteSelected, DeleteSelectedDialog] = useConfirmDialog({
    titleKey: "dirsyncTrashDeleteSelectedTitle",
    continueButtonLabel: "dirsyncTrashDeletePermanently",
    continueButtonVariant: ButtonVariant.danger,
    onConfirm: async () => {
      const rows = selected;
      try {
        report(await api.deleteSeveralForGood(rows.map((r) => r.id)), "dirsyncTrashDeletedSome", rows);
      } catch (e) {
        addError("dirsyncTrashDeleteFailed", e);
      }
    },
    children: <Text>{t("dirsyncTrashDeleteSelectedMessage", { count: selected.length })}</Text>,
  });

  const toolbar = (
    <>
      <ToolbarItem>
        <DirectoryFilter
          id="dirsync-trash-directory"
          directories={directories}
          value={directory}
          onChange={(value) => {
            setDirectory(value);
            refresh();
          }}
        />
      </ToolbarItem>
      {canManageUsers && (
        <>
          <ToolbarItem>
            <Button
              variant="secondary"
              data-testid="restore-selected"
              isDisabled={selected.length === 0}
              onClick={confirmRestoreSelected}
            >
              {t("dirsyncTrashRestoreSelected")}
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="danger"
              data-testid="delete-selected"
              isDisabled={selected.length === 0}
              onClick={confirmDeleteSelected}
            >
              {t("dirsyncTrashDeleteSelected")}
            </Button>
          </ToolbarItem>
        </>
      )}
      {matching !== undefined && (
        <ToolbarItem align={{ default: "alignRight" }}>
          <Text data-testid="matching-count">{t("dirsyncTrashMatching", { count: matching })}</Text>
        </ToolbarItem>
      )}
    </>
  );

  return (
    <>
      <DeleteDialog />
      <RestoreSelectedDialog />
      <DeleteSelectedDialog />
      <ViewHeader
        titleKey="dirsyncTrash"
        subKey="dirsyncTrashHelp"
        badges={[
          {
            id: "trash-count",
            text: (
              <Label color={total ? "orange" : "grey"} data-testid="trash-count">
                {total === undefined ? "…" : t("dirsyncTrashCount", { count: total })}
              </Label>
            ),
          },
        ]}
      />
      <PageSection variant="light" padding={{ default: "noPadding" }}>
        <KeycloakDataTable<Row>
          key={`${directory}:${version}`}
          ariaLabelKey="dirsyncTrash"
          searchPlaceholderKey="dirsyncTrashSearch"
          isPaginated
          isSearching={directory !== ""}
          loader={loader}
          toolbarItem={toolbar}
          onSelect={canManageUsers ? setSelected : undefined}
          canSelectAll={canManageUsers}
          actions={
            canManageUsers
              ? [
                  { title: t("dirsyncTrashRestore"), onRowClick: (row) => void restore(row) },
                  {
                    title: t("dirsyncTrashDeletePermanently"),
                    onRowClick: (row) => {
                      setTarget(row);
                      confirmDelete();
                    },
                  },
                ]
              : undefined
          }
          columns={[
            {
              name: "username",
              displayKey: "dirsyncTrashUser",
              cellRenderer: (u) => (
                <>
                  <Link to={`${realmPath}/users/${u.userId}/settings`} data-testid="user-link">
                    {u.username}
                  </Link>
                  {u.email && <div className="pf-v5-u-color-200 pf-v5-u-font-size-sm">{u.email}</div>}
                </>
              ),
            },
            {
              name: "directoryName",
              displayKey: "dirsyncTrashDirectory",
              cellRenderer: (u) =>
                u.directoryId && u.directoryName ? (
                  <Link to={`${realmPath}/dirsync/directories/${u.directoryId}/settings`}>{u.directoryName}</Link>
                ) : (
                  t("dirsyncTrashNoDirectory")
                ),
            },
            { name: "reason", displayKey: "dirsyncTrashReason", cellRenderer: (u) => u.reason },
            { name: "enteredAt", displayKey: "dirsyncTrashEntered", cellRenderer: (u) => formatTime(u.enteredAt) },
            {
              name: "deleteAfter",
              displayKey: "dirsyncTrashDeletion",
              cellRenderer: (u) => (
                <span data-testid="deletion">
                  {t("dirsyncTrashDeletedOn", { time: formatTime(u.deleteAfter) })}
                  <div className="pf-v5-u-color-200 pf-v5-u-font-size-sm">
                    {relativeTime(u.deleteAfter, i18n.language)}
                  </div>
                </span>
              ),
            },
          ]}
          emptyState={
            <ListEmptyState message={t("dirsyncTrashEmpty")} instructions={t("dirsyncTrashEmptyInstructions")} />
          }
        />
      </PageSection>
    </>
  );
};
