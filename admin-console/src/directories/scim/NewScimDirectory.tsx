import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import { useAlerts } from "@keycloak/keycloak-ui-shared";
import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  PageSection,
  Text,
  TextInput,
  Wizard,
  WizardStep,
} from "@patternfly/react-core";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { Credentials, Directory, useDirSyncApi } from "../../api/dirsync";
import { EnrollmentFields, EnrollmentValues } from "../EnrollmentFields";
import { MappingEditor } from "../MappingEditor";
import { StepFooter } from "../shared/StepFooter";
import { CredentialsDialog } from "./CredentialsDialog";
import { SCIM_PRESETS, presetOf } from "./presets";

/**
 * Add a SCIM directory, as seed 001's setup walk-through goes: name the integration (the client's
 * preset proposes one), its mappings, enrollment e-mails, then Complete setup, which shows the Base URL
 * and the token once. The first step creates the directory as a draft, so the later steps edit it
 * through the same API as its page, and an interrupted setup leaves a draft to finish or delete.
 */
export const NewScimDirectory = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const navigate = useNavigate();
  const { realm } = useParams();
  const { addError } = useAlerts();

  const [provider, setProvider] = useState<string>("okta");
  const [name, setName] = useState<string>(SCIM_PRESETS[0].name);
  const [nameEdited, setNameEdited] = useState(false);
  const [directory, setDirectory] = useState<Directory>();
  const [enrollment, setEnrollment] = useState<EnrollmentValues>({ enrollmentEmails: false, enrollmentFactors: ["otp"] });
  const [credentials, setCredentials] = useState<Credentials>();
  const saveMappings = useRef<() => Promise<void>>();

  const detailsPath = (id: string, tab: string) => `/${encodeURIComponent(realm!)}/dirsync/directories/${id}/${tab}`;

  /** Step 1: the draft is created, or renamed when the admin came back to this step. */
  const saveName = async () => {
    if (!directory) {
      setDirectory(await api.createDirectory({ type: "scim", name: name.trim(), settings: { provider } }));
    } else {
      setDirectory(
        await api.updateDirectory(directory.id, { name: name.trim(), settings: { ...directory.settings, provider } }),
      );
    }
  };
  const saveEnrollment = async () => {
    const current = await api.directory(directory!.id);
    setDirectory(await api.updateDirectory(directory!.id, { settings: { ...current.settings, ...enrollment } }));
  };
  const completeSetup = async () => {
    setCredentials(await api.completeSetup(directory!.id));
  };

  const actions: Record<string, () => Promise<void>> = {
    name: saveName,
    mappings: async () => saveMappings.current?.(),
    enrollment: saveEnrollment,
    complete: completeSetup,
  };

  return (
    <>
      <ViewHeader titleKey="dirsyncNewScimTitle" subKey="dirsyncNewScimHelp" />
      {credentials && (
        <CredentialsDialog
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
              <FormGroup label={t("dirsyncProvider")} fieldId="scim-provider" isRequired>
                <FormSelect
                  id="scim-provider"
                  data-testid="scim-provider"
                  value={provider}
                  onChange={(_e, v) => {
                    setProvider(v);
                    if (!nameEdited) setName(presetOf(v).name);
                  }}
                >
                  {SCIM_PRESETS.map((p) => (
                    <FormSelectOption key={p.id} value={p.id} label={p.label} />
                  ))}
                </FormSelect>
              </FormGroup>
              <FormGroup label={t("name")} fieldId="directory-name" isRequired>
                <TextInput
                  id="directory-name"
                  data-testid="directory-name"
                  isRequired
                  value={name}
                  onChange={(_e, v) => {
                    setName(v);
                    setNameEdited(true);
                  }}
                />
              </FormGroup>
              <Text component="small">{t("dirsyncNameHelp")}</Text>
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
                <DescriptionListGroup>
                  <DescriptionListTerm>{t("name")}</DescriptionListTerm>
                  <DescriptionListDescription>{directory.name}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t("dirsyncProvider")}</DescriptionListTerm>
                  <DescriptionListDescription>{presetOf(provider).label}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t("dirsyncEnrollmentEmails")}</DescriptionListTerm>
                  <DescriptionListDescription>
                    {enrollment.enrollmentEmails ? t("dirsyncEnrollmentEmailsOn") : t("dirsyncEnrollmentEmailsOff")}
                  </DescriptionListDescription>
                </DescriptionListGroup>
              </DescriptionList>
            )}
            <Text className="pf-v5-u-mt-md">{t("dirsyncCompleteSetupHelp")}</Text>
          </WizardStep>
        </Wizard>
      </PageSection>
    </>
  );
};
