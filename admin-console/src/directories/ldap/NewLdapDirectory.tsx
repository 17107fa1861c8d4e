import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button, PageSection } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import { LdapDirectoryForm } from "./LdapDirectoryForm";
import { LdapForm, newForm, toSettings } from "./model";

const FALLBACK_NAME = "New LDAP Directory";

/**
 * Add an LDAP / Active Directory directory (/:realm/dirsync/directories/new/ldap): the name the
 * server proposes, the connection with its tests, groups picked by searching the directory; Create
 * saves it (POST /directories), activates it (complete-setup, so that its schedules run) and opens its page. The server's refusal is shown as it says it.
 */
export const NewLdapDirectory = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const navigate = useNavigate();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [form, setFormState] = useState<LdapForm>(() => newForm(""));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api
      .directoryType("ldap")
      .then((type) => type.defaultName)
      .catch(() => FALLBACK_NAME)
      .then((name) => live && setFormState((f) => (f.name ? f : { ...f, name })));
    return () => {
      live = false;
    };
  }, []);

  const setForm = (change: (f: LdapForm) => LdapForm) => {
    setError(undefined);
    setFormState(change);
  };

  const list = `/${encodeURIComponent(realm!)}/dirsync/directories`;
  const create = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const created = await api.createDirectory({
        type: "ldap",
        name: form.name.trim(),
        settings: toSettings(form),
      });
      // A new directory is a draft, and only an active one is synced on its schedules: the wizard has set
      // everything up, so it completes the setup (an LDAP directory has no credentials to show).
      try {
        await api.completeSetup(created.id);
        addAlert(t("dirsyncLdapCreated", { name: created.name }));
      } catch (e) {
        addError("dirsyncLdapNotActivated", e);
      }
      navigate(`${list}/${created.id}/settings`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setSaving(false);
    }
  };

  return (
    <>
      <ViewHeader titleKey="dirsyncLdapNewTitle" subKey="dirsyncLdapNewHelp" />
      <PageSection variant="light">
        <LdapDirectoryForm
          form={form}
          setForm={setForm}
          stored={{}}
          readOnly={!canConfigure}
          actions={
            <>
              {error && (
                <Alert isInline variant="danger" title={t("dirsyncLdapCreateFailed")} data-testid="ldap-save-error">
                  {error}
                </Alert>
              )}
              <ActionGroup>
                {canConfigure && (
                  <Button
                    variant="primary"
                    data-testid="ldap-create"
                    isLoading={saving}
                    isDisabled={saving || !form.name.trim()}
                    onClick={create}
                  >
                    {t("dirsyncLdapCreate")}
                  </Button>
                )}
                <Button variant="link" onClick={() => navigate(list)} data-testid="ldap-cancel">
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
