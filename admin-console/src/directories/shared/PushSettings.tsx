import { useAlerts } from "@keycloak/keycloak-ui-shared";
import { ActionGroup, Alert, Button, Form, FormGroup, TextInput } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Credentials, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { EnrollmentFields, enrollmentOf } from "../EnrollmentFields";
import { IssuedCredentialsDialog } from "./IssuedCredentialsDialog";
import type { PushType } from "./push";

/**
 * A push directory's Settings tab: its name, its type's fields, enrollment e-mails; Complete setup while a draft
 * (the credential shown once). Save sends the whole settings object; the server's refusal is shown as it says it.
 * Read-only, without Save, for an admin without manage-realm.
 */
export const PushSettings = <V,>({ directory, refresh, kind }: DirectoryTabProps & { kind: PushType<V> }) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const s = directory.settings;
  const [name, setName] = useState(directory.name);
  const [values, setValues] = useState(() => kind.valuesOf(s));
  const [enrollment, setEnrollment] = useState(enrollmentOf(s));
  const [credentials, setCredentials] = useState<Credentials>();
  const [error, setError] = useState<string>();
  const readOnly = !canConfigure;

  const save = async () => {
    setError(undefined);
    try {
      await api.updateDirectory(directory.id, {
        name: name.trim(),
        settings: { ...s, ...kind.toSettings(values), ...enrollment },
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
        <IssuedCredentialsDialog
          kind={kind.credential}
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
        <FormGroup label={t("name")} fieldId="directory-name" isRequired>
          <TextInput id="directory-name" data-testid="directory-name" value={name} isDisabled={readOnly} onChange={(_e, v) => setName(v)} />
        </FormGroup>
        <kind.Fields value={values} onChange={setValues} readOnly={readOnly} />
        <EnrollmentFields value={enrollment} onChange={setEnrollment} readOnly={readOnly} />
        {error && (
          <Alert isInline variant="danger" title={t("dirsyncSourceSaveFailed")} data-testid={`${kind.prefix}-save-error`}>
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
