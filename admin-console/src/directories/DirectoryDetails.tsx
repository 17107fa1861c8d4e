import { useConfirmDialog, ViewHeader } from "@keycloak/keycloak-admin-ui";
import { KeycloakSpinner, useAlerts, useFetch } from "@keycloak/keycloak-ui-shared";
import { DropdownItem, PageSection, Tab, Tabs, TabTitleText } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { Directory, DirectoryTypeInfo, useDirSyncApi } from "../api/dirsync";
import { useDirSyncAccess } from "../shell/access";
import { directoryHealth } from "../shell/format";
import { StatusLabel } from "../shell/StatusLabel";
import { CredentialsTab } from "./tabs/CredentialsTab";
import { GroupsTab } from "./tabs/GroupsTab";
import { MappingsTab } from "./tabs/MappingsTab";
import { SettingsTab } from "./tabs/SettingsTab";
import { SyncTab } from "../runs/SyncTab";
import { HistoryTab } from "../runs/HistoryTab";

export type DirectoryTabProps = {
  directory: Directory;
  refresh: () => void;
  /** what the directory's type offers (GET /directory-types/{type}); undefined if it could not be read */
  typeInfo?: DirectoryTypeInfo;
};

/**
 * Which tabs a directory has: credentials for push types (SCIM), sync for pull types (LDAP, Entra ID). The tabs
 * about its users (groups, sync with its runs, history) only for an admin who may read users (view-users); an
 * admin with only manage-realm gets the configuration tabs.
 */
function tabsOf(d: Directory, canViewUsers: boolean) {
  const push = !d.pull;
  return [
    { key: "settings", title: "dirsyncTabSettings", Body: SettingsTab },
    ...(push ? [{ key: "credentials", title: "dirsyncTabCredentials", Body: CredentialsTab }] : []),
    { key: "mappings", title: "dirsyncTabMappings", Body: MappingsTab },
    ...(canViewUsers
      ? [
          { key: "groups", title: "dirsyncTabGroups", Body: GroupsTab },
          ...(push ? [] : [{ key: "sync", title: "dirsyncTabSync", Body: SyncTab }]),
          { key: "history", title: "dirsyncTabHistory", Body: HistoryTab },
        ]
      : []),
  ];
}

/** A directory's page: its header (status, pause, delete) and one tab per part of its setup. */
export const DirectoryDetails = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm, id, runId, tab: tabParam } = useParams();
  // .../history/:runId is a run's report, shown in the History tab
  const tab = runId ? "history" : tabParam;
  const navigate = useNavigate();
  const { addAlert, addError } = useAlerts();
  const { canConfigure, canViewUsers } = useDirSyncAccess();
  const [directory, setDirectory] = useState<Directory>();
  const [typeInfo, setTypeInfo] = useState<DirectoryTypeInfo>();
  const [key, setKey] = useState(0);
  const refresh = () => setKey((k) => k + 1);

  useFetch(
    async () => {
      const d = await api.directory(id!);
      // the type is read once per directory page, for what its tabs offer (incremental runs...)
      const type = typeInfo?.id === d.type ? typeInfo : await api.directoryType(d.type).catch(() => undefined);
      return { d, type };
    },
    ({ d, type }) => {
      setTypeInfo(type);
      setDirectory(d);
    },
    [id, key],
  );

  const [confirmDelete, DeleteDialog] = useConfirmDialog({
    titleKey: "dirsyncDeleteDirectoryTitle",
    messageKey: "dirsyncDeleteDirectoryMessage",
    continueButtonLabel: "delete",
    continueButtonVariant: "danger" as any,
    onConfirm: async () => {
      try {
        await api.deleteDirectory(id!);
        addAlert(t("dirsyncDirectoryDeleted"));
        navigate(`/${encodeURIComponent(realm!)}/dirsync/directories`);
      } catch (e) {
        addError("dirsyncError", e);
      }
    },
  });

  if (!directory) return <KeycloakSpinner />;

  const paused = directory.status === "paused";
  const canPause = directory.status === "active" || paused;
  const changeStatus = async () => {
    try {
      await (paused ? api.resume(directory.id) : api.pause(directory.id));
      addAlert(t(paused ? "dirsyncResumed" : "dirsyncPaused"));
      refresh();
    } catch (e) {
      addError("dirsyncError", e);
    }
  };

  const tabs = tabsOf(directory, canViewUsers);
  const active = tabs.find((x) => x.key === tab) ? tab! : "settings";
  const go = (k: string | number) =>
    navigate(`/${encodeURIComponent(realm!)}/dirsync/directories/${directory.id}/${k}`);

  return (
    <>
      <DeleteDialog />
      <ViewHeader
        titleKey={directory.name}
        noTranslate
        badges={[
          { id: "type", text: t(`dirsyncType.${directory.type}`, directory.type) },
          { id: "status", text: <StatusLabel status={directoryHealth(directory)} /> },
        ]}
        dropdownItems={
          canConfigure
            ? [
                ...(canPause
                  ? [
                      <DropdownItem key="pause" data-testid="pause-resume" onClick={changeStatus}>
                        {t(paused ? "dirsyncResume" : "dirsyncPause")}
                      </DropdownItem>,
                    ]
                  : []),
                <DropdownItem key="delete" data-testid="delete-directory" onClick={confirmDelete}>
                  {t("dirsyncDeleteDirectory")}
                </DropdownItem>,
              ]
            : undefined
        }
      />
      <PageSection variant="light" className="pf-v5-u-p-0">
        <Tabs activeKey={active} onSelect={(_e, k) => go(k)} mountOnEnter unmountOnExit aria-label={t("dirsyncDirectoryDetails")}>
          {tabs.map(({ key: k, title, Body }) => (
            <Tab key={k} eventKey={k} data-testid={`tab-${k}`} title={<TabTitleText>{t(title)}</TabTitleText>}>
              <PageSection variant="light">
                <Body directory={directory} refresh={refresh} typeInfo={typeInfo} />
              </PageSection>
            </Tab>
          ))}
        </Tabs>
      </PageSection>
    </>
  );
};
