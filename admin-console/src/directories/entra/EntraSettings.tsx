import { useParams } from "react-router-dom";
import { useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { SettingsEditor } from "../shared/SettingsEditor";
import { EntraDirectoryForm } from "./EntraDirectoryForm";
import { EntraForm, fromSettings, toSettings } from "./model";

/**
 * The Settings tab of a Microsoft Entra ID directory (`SettingsEditor`): the client secret (or certificate key) is
 * sent only when a new one was typed, else the stored one stays ("stored, unchanged"); Test connection and the group search
 * use the stored secret (?directory=) when none is typed. The username attribute is locked after the first
 * sync; the mappings are edited in the Mappings tab.
 */
export const EntraSettings = ({ directory, refresh }: DirectoryTabProps) => {
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { canViewUsers } = useDirSyncAccess();
  // The names of the groups already synced (their object ids are the managed groups' external ids), for the chips.
  const groupNames = () =>
    api.groups(directory.id).then((groups) => {
      const names: Record<string, string> = {};
      groups.forEach((g) => g.externalId && (names[g.externalId.toLowerCase()] = g.sourceName));
      return (f: EntraForm) => ({ ...f, groupNames: { ...names, ...f.groupNames } });
    });
  return (
    <SettingsEditor<EntraForm>
      directory={directory}
      refresh={refresh}
      initial={(current) => fromSettings(directory.name, directory.settings, current?.groupNames)}
      toSettings={toSettings}
      saved={(f) => ({ ...f, clientSecret: "", privateKey: "" })}
      /* the managed groups are read with view-users; without it the chips show the groups' ids */
      load={canViewUsers ? groupNames : undefined}
    >
      {(e) => (
        <EntraDirectoryForm
          form={e.form}
          setForm={e.setForm}
          stored={directory.settings}
          directoryId={directory.id}
          secretStored={directory.entra?.clientSecretStored}
          keyStored={directory.entra?.privateKeyStored}
          storedCertificate={directory.entra?.certificate}
          usernameLocked={directory.usernameAttributeLocked}
          mappingsPath={`/${encodeURIComponent(realm!)}/dirsync/directories/${directory.id}/mappings`}
          readOnly={e.readOnly}
          actions={e.actions}
        />
      )}
    </SettingsEditor>
  );
};
