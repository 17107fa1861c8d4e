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
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { Credentials, Directory, useDirSyncApi } from "../../api/dirsync";
import { EnrollmentFields, EnrollmentValues } from "../EnrollmentFields";
import { MappingEditor } from "../MappingEditor";
import { TextField } from "../shared/fields";
import { StepFooter } from "../shared/StepFooter";
import { DuoCredentialsDialog } from "./DuoCredentialsDialog";
import { DEFAULT_ADMIN_ROLE, DuoFields, DuoValues } from "./DuoFields";

const TYPE = "duo-admin-api";

/**
 * Add a Duo Admin API directory, as the SCIM wizard goes: its name (the server proposes one), API hostname and
 * admin role, its mappings, enrollment e-mails, then Complete setup, which shows the API hostname, integration key
 * and secret key once, and the endpoint the reverse proxy points at. The first step creates the directory as a
 * draft, so an interrupted setup leaves a draft to finish (its Settings tab) or delete.
 */
export const NewDuoDirectory = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const navigate = useNavigate();
  const { realm } = useParams();
  const { addError } = useAlerts();

  const [name, setName] = useState("");
  const [duo, setDuo] = useState<DuoValues>({ apiHostname: "", adminRole: DEFAULT_ADMIN_ROLE });
  const [directory, setDirectory] = useState<Directory>();
  const [enrollment, setEnrollment] = useState<EnrollmentValues>({ enrollmentEmails: false, enrollmentFactors: ["otp"] });
  const [credentials, setCredentials] = useState<Credentials>();
  const saveMappings = useRef<() => Promise<void>>();

  useEffect(() => {
    let live = true;
    api
      .directoryType(TYPE)
      .then((info) => info.defaultName)
      .catch(() => "New Duo Admin API Sync")
      .then((proposed) => live && setName((n) => n || proposed));
    return () => {
      live = false;
    };
  }, []);

  const detailsPath = (id: string, tab: string) => `/${encodeURIComponent(realm!)}/dirsync/directories/${id}/${tab}`;

  /** Step 1: the draft is created, or changed when the admin came back to this step. */
  const saveName = async () => {
    const settings = { apiHostname: duo.apiHostname.trim(), adminRole: duo.adminRole };
    setDirectory(
      directory
        ? await api.updateDirectory(directory.id, { name: name.trim(), settings: { ...directory.settings, ...settings } })
        : await api.createDirectory({ type: TYPE, name: name.trim(), settings }),
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

  return (
    <>
      <ViewHeader titleKey="dirsyncDuoNewTitle" subKey="dirsyncDuoNewHelp" />
      {credentials && (
        <DuoCredentialsDialog credentials={credentials} onClose={() => navigate(detailsPath(directory!.id, "credentials"))} />
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
              <TextField id="directory-name" label={t("name")} isRequired value={name} readOnly={false} onChange={setName} />
              <Text component="small">{t("dirsyncNameHelp")}</Text>
              <DuoFields value={duo} onChange={setDuo} readOnly={false} />
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
                  <DescriptionListTerm>{t("dirsyncDuoApiHostname")}</DescriptionListTerm>
                  <DescriptionListDescription>{String(directory.settings.apiHostname ?? "")}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t("dirsyncDuoAdminRole")}</DescriptionListTerm>
                  <DescriptionListDescription>
                    {t(`dirsyncAdminRole.${String(directory.settings.adminRole)}`)}
                  </DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t("dirsyncEnrollmentEmails")}</DescriptionListTerm>
                  <DescriptionListDescription>
                    {enrollment.enrollmentEmails ? t("dirsyncEnrollmentEmailsOn") : t("dirsyncEnrollmentEmailsOff")}
                  </DescriptionListDescription>
                </DescriptionListGroup>
              </DescriptionList>
            )}
            <Text className="pf-v5-u-mt-md">{t("dirsyncDuoCompleteSetupHelp")}</Text>
          </WizardStep>
        </Wizard>
      </PageSection>
    </>
  );
};
