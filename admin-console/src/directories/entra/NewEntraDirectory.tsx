import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button, PageSection } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import { EntraDirectoryForm } from "./EntraDirectoryForm";
import { EntraForm, newForm, toSettings } from "./model";

const FALLBACK_NAME = "New Entra ID Directory";

/**
 * Add a Microsoft Entra ID directory (/:realm/dirsync/directories/new/entra), as the LDAP wizard does: the
 * name the server proposes, the app registration with Test connection (each check and what it found), the
 * synced and admin groups picked by searching the tenant, the username attribute and mappings, the identity
 * provider users sign in with, the schedules. Create saves it (POST /directories), makes it active
 * (complete-setup, so that its schedules run) and opens its page; the server's refusal is shown as it says it.
 */
export const NewEntraDirectory = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const navigate = useNavigate();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [form, setFormState] = useState<EntraForm>(() => newForm(""));
  const [sources, setSources] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api
      .directoryType("entra")
      .then((type) => {
        if (live) setSources(type.sources ?? []);
        return type.defaultName;
      })
      .catch(() => FALLBACK_NAME)
      .then((name) => live && setFormState((f) => (f.name ? f : { ...f, name })));
    return () => {
      live = false;
    };
  }, []);

  const setForm = (change: (f: EntraForm) => EntraForm) => {
    setError(undefined);
    setFormState(change);
  };

  const list = `/${encodeURIComponent(realm!)}/dirsync/directories`;
  const create = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const created = await api.createDirectory({ type: "entra", name: form.name.trim(), settings: toSettings(form) });
      // A new directory is a draft, and only an active one is synced on its schedules: the wizard has set
      // everything up, so it completes the setup (an Entra directory has no credentials to show).
      try {
        await api.completeSetup(created.id);
        addAlert(t("dirsyncEntraCreated", { name: created.name }));
      } catch (e) {
        addError("dirsyncEntraNotActivated", e);
      }
      navigate(`${list}/${created.id}/settings`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setSaving(false);
    }
  };

  return (
    <>
      <ViewHeader titleKey="dirsyncEntraNewTitle" subKey="dirsyncEntraNewHelp" />
      <PageSection variant="light">
        <EntraDirectoryForm
          form={form}
          setForm={setForm}
          stored={{}}
          sources={sources}
          readOnly={!canConfigure}
          actions={
            <>
              {error && (
                <Alert isInline variant="danger" title={t("dirsyncEntraCreateFailed")} data-testid="entra-save-error">
                  {error}
                </Alert>
              )}
              <ActionGroup>
                {canConfigure && (
                  <Button
                    variant="primary"
                    data-testid="entra-create"
                    isLoading={saving}
                    isDisabled={saving || !form.name.trim()}
                    onClick={create}
                  >
                    {t("dirsyncEntraCreate")}
                  </Button>
                )}
                <Button variant="link" onClick={() => navigate(list)} data-testid="entra-cancel">
                  {t("cancel")}
                </Button>
              </ActionGroup>
            </>
          }
        />
      </PageSection>
    </>
  );
};
