import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button, Form } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Credentials, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { EnrollmentFields, enrollmentOf } from "../EnrollmentFields";
import { TextField } from "../shared/fields";
import { DuoCredentialsDialog } from "./DuoCredentialsDialog";
import { DuoFields, duoValuesOf } from "./DuoFields";

/**
 * A Duo Admin API directory's settings: name, API hostname, admin role, enrollment e-mails; Complete setup while a
 * draft. A changed API hostname takes effect at once: clients must sign for the new host (and the proxy serve it).
 */
export const DuoSettings = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const s = directory.settings;
  const [name, setName] = useState(directory.name);
  const [duo, setDuo] = useState(duoValuesOf(s));
  const [enrollment, setEnrollment] = useState(enrollmentOf(s));
  const [credentials, setCredentials] = useState<Credentials>();
  const [error, setError] = useState<string>();
  const readOnly = !canConfigure;

  const save = async () => {
    setError(undefined);
    try {
      await api.updateDirectory(directory.id, {
        name: name.trim(),
        settings: { ...s, apiHostname: duo.apiHostname.trim(), adminRole: duo.adminRole, ...enrollment },
      });
      addAlert(t("dirsyncSaved"));
      refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const completeSetup = async () => {
    try {
      setCredentials(await api.completeSetup(directory.id));
    } catch (e) {
      addError("dirsyncError", e);
    }
  };

  return (
    <>
      {credentials && (
        <DuoCredentialsDialog
          credentials={credentials}
          onClose={() => {
            setCredentials(undefined);
            refresh();
          }}
        />
      )}
      {directory.status === "draft" && (
        <Alert
          variant="info"
          isInline
          title={t("dirsyncDraft")}
          className="pf-v5-u-mb-md"
          actionLinks={
            canConfigure && (
              <Button variant="link" isInline data-testid="complete-setup" onClick={completeSetup}>
                {t("dirsyncCompleteSetup")}
              </Button>
            )
          }
        />
      )}
      <Form isHorizontal isWidthLimited onSubmit={(e) => e.preventDefault()}>
        <TextField id="directory-name" label={t("name")} isRequired value={name} readOnly={readOnly} onChange={setName} />
        <DuoFields value={duo} onChange={setDuo} readOnly={readOnly} />
        <EnrollmentFields value={enrollment} onChange={setEnrollment} readOnly={readOnly} />
        {error && (
          <Alert isInline variant="danger" title={t("dirsyncSourceSaveFailed")} data-testid="duo-save-error">
            {error}
          </Alert>
        )}
        {!readOnly && (
          <ActionGroup>
            <Button data-testid="settings-save" onClick={save} isDisabled={!name.trim()}>
              {t("save")}
            </Button>
          </ActionGroup>
        )}
      </Form>
    </>
  );
};
