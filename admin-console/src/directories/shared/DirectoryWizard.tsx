import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button, PageSection } from "@patternfly/react-core";
import { ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { DirectoryTypeInfo, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";

/** What a wizard hands its type's form. */
export type WizardForm<F> = {
  form: F;
  setForm: (change: (form: F) => F) => void;
  readOnly: boolean;
  /** the type as the server describes it (its mapping sources...), once read */
  typeInfo?: DirectoryTypeInfo;
  /** the refusal, Create and Cancel */
  actions: ReactNode;
};

type Props<F extends { name: string }> = {
  /** the type id; the buttons' test ids start with it */
  type: string;
  titleKey: string;
  subKey: string;
  /** the name when the server proposes none */
  fallbackName: string;
  newForm: (name: string) => F;
  toSettings: (form: F) => Record<string, unknown>;
  children: (wizard: WizardForm<F>) => ReactNode;
};

/**
 * A pull type's "Add directory" page (/:realm/dirsync/directories/new/:type): the name the server proposes,
 * the type's form; Create saves it (POST /directories), activates it (complete-setup: a pull type has no
 * credentials to show, and only an active directory is synced on its schedules) and opens its page. The
 * server's refusal is shown as it says it.
 */
export const DirectoryWizard = <F extends { name: string }>({
  type,
  titleKey,
  subKey,
  fallbackName,
  newForm,
  toSettings,
  children,
}: Props<F>) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const navigate = useNavigate();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [form, setFormState] = useState<F>(() => newForm(""));
  const [typeInfo, setTypeInfo] = useState<DirectoryTypeInfo>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api
      .directoryType(type)
      .then((info) => {
        if (live) setTypeInfo(info);
        return info.defaultName;
      })
      .catch(() => fallbackName)
      .then((name) => live && setFormState((f) => (f.name ? f : { ...f, name })));
    return () => {
      live = false;
    };
  }, []);

  const setForm = (change: (f: F) => F) => {
    setError(undefined);
    setFormState(change);
  };

  const list = `/${encodeURIComponent(realm!)}/dirsync/directories`;
  const create = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const created = await api.createDirectory({ type, name: form.name.trim(), settings: toSettings(form) });
      try {
        await api.completeSetup(created.id);
        addAlert(t("dirsyncSourceCreated", { name: created.name }));
      } catch (e) {
        addError("dirsyncSourceNotActivated", e);
      }
      navigate(`${list}/${created.id}/settings`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setSaving(false);
    }
  };

  const actions = (
    <>
      {error && (
        <Alert isInline variant="danger" title={t("dirsyncSourceCreateFailed")} data-testid={`${type}-save-error`}>
          {error}
        </Alert>
      )}
      <ActionGroup>
        {canConfigure && (
          <Button
            variant="primary"
            data-testid={`${type}-create`}
            isLoading={saving}
            isDisabled={saving || !form.name.trim()}
            onClick={create}
          >
            {t("dirsyncSourceCreate")}
          </Button>
        )}
        <Button variant="link" onClick={() => navigate(list)} data-testid={`${type}-cancel`}>
          {t("cancel")}
        </Button>
      </ActionGroup>
    </>
  );

  return (
    <>
      <ViewHeader titleKey={titleKey} subKey={subKey} />
      <PageSection variant="light">{children({ form, setForm, readOnly: !canConfigure, typeInfo, actions })}</PageSection>
    </>
  );
};
