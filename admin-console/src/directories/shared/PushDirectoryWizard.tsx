import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import { useAlerts } from "@keycloak/keycloak-ui-shared";
import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  PageSection,
  Text,
  Wizard,
  WizardStep,
} from "@patternfly/react-core";
import { ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { Credentials, Directory, useDirSyncApi } from "../../api/dirsync";
import { EnrollmentFields, EnrollmentValues } from "../EnrollmentFields";
import { MappingEditor } from "../MappingEditor";
import { TextField } from "./fields";
import { IssuedCredentialsDialog } from "./IssuedCredentialsDialog";
import type { PushType } from "./push";
import { StepFooter } from "./StepFooter";

/**
 * Add a push directory (SCIM, Duo Admin API), as seed 001's setup walk-through goes: its name and its type's fields,
 * its mappings, enrollment e-mails, then Complete setup, which shows the credential once. The first step creates
 * the directory as a draft, so the later steps edit it through the same API as its page, and an interrupted setup
 * leaves a draft to finish (its Settings tab) or delete. Next saves each step first (`StepFooter`).
 */
export const PushDirectoryWizard = <V,>({ kind }: { kind: PushType<V> }) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const navigate = useNavigate();
  const { realm } = useParams();
  const { addError } = useAlerts();

  const [values, setValuesState] = useState<V>(() => kind.valuesOf({}));
  const [name, setName] = useState(() => kind.proposedName?.(values) ?? "");
  const [nameEdited, setNameEdited] = useState(false);
  const [directory, setDirectory] = useState<Directory>();
  const [enrollment, setEnrollment] = useState<EnrollmentValues>({ enrollmentEmails: false, enrollmentFactors: ["otp"] });
  const [credentials, setCredentials] = useState<Credentials>();
  const saveMappings = useRef<() => Promise<void>>();

  // Without a name of its own for the values, the type's name is the server's (numbered when taken).
  useEffect(() => {
    if (kind.proposedName) return;
    let live = true;
    api
      .directoryType(kind.type)
      .then((info) => info.defaultName)
      .catch(() => kind.fallbackName)
      .then((proposed) => live && setName((n) => n || proposed));
    return () => {
      live = false;
    };
  }, []);

  const setValues = (next: V) => {
    setValuesState(next);
    if (kind.proposedName && !nameEdited) setName(kind.proposedName(next));
  };

  const detailsPath = (id: string, tab: string) => `/${encodeURIComponent(realm!)}/dirsync/directories/${id}/${tab}`;

  /** Step 1: the draft is created, or changed when the admin came back to this step. */
  const saveName = async () => {
    const settings = kind.toSettings(values);
    setDirectory(
      directory
        ? await api.updateDirectory(directory.id, { name: name.trim(), settings: { ...directory.settings, ...settings } })
        : await api.createDirectory({ type: kind.type, name: name.trim(), settings }),
    );
  };
  const saveEnrollment = async () => {
    const current = await api.directory(directory!.id);
    setDirectory(await api.updateDirectory(directory!.id, { settings: { ...current.settings, ...enrollment } }));
  };

  const actions: Record<string, () => Promise<void>> = {
    name: saveName,
    mappings: async () => saveMappings.current?.(),
    enrollment: saveEnrollment,
    complete: async () => setCredentials(await api.completeSetup(directory!.id)),
  };

  const fields = <kind.Fields value={values} onChange={setValues} readOnly={false} wizard />;
  const row = (label: string, value: ReactNode) => (
    <DescriptionListGroup key={label}>
      <DescriptionListTerm>{label}</DescriptionListTerm>
      <DescriptionListDescription>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  );

  return (
    <>
      <ViewHeader titleKey={kind.newTitleKey} subKey={kind.newHelpKey} />
      {credentials && (
        <IssuedCredentialsDialog
          kind={kind.credential}
          credentials={credentials}
          onClose={() => navigate(detailsPath(directory!.id, "credentials"))}
        />
      )}
      <PageSection variant="light" padding={{ default: "noPadding" }}>
        <Wizard
          height="100%"
          onClose={() => navigate(`/${encodeURIComponent(realm!)}/dirsync/directories`)}
          footer={<StepFooter actions={actions} onError={(e) => addError("dirsyncError", e)} />}
          isVisitRequired
        >
          <WizardStep id="name" name={t("dirsyncStepName")}>
            <Form isWidthLimited onSubmit={(e) => e.preventDefault()}>
              {kind.fieldsFirst && fields}
              <TextField
                id="directory-name"
                label={t("name")}
                isRequired
                value={name}
                readOnly={false}
                onChange={(v) => {
                  setName(v);
                  setNameEdited(true);
                }}
              />
              <Text component="small">{t("dirsyncNameHelp")}</Text>
              {!kind.fieldsFirst && fields}
            </Form>
          </WizardStep>
          <WizardStep id="mappings" name={t("dirsyncStepMappings")}>
            {directory && <MappingEditor directoryId={directory.id} readOnly={false} saveRef={saveMappings} />}
          </WizardStep>
          <WizardStep id="enrollment" name={t("dirsyncStepEnrollment")}>
            <Form isWidthLimited onSubmit={(e) => e.preventDefault()}>
              <Text>{t("dirsyncEnrollmentHelp")}</Text>
              <EnrollmentFields value={enrollment} onChange={setEnrollment} />
            </Form>
          </WizardStep>
          <WizardStep id="complete" name={t("dirsyncStepComplete")}>
            {directory && (
              <DescriptionList isHorizontal>
                {row(t("name"), directory.name)}
                {kind.summary(directory.settings, t).map((r) => row(r.label, r.value))}
                {row(
                  t("dirsyncEnrollmentEmails"),
                  enrollment.enrollmentEmails ? t("dirsyncEnrollmentEmailsOn") : t("dirsyncEnrollmentEmailsOff"),
                )}
              </DescriptionList>
            )}
            <Text className="pf-v5-u-mt-md">{t(kind.completeHelpKey)}</Text>
          </WizardStep>
        </Wizard>
      </PageSection>
    </>
  );
};
