import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { LdapDirectoryForm } from "./LdapDirectoryForm";
import { fromSettings, LdapForm, toSettings } from "./model";

/**
 * The Settings tab of an LDAP / Active Directory directory: the wizard's form on the saved settings.
 * Save sends the whole settings object (PUT /directories/{id}); the bind credential only when a new
 * one was typed, else the stored one stays. The username attribute is locked after the first sync.
 * Read-only, without Save or the tests, for an admin without manage-realm.
 */
export const LdapSettings = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addAlert } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const initial = () => fromSettings(directory.name, directory.settings);
  const [form, setFormState] = useState<LdapForm>(initial);
  const [changed, setChanged] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  const setForm = (change: (f: LdapForm) => LdapForm) => {
    setChanged(true);
    setError(undefined);
    setFormState(change);
  };

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await api.updateDirectory(directory.id, {
        name: form.name.trim(),
        settings: toSettings(form, directory.settings),
      });
      addAlert(t("dirsyncLdapSaved"));
      // the credential is stored now: the field goes back to "stored, unchanged"
      setFormState((f) => ({ ...f, bindCredential: "" }));
      setChanged(false);
      refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <LdapDirectoryForm
      form={form}
      setForm={setForm}
      stored={directory.settings}
      directoryId={directory.id}
      credentialStored={directory.ldap?.bindCredentialStored}
      usernameLocked={directory.usernameAttributeLocked}
      readOnly={!canConfigure}
      actions={
        canConfigure && (
          <>
            {error && (
              <Alert isInline variant="danger" title={t("dirsyncLdapSaveFailed")} data-testid="ldap-save-error">
                {error}
              </Alert>
            )}
            <ActionGroup>
              <Button variant="primary" data-testid="ldap-save" isLoading={saving} isDisabled={saving || !changed} onClick={save}>
                {t("save")}
              </Button>
              <Button
                variant="link"
                data-testid="ldap-revert"
                isDisabled={!changed}
                onClick={() => {
                  setFormState(initial());
                  setChanged(false);
                  setError(undefined);
                }}
              >
                {t("revert")}
              </Button>
            </ActionGroup>
          </>
        )
      }
    />
  );
};
