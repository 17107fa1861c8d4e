import type { DirectoryTabProps } from "../DirectoryDetails";
import { SettingsEditor } from "../shared/SettingsEditor";
import { LdapDirectoryForm } from "./LdapDirectoryForm";
import { fromSettings, LdapForm, toSettings } from "./model";

/**
 * The Settings tab of an LDAP / Active Directory directory (`SettingsEditor`): the bind credential is sent
 * only when a new one was typed, else the stored one stays, and the tests and the group search use the stored
 * one. The username attribute is locked after the first sync.
 */
export const LdapSettings = ({ directory, refresh }: DirectoryTabProps) => (
  <SettingsEditor<LdapForm>
    directory={directory}
    refresh={refresh}
    initial={() => fromSettings(directory.name, directory.settings)}
    toSettings={toSettings}
    saved={(f) => ({ ...f, bindCredential: "" })}
  >
    {(e) => (
      <LdapDirectoryForm
        form={e.form}
        setForm={e.setForm}
        stored={directory.settings}
        directoryId={directory.id}
        credentialStored={directory.ldap?.bindCredentialStored}
        usernameLocked={directory.usernameAttributeLocked}
        readOnly={e.readOnly}
        actions={e.actions}
      />
    )}
  </SettingsEditor>
);
