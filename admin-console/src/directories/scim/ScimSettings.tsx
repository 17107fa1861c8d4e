import { useAlerts } from "@keycloak/keycloak-ui-shared";
import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Switch,
  TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Credentials, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { EnrollmentFields, enrollmentOf } from "../EnrollmentFields";
import { CredentialsDialog } from "./CredentialsDialog";
import { SCIM_PRESETS } from "./presets";

/** A SCIM directory's settings: name, client, what it may send, enrollment e-mails; Complete setup while a draft. */
export const ScimSettings = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addAlert, addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const s = directory.settings;
  const [name, setName] = useState(directory.name);
  const [provider, setProvider] = useState(String(s.provider ?? "okta"));
  const [acceptPasswords, setAcceptPasswords] = useState(s.acceptPasswords !== false);
  const [strictEmails, setStrictEmails] = useState(s.strictEmails === true);
  const [enrollment, setEnrollment] = useState(enrollmentOf(s));
  const [credentials, setCredentials] = useState<Credentials>();
  const readOnly = !canConfigure;

  const save = async () => {
    try {
      await api.updateDirectory(directory.id, {
        name: name.trim(),
        settings: { ...s, provider, acceptPasswords, strictEmails, ...enrollment },
      });
      addAlert(t("dirsyncSaved"));
      refresh();
    } catch (e) {
      addError("dirsyncError", e);
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
        <CredentialsDialog
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
          <TextInput id="directory-name" value={name} isDisabled={readOnly} onChange={(_e, v) => setName(v)} />
        </FormGroup>
        <FormGroup label={t("dirsyncProvider")} fieldId="scim-provider">
          <FormSelect id="scim-provider" value={provider} isDisabled={readOnly} onChange={(_e, v) => setProvider(v)}>
            {SCIM_PRESETS.map((p) => (
              <FormSelectOption key={p.id} value={p.id} label={p.label} />
            ))}
          </FormSelect>
        </FormGroup>
        <FormGroup label={t("dirsyncAcceptPasswords")} fieldId="accept-passwords" hasNoPaddingTop>
          <Switch
            id="accept-passwords"
            label={t("dirsyncAcceptPasswordsOn")}
            labelOff={t("dirsyncAcceptPasswordsOff")}
            isChecked={acceptPasswords}
            isDisabled={readOnly}
            onChange={(_e, on) => setAcceptPasswords(on)}
          />
        </FormGroup>
        <FormGroup label={t("dirsyncStrictEmails")} fieldId="strict-emails" hasNoPaddingTop>
          <Switch
            id="strict-emails"
            label={t("dirsyncStrictEmailsOn")}
            labelOff={t("dirsyncStrictEmailsOff")}
            isChecked={strictEmails}
            isDisabled={readOnly}
            onChange={(_e, on) => setStrictEmails(on)}
          />
        </FormGroup>
        <EnrollmentFields value={enrollment} onChange={setEnrollment} readOnly={readOnly} />
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
