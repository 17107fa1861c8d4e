import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import { useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { EntraDirectoryForm } from "./EntraDirectoryForm";
import { EntraForm, fromSettings, toSettings } from "./model";

/**
 * The Settings tab of a Microsoft Entra ID directory: the wizard's form on the saved settings. Save sends
 * the whole settings object (PUT /directories/{id}); the client secret only when a new one was typed, else
 * the stored one stays ("stored, unchanged"). Test connection and the group search use the stored secret
 * (?directory=) when none is typed. The username attribute is locked after the first sync; the mappings are
 * edited in the Mappings tab. Read-only, without Save or the test, for an admin without manage-realm.
 */
export const EntraSettings = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { addAlert } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const initial = (names: Record<string, string> = {}) => fromSettings(directory.name, directory.settings, names);
  const [form, setFormState] = useState<EntraForm>(() => initial());
  const [changed, setChanged] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  // The names of the groups already synced (their object ids are the managed groups' external ids), for the chips.
  useEffect(() => {
    let live = true;
    api
      .groups(directory.id)
      .then((groups) => {
        const names: Record<string, string> = {};
        groups.forEach((g) => g.externalId && (names[g.externalId.toLowerCase()] = g.sourceName));
        if (live) setFormState((f) => ({ ...f, groupNames: { ...names, ...f.groupNames } }));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [directory.id]);

  const setForm = (change: (f: EntraForm) => EntraForm) => {
    setChanged(true);
    setError(undefined);
    setFormState(change);
  };

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await api.updateDirectory(directory.id, { name: form.name.trim(), settings: toSettings(form, directory.settings) });
      addAlert(t("dirsyncEntraSaved"));
      // the secret is stored now: the field goes back to "stored, unchanged"
      setFormState((f) => ({ ...f, clientSecret: "", privateKey: "" }));
      setChanged(false);
      refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <EntraDirectoryForm
      form={form}
      setForm={setForm}
      stored={directory.settings}
      directoryId={directory.id}
      secretStored={directory.entra?.clientSecretStored}
      keyStored={directory.entra?.privateKeyStored}
      storedCertificate={directory.entra?.certificate}
      usernameLocked={directory.usernameAttributeLocked}
      mappingsPath={`/${encodeURIComponent(realm!)}/dirsync/directories/${directory.id}/mappings`}
      readOnly={!canConfigure}
      actions={
        canConfigure && (
          <>
            {error && (
              <Alert isInline variant="danger" title={t("dirsyncEntraSaveFailed")} data-testid="entra-save-error">
                {error}
              </Alert>
            )}
            <ActionGroup>
              <Button variant="primary" data-testid="entra-save" isLoading={saving} isDisabled={saving || !changed} onClick={save}>
                {t("save")}
              </Button>
              <Button
                variant="link"
                data-testid="entra-revert"
                isDisabled={!changed}
                onClick={() => {
                  setFormState((f) => initial(f.groupNames));
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
