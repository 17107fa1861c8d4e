import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button } from "@patternfly/react-core";
import { ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";

/** What the Settings tab hands its type's form. */
export type SettingsForm<F> = {
  form: F;
  setForm: (change: (form: F) => F) => void;
  readOnly: boolean;
  /** the refusal, Save and Revert (none when read-only) */
  actions: ReactNode;
};

type Props<F extends { name: string }> = DirectoryTabProps & {
  /** the form of the saved settings; `current` is the form being reverted, if any */
  initial: (current?: F) => F;
  toSettings: (form: F, stored: Record<string, unknown>) => Record<string, unknown>;
  /** the form once saved: a typed secret is stored now, its field goes back to "stored, unchanged" */
  saved: (form: F) => F;
  /** what the page reads besides the directory (e.g. the names of its groups), added to the form when it comes */
  load?: () => Promise<(form: F) => F>;
  children: (editor: SettingsForm<F>) => ReactNode;
};

/**
 * A pull type's Settings tab: the wizard's form on the saved settings. Save sends the whole settings object
 * (PUT /directories/{id}), a secret only when a new one was typed; Revert goes back to the saved settings.
 * Read-only, without Save, for an admin without manage-realm.
 */
export const SettingsEditor = <F extends { name: string }>({
  directory,
  refresh,
  initial,
  toSettings,
  saved,
  load,
  children,
}: Props<F>) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addAlert } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [form, setFormState] = useState<F>(() => initial());
  const [changed, setChanged] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!load) return;
    let live = true;
    load()
      .then((change) => live && setFormState(change))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [directory.id]);

  const setForm = (change: (f: F) => F) => {
    setChanged(true);
    setError(undefined);
    setFormState(change);
  };

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await api.updateDirectory(directory.id, { name: form.name.trim(), settings: toSettings(form, directory.settings) });
      addAlert(t("dirsyncSourceSaved"));
      setFormState(saved);
      setChanged(false);
      refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  const type = directory.type;
  const actions = canConfigure && (
    <>
      {error && (
        <Alert isInline variant="danger" title={t("dirsyncSourceSaveFailed")} data-testid={`${type}-save-error`}>
          {error}
        </Alert>
      )}
      <ActionGroup>
        <Button variant="primary" data-testid={`${type}-save`} isLoading={saving} isDisabled={saving || !changed} onClick={save}>
          {t("save")}
        </Button>
        <Button
          variant="link"
          data-testid={`${type}-revert`}
          isDisabled={!changed}
          onClick={() => {
            setFormState((f) => initial(f));
            setChanged(false);
            setError(undefined);
          }}
        >
          {t("revert")}
        </Button>
      </ActionGroup>
    </>
  );

  return <>{children({ form, setForm, readOnly: !canConfigure, actions })}</>;
};
