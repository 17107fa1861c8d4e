import { useAdminClient, useRealm } from "@keycloak/keycloak-admin-ui";
import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSection,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Icon,
  InputGroup,
  InputGroupItem,
  InputGroupText,
  List,
  ListItem,
  Switch,
  TextArea,
  TextInput,
} from "@patternfly/react-core";
import { CheckCircleIcon, ExclamationCircleIcon, LockIcon, MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { ChangeEvent, ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { EntraGroupSearch, EntraTestResult } from "../../api/dirsync";
import { useDirSyncApi } from "../../api/dirsync";
import { EnrollmentFields } from "../EnrollmentFields";
import "../ldap/ldap.css";
import { EntraGroupPicker } from "./EntraGroupPicker";
import {
  ADMIN_ROLES,
  Cloud,
  EntraForm,
  REQUIRED_SOURCES,
  toSettings,
  USERNAME_ATTRIBUTES,
  withCloud,
} from "./model";

type Props = {
  form: EntraForm;
  setForm: (change: (form: EntraForm) => EntraForm) => void;
  /** the stored settings of the directory being edited ({} for a new one) */
  stored: Record<string, unknown>;
  /** the directory being edited: its stored client secret stands in for one not typed */
  directoryId?: string;
  secretStored?: boolean;
  /** a certificate's private key is stored; the stored certificate's thumbprint, subject and expiry */
  keyStored?: boolean;
  storedCertificate?: { thumbprint: string; subject: string; notAfter: string; expired: boolean };
  usernameLocked?: boolean;
  /** the source attributes the type offers for mappings (GET /directory-types/entra) */
  sources?: string[];
  /** where a saved directory's mappings are edited (its Mappings tab) */
  mappingsPath?: string;
  /** no manage-realm: every field read-only, no test or add/remove buttons */
  readOnly: boolean;
  /** the form's own buttons (Create / Save, Cancel) */
  actions: ReactNode;
};

/** The Keycloak attributes a mapping can always write: the eight username aliases (rule 3). */
const ALIASES = Array.from({ length: 8 }, (_, i) => `alias${i + 1}`);
const REQUIRED_TARGETS = ["username", "email", "firstName", "lastName"];

/**
 * The Microsoft Entra ID form shared by the wizard and a directory's Settings tab: the connection (tenant,
 * app registration, client secret, cloud) with Test connection and what each check found, the synced and
 * admin groups picked by searching the tenant, the username attribute and mappings, the identity provider
 * users sign in with, schedules and enrollment e-mails.
 */
export const EntraDirectoryForm = ({
  form,
  setForm,
  stored,
  directoryId,
  secretStored,
  keyStored,
  storedCertificate,
  usernameLocked,
  sources = [],
  mappingsPath,
  readOnly,
  actions,
}: Props) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { adminClient } = useAdminClient();
  const { realm } = useRealm();
  const [test, setTest] = useState<{ result?: EntraTestResult; error?: string; running: boolean }>();
  const [providers, setProviders] = useState<{ alias: string; label: string }[]>();
  const [targets, setTargets] = useState<string[]>([]);

  // The realm's identity providers (needs view-identity-providers: without it the saved alias is shown as it is).
  useEffect(() => {
    let live = true;
    adminClient.identityProviders
      .find({ realm, first: 0, max: 500 })
      .then((found) =>
        live &&
        setProviders(
          found
            .filter((p) => p.alias)
            .map((p) => ({ alias: p.alias!, label: p.displayName ? `${p.displayName} (${p.alias})` : p.alias! })),
        ),
      )
      .catch(() => live && setProviders(undefined));
    return () => {
      live = false;
    };
  }, [realm]);

  // The wizard's mapping targets: the realm's user-profile attributes and the username aliases.
  useEffect(() => {
    if (readOnly || !form.mappings) return;
    let live = true;
    adminClient.users
      .getProfile({ realm })
      .then((profile) =>
        live &&
        setTargets((profile.attributes ?? []).map((a) => a.name!).filter((n) => n && !REQUIRED_TARGETS.includes(n))),
      )
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [realm, readOnly, !form.mappings]);

  const field = <K extends keyof EntraForm>(key: K) => (value: EntraForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const settings = () => toSettings(form, stored);

  const byCertificate = form.clientCredential === "certificate";
  const canTest =
    !!form.tenantId.trim() &&
    !!form.clientId.trim() &&
    (byCertificate
      ? !!form.certificate.trim() && (!!form.privateKey.trim() || !!(directoryId && keyStored))
      : !!form.clientSecret || !!(directoryId && secretStored));
  /** A PEM file read into a field (the key stays in this page until saved; the server keeps it write-only). */
  const loadFile = (key: "certificate" | "privateKey") => (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) file.text().then((v) => field(key)(v));
    e.target.value = "";
  };
  const runTest = async () => {
    setTest({ running: true });
    try {
      const result = await api.typeAction<EntraTestResult>("entra", "test-connection", { settings: settings() }, directoryId);
      setTest({ result, running: false });
    } catch (e) {
      setTest({ error: e instanceof Error ? e.message : String(e), running: false });
    }
  };
  const searchGroups = (search: string) =>
    api.typeAction<EntraGroupSearch>("entra", "search-groups", { settings: settings(), search, max: 20 }, directoryId);
  const named = (names: Record<string, string>) => (f: EntraForm) => ({ ...f, groupNames: { ...f.groupNames, ...names } });

  const custom = form.cloud === "custom";
  const usernameOptions = USERNAME_ATTRIBUTES.includes(form.usernameAttribute)
    ? USERNAME_ATTRIBUTES
    : [...USERNAME_ATTRIBUTES, form.usernameAttribute];
  const storedOptional = (Array.isArray(stored.mappings) ? stored.mappings : []) as { source?: string; target?: string }[];
  const required = [
    { source: form.usernameAttribute, target: "username" },
    { source: REQUIRED_SOURCES.email, target: "email" },
    { source: REQUIRED_SOURCES.firstName, target: "firstName" },
    { source: REQUIRED_SOURCES.lastName, target: "lastName" },
  ];
  const targetLabel = (target: string) =>
    /^alias[1-8]$/.test(target) ? t("dirsyncAliasLabel", { n: target.slice(5) }) : target;
  const setMapping = (i: number, change: Partial<{ source: string; target: string }>) =>
    setForm((f) => ({ ...f, mappings: (f.mappings ?? []).map((m, j) => (j === i ? { ...m, ...change } : m)) }));

  return (
    <Form isWidthLimited onSubmit={(e) => e.preventDefault()}>
      <FormSection title={t("dirsyncEntraGeneral")} titleElement="h2">
        <FormGroup label={t("name")} isRequired fieldId="entra-name">
          <TextInput
            id="entra-name"
            data-testid="entra-name"
            value={form.name}
            onChange={(_e, v) => field("name")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
        </FormGroup>
      </FormSection>

      <FormSection title={t("dirsyncEntraConnection")} titleElement="h2">
        <FormGroup label={t("dirsyncEntraTenantId")} isRequired fieldId="entra-tenant">
          <TextInput
            id="entra-tenant"
            data-testid="entra-tenant"
            value={form.tenantId}
            placeholder="contoso.onmicrosoft.com"
            onChange={(_e, v) => field("tenantId")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
          <Helper text={t("dirsyncEntraTenantIdHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncEntraClientId")} isRequired fieldId="entra-client-id">
          <TextInput
            id="entra-client-id"
            data-testid="entra-client-id"
            value={form.clientId}
            placeholder="00000000-0000-0000-0000-000000000000"
            onChange={(_e, v) => field("clientId")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
          <Helper text={t("dirsyncEntraClientIdHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncEntraCredential")} fieldId="entra-credential">
          <FormSelect
            id="entra-credential"
            data-testid="entra-credential"
            value={form.clientCredential}
            isDisabled={readOnly}
            onChange={(_e, v) => field("clientCredential")(v as EntraForm["clientCredential"])}
          >
            <FormSelectOption value="secret" label={t("dirsyncEntraCredential.secret")} />
            <FormSelectOption value="certificate" label={t("dirsyncEntraCredential.certificate")} />
          </FormSelect>
        </FormGroup>
        {byCertificate ? (
          <>
            <FormGroup label={t("dirsyncEntraCertificate")} isRequired fieldId="entra-certificate">
              <TextArea
                id="entra-certificate"
                data-testid="entra-certificate"
                value={form.certificate}
                placeholder="-----BEGIN CERTIFICATE-----"
                onChange={(_e, v) => field("certificate")(v)}
                readOnlyVariant={readOnly ? "default" : undefined}
                resizeOrientation="vertical"
                rows={4}
              />
              {!readOnly && (
                <input
                  type="file"
                  accept=".pem,.crt,.cer"
                  aria-label={t("dirsyncEntraCertificateFile")}
                  data-testid="entra-certificate-file"
                  onChange={loadFile("certificate")}
                />
              )}
              {storedCertificate && (
                <Helper
                  testid="entra-certificate-stored"
                  text={t(storedCertificate.expired ? "dirsyncEntraCertificateExpired" : "dirsyncEntraCertificateStored", {
                    thumbprint: storedCertificate.thumbprint,
                    subject: storedCertificate.subject,
                    notAfter: storedCertificate.notAfter,
                  })}
                />
              )}
              <Helper text={t("dirsyncEntraCertificateHelp")} />
            </FormGroup>
            <FormGroup label={t("dirsyncEntraPrivateKey")} isRequired={!keyStored} fieldId="entra-private-key">
              {!readOnly && (
                <>
                  <TextArea
                    id="entra-private-key"
                    data-testid="entra-private-key"
                    value={form.privateKey}
                    placeholder={keyStored ? t("dirsyncEntraSecretStored") : "-----BEGIN PRIVATE KEY-----"}
                    onChange={(_e, v) => field("privateKey")(v)}
                    autoComplete="off"
                    spellCheck={false}
                    resizeOrientation="vertical"
                    rows={4}
                  />
                  <input
                    type="file"
                    accept=".pem,.key"
                    aria-label={t("dirsyncEntraPrivateKeyFile")}
                    data-testid="entra-private-key-file"
                    onChange={loadFile("privateKey")}
                  />
                </>
              )}
              <Helper
                testid="entra-key-help"
                text={t(keyStored ? "dirsyncEntraKeyStoredHelp" : readOnly ? "dirsyncEntraNoKey" : "dirsyncEntraKeyHelp")}
              />
            </FormGroup>
          </>
        ) : (
          <FormGroup label={t("dirsyncEntraClientSecret")} isRequired={!secretStored} fieldId="entra-client-secret">
            {readOnly ? (
              <TextInput
                id="entra-client-secret"
                value={secretStored ? t("dirsyncEntraSecretStored") : ""}
                readOnlyVariant="default"
                data-testid="entra-client-secret"
              />
            ) : (
              <TextInput
                id="entra-client-secret"
                data-testid="entra-client-secret"
                type="password"
                autoComplete="new-password"
                value={form.clientSecret}
                placeholder={secretStored ? t("dirsyncEntraSecretStored") : ""}
                onChange={(_e, v) => field("clientSecret")(v)}
              />
            )}
            <Helper
              testid="entra-secret-help"
              text={t(
                readOnly
                  ? secretStored
                    ? "dirsyncEntraSecretStoredReadOnly"
                    : "dirsyncEntraNoSecret"
                  : secretStored
                    ? "dirsyncEntraSecretStoredHelp"
                    : "dirsyncEntraSecretHelp",
              )}
            />
          </FormGroup>
        )}
        <FormGroup label={t("dirsyncEntraCloudLabel")} fieldId="entra-cloud">
          <FormSelect
            id="entra-cloud"
            data-testid="entra-cloud"
            value={form.cloud}
            isDisabled={readOnly}
            onChange={(_e, v) => setForm((f) => withCloud(f, v as Cloud))}
          >
            <FormSelectOption value="global" label={t("dirsyncEntraCloud.global")} />
            <FormSelectOption value="usgov" label={t("dirsyncEntraCloud.usgov")} />
            <FormSelectOption value="china" label={t("dirsyncEntraCloud.china")} />
            <FormSelectOption value="custom" label={t("dirsyncEntraCloud.custom")} />
          </FormSelect>
          <Helper text={t("dirsyncEntraCloudHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncEntraAuthorityHost")} fieldId="entra-authority-host">
          <TextInput
            id="entra-authority-host"
            data-testid="entra-authority-host"
            value={form.authorityHost}
            onChange={(_e, v) => field("authorityHost")(v)}
            readOnlyVariant={readOnly || !custom ? "default" : undefined}
          />
        </FormGroup>
        <FormGroup label={t("dirsyncEntraGraphEndpoint")} fieldId="entra-graph-endpoint">
          <TextInput
            id="entra-graph-endpoint"
            data-testid="entra-graph-endpoint"
            value={form.graphEndpoint}
            onChange={(_e, v) => field("graphEndpoint")(v)}
            readOnlyVariant={readOnly || !custom ? "default" : undefined}
          />
        </FormGroup>
        {!readOnly && (
          <FormGroup>
            <Button
              variant="secondary"
              data-testid="entra-test-connection"
              isLoading={test?.running}
              isDisabled={test?.running || !canTest}
              onClick={runTest}
            >
              {t("dirsyncEntraTestConnection")}
            </Button>
            {test && !test.running && <TestResultView test={test} />}
          </FormGroup>
        )}
      </FormSection>

      <FormSection title={t("dirsyncEntraGroups")} titleElement="h2">
        <FormGroup label={t("dirsyncEntraSyncedGroups")} fieldId="entra-synced-groups">
          <EntraGroupPicker
            id="entra-synced-groups"
            ariaLabel={t("dirsyncEntraSyncedGroups")}
            selected={form.syncedGroups}
            names={form.groupNames}
            onChange={(ids, names) => setForm((f) => named(names)({ ...f, syncedGroups: ids }))}
            search={searchGroups}
            readOnly={readOnly}
          />
          <Helper text={t("dirsyncEntraSyncedGroupsHelp")} />
        </FormGroup>
        <FormGroup fieldId="entra-transitive">
          <Switch
            id="entra-transitive"
            data-testid="entra-transitive"
            label={t("dirsyncEntraTransitive")}
            isChecked={form.transitiveMembers}
            isDisabled={readOnly}
            onChange={(_e, v) => field("transitiveMembers")(v)}
          />
          <Helper text={t("dirsyncEntraTransitiveHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncEntraAdminGroups")} fieldId="entra-add-admin-group" role="group">
          <HelperText className="pf-v5-u-mb-sm">
            <HelperTextItem>{t("dirsyncEntraAdminGroupsHelp")}</HelperTextItem>
          </HelperText>
          {form.adminGroups.map((g, i) => (
            <div key={i} className="dirsync-ldap-admin-group pf-v5-u-mb-sm" data-testid="entra-admin-group">
              <FormGroup label={t("dirsyncEntraAdminGroup", { n: i + 1 })} fieldId={`entra-admin-group-${i}`}>
                <EntraGroupPicker
                  id={`entra-admin-group-${i}`}
                  ariaLabel={t("dirsyncEntraAdminGroup", { n: i + 1 })}
                  single
                  selected={g.group ? [g.group] : []}
                  names={form.groupNames}
                  onChange={(ids, names) =>
                    setForm((f) =>
                      named(names)({
                        ...f,
                        adminGroups: f.adminGroups.map((x, j) => (j === i ? { ...x, group: ids[0] ?? "" } : x)),
                      }),
                    )
                  }
                  search={searchGroups}
                  readOnly={readOnly}
                />
              </FormGroup>
              <FormGroup label={t("dirsyncEntraAdminRole")} fieldId={`entra-admin-role-${i}`}>
                <InputGroup>
                  <InputGroupItem isFill>
                    <FormSelect
                      id={`entra-admin-role-${i}`}
                      data-testid={`entra-admin-role-${i}`}
                      value={g.role}
                      isDisabled={readOnly}
                      onChange={(_e, v) =>
                        setForm((f) => ({
                          ...f,
                          adminGroups: f.adminGroups.map((x, j) => (j === i ? { ...x, role: v } : x)),
                        }))
                      }
                    >
                      {ADMIN_ROLES.map((r) => (
                        <FormSelectOption key={r} value={r} label={t(`dirsyncAdminRole.${r}`)} />
                      ))}
                    </FormSelect>
                  </InputGroupItem>
                  {!readOnly && (
                    <InputGroupItem>
                      <Button
                        variant="plain"
                        aria-label={t("dirsyncEntraRemoveAdminGroup", { n: i + 1 })}
                        onClick={() => setForm((f) => ({ ...f, adminGroups: f.adminGroups.filter((_x, j) => j !== i) }))}
                      >
                        <MinusCircleIcon />
                      </Button>
                    </InputGroupItem>
                  )}
                </InputGroup>
                <Helper text={t(`dirsyncAdminRoleHelp.${g.role}`, "")} />
              </FormGroup>
            </div>
          ))}
          {form.adminGroups.length === 0 && readOnly && <span>{t("dirsyncEntraNoGroups")}</span>}
          {!readOnly && (
            <Button
              id="entra-add-admin-group"
              variant="link"
              icon={<PlusCircleIcon />}
              isInline
              data-testid="entra-add-admin-group"
              onClick={() => setForm((f) => ({ ...f, adminGroups: [...f.adminGroups, { group: "", role: "read-only" }] }))}
            >
              {t("dirsyncEntraAddAdminGroup")}
            </Button>
          )}
        </FormGroup>
      </FormSection>

      <FormSection title={t("dirsyncEntraAttributes")} titleElement="h2">
        <FormGroup label={t("dirsyncEntraUsernameAttribute")} isRequired fieldId="entra-username-attribute">
          {usernameLocked ? (
            <InputGroup>
              <InputGroupText>
                <Icon>
                  <LockIcon aria-label={t("dirsyncEntraLocked")} data-testid="username-attribute-lock" />
                </Icon>
              </InputGroupText>
              <InputGroupItem isFill>
                <TextInput
                  id="entra-username-attribute"
                  data-testid="entra-username-attribute"
                  value={form.usernameAttribute}
                  readOnlyVariant="default"
                />
              </InputGroupItem>
            </InputGroup>
          ) : (
            <FormSelect
              id="entra-username-attribute"
              data-testid="entra-username-attribute"
              value={form.usernameAttribute}
              isDisabled={readOnly}
              onChange={(_e, v) => field("usernameAttribute")(v)}
            >
              {usernameOptions.map((a) => (
                <FormSelectOption key={a} value={a} label={a} />
              ))}
            </FormSelect>
          )}
          <FormHelperText>
            <HelperText>
              {usernameLocked ? (
                <HelperTextItem icon={<LockIcon />} data-testid="username-attribute-locked">
                  {t("dirsyncEntraUsernameLocked")}
                </HelperTextItem>
              ) : (
                <HelperTextItem>{t("dirsyncEntraUsernameAttributeHelp")}</HelperTextItem>
              )}
            </HelperText>
          </FormHelperText>
        </FormGroup>
        <FormGroup label={t("dirsyncMappings")} fieldId="entra-mapping-add" role="group">
          <Table aria-label={t("dirsyncMappings")} variant="compact" data-testid="entra-mapping-table">
            <Thead>
              <Tr>
                <Th>{t("dirsyncMappingSource")}</Th>
                <Th>{t("dirsyncMappingTarget")}</Th>
                <Th screenReaderText={t("dirsyncActions")} />
              </Tr>
            </Thead>
            <Tbody>
              {required.map((m) => (
                <Tr key={`required-${m.target}`} data-testid="entra-required-mapping">
                  <Td dataLabel={t("dirsyncMappingSource")}>{m.source}</Td>
                  <Td dataLabel={t("dirsyncMappingTarget")}>{m.target}</Td>
                  <Td>
                    <LockIcon aria-hidden /> {t("dirsyncMappingRequired")}
                  </Td>
                </Tr>
              ))}
              {!form.mappings &&
                storedOptional.map((m, i) => (
                  <Tr key={`stored-${i}`} data-testid="entra-optional-mapping">
                    <Td dataLabel={t("dirsyncMappingSource")}>{m.source}</Td>
                    <Td dataLabel={t("dirsyncMappingTarget")}>{targetLabel(String(m.target ?? ""))}</Td>
                    <Td />
                  </Tr>
                ))}
              {form.mappings?.map((m, i) => (
                <Tr key={`optional-${i}`} data-testid="entra-optional-mapping">
                  <Td dataLabel={t("dirsyncMappingSource")}>
                    <TextInput
                      aria-label={t("dirsyncMappingSource")}
                      data-testid={`entra-mapping-source-${i}`}
                      value={m.source}
                      list="dirsync-entra-sources"
                      readOnlyVariant={readOnly ? "default" : undefined}
                      onChange={(_e, v) => setMapping(i, { source: v })}
                    />
                  </Td>
                  <Td dataLabel={t("dirsyncMappingTarget")}>
                    <TextInput
                      aria-label={t("dirsyncMappingTarget")}
                      data-testid={`entra-mapping-target-${i}`}
                      value={m.target}
                      list="dirsync-entra-targets"
                      readOnlyVariant={readOnly ? "default" : undefined}
                      onChange={(_e, v) => setMapping(i, { target: v })}
                    />
                  </Td>
                  <Td>
                    {!readOnly && (
                      <Button
                        variant="plain"
                        aria-label={t("dirsyncMappingRemove")}
                        data-testid={`entra-mapping-remove-${i}`}
                        onClick={() => setForm((f) => ({ ...f, mappings: (f.mappings ?? []).filter((_x, j) => j !== i) }))}
                      >
                        <MinusCircleIcon />
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          {form.mappings && !readOnly && (
            <>
              <datalist id="dirsync-entra-sources">
                {sources.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
              <datalist id="dirsync-entra-targets">
                {[...new Set([...targets, ...ALIASES])].map((s) => (
                  <option key={s} value={s} label={targetLabel(s)} />
                ))}
              </datalist>
              <Button
                id="entra-mapping-add"
                variant="link"
                icon={<PlusCircleIcon />}
                isInline
                data-testid="entra-mapping-add"
                onClick={() => setForm((f) => ({ ...f, mappings: [...(f.mappings ?? []), { source: "", target: "" }] }))}
              >
                {t("dirsyncMappingAdd")}
              </Button>
            </>
          )}
          <FormHelperText>
            <HelperText>
              <HelperTextItem>
                {form.mappings ? (
                  t("dirsyncEntraMappingsHelp")
                ) : (
                  <>
                    {t("dirsyncEntraMappingsInTab")}{" "}
                    {mappingsPath && (
                      <Link to={mappingsPath} data-testid="entra-mappings-link">
                        {t("dirsyncEntraOpenMappings")}
                      </Link>
                    )}
                  </>
                )}
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
      </FormSection>

      <FormSection title={t("dirsyncEntraSignIn")} titleElement="h2">
        <FormGroup label={t("dirsyncEntraIdentityProvider")} fieldId="entra-identity-provider">
          {providers ? (
            <FormSelect
              id="entra-identity-provider"
              data-testid="entra-identity-provider"
              value={form.identityProvider}
              isDisabled={readOnly}
              onChange={(_e, v) => field("identityProvider")(v)}
            >
              <FormSelectOption value="" label={t("dirsyncEntraNoIdentityProvider")} />
              {providers.map((p) => (
                <FormSelectOption key={p.alias} value={p.alias} label={p.label} />
              ))}
              {form.identityProvider && !providers.some((p) => p.alias === form.identityProvider) && (
                <FormSelectOption value={form.identityProvider} label={form.identityProvider} />
              )}
            </FormSelect>
          ) : (
            <TextInput
              id="entra-identity-provider"
              data-testid="entra-identity-provider"
              value={form.identityProvider || t("dirsyncEntraNoIdentityProvider")}
              readOnlyVariant="default"
            />
          )}
          <Helper testid="entra-identity-provider-help" text={t("dirsyncEntraIdentityProviderHelp")} />
        </FormGroup>
        {form.identityProvider && (
          <FormGroup fieldId="entra-password-sign-in">
            <Switch
              id="entra-password-sign-in"
              data-testid="entra-password-sign-in"
              label={t("dirsyncEntraPasswordSignIn")}
              isChecked={form.passwordSignIn}
              isDisabled={readOnly}
              onChange={(_e, v) => field("passwordSignIn")(v)}
            />
            <Helper text={t("dirsyncEntraPasswordSignInHelp")} />
          </FormGroup>
        )}
        <EnrollmentFields
          value={{ enrollmentEmails: form.enrollmentEmails, enrollmentFactors: form.enrollmentFactors }}
          onChange={(v) => setForm((f) => ({ ...f, ...v }))}
          readOnly={readOnly}
        />
        <Helper text={t("dirsyncEntraEnrollmentHelp")} />
      </FormSection>

      <FormSection title={t("dirsyncEntraSchedules")} titleElement="h2">
        <Minutes
          id="entra-full-sync"
          label={t("dirsyncEntraFullSyncMinutes")}
          help={t("dirsyncEntraFullSyncMinutesHelp")}
          value={form.fullSyncMinutes}
          onChange={field("fullSyncMinutes")}
          readOnly={readOnly}
        />
        <Minutes
          id="entra-incremental-sync"
          label={t("dirsyncEntraIncrementalSyncMinutes")}
          help={t("dirsyncEntraIncrementalSyncMinutesHelp")}
          value={form.incrementalSyncMinutes}
          onChange={field("incrementalSyncMinutes")}
          readOnly={readOnly}
        />
        <Minutes
          id="entra-admin-sync"
          label={t("dirsyncEntraAdminSyncMinutes")}
          help={t("dirsyncEntraAdminSyncMinutesHelp")}
          value={form.adminSyncMinutes}
          onChange={field("adminSyncMinutes")}
          readOnly={readOnly}
        />
        <FormGroup fieldId="entra-schedule-paused">
          <Switch
            id="entra-schedule-paused"
            data-testid="entra-schedule-paused"
            label={t("dirsyncEntraSchedulePaused")}
            isChecked={form.schedulePaused}
            isDisabled={readOnly}
            onChange={(_e, v) => field("schedulePaused")(v)}
          />
        </FormGroup>
      </FormSection>

      {actions}
    </Form>
  );
};

/** What Test connection found: its summary, then each check (the token, each Graph permission) with its message. */
const TestResultView = ({ test }: { test: { result?: EntraTestResult; error?: string } }) => {
  const { t } = useTranslation();
  const result = test.result;
  return (
    <Alert
      isInline
      className="pf-v5-u-mt-sm"
      data-testid="entra-test-result"
      variant={result?.ok ? "success" : "danger"}
      title={result ? result.message : t("dirsyncEntraTestRefused", { error: test.error })}
      isLiveRegion
    >
      {result && result.checks.length > 0 && (
        <List isPlain aria-label={t("dirsyncEntraChecks")}>
          {result.checks.map((c) => (
            <ListItem
              key={c.name}
              data-testid="entra-check"
              data-check={c.name}
              data-ok={String(c.ok)}
              icon={
                <Icon status={c.ok ? "success" : "danger"}>
                  {c.ok ? <CheckCircleIcon aria-hidden /> : <ExclamationCircleIcon aria-hidden />}
                </Icon>
              }
            >
              {/* one text element: the list item lays its children out as flex items beside the icon */}
              <span>
                <strong>{c.name}</strong>: {t(c.ok ? "dirsyncEntraCheckOk" : "dirsyncEntraCheckFailed")} — {c.message}
              </span>
            </ListItem>
          ))}
        </List>
      )}
    </Alert>
  );
};

const Minutes = ({
  id,
  label,
  help,
  value,
  onChange,
  readOnly,
}: {
  id: string;
  label: string;
  help: string;
  value: string;
  onChange: (v: string) => void;
  readOnly: boolean;
}) => (
  <FormGroup label={label} fieldId={id}>
    <TextInput
      id={id}
      data-testid={id}
      type="number"
      min={1}
      value={value}
      onChange={(_e, v) => onChange(v)}
      readOnlyVariant={readOnly ? "default" : undefined}
    />
    <Helper text={help} />
  </FormGroup>
);

const Helper = ({ text, testid }: { text: string; testid?: string }) =>
  text ? (
    <FormHelperText>
      <HelperText>
        <HelperTextItem data-testid={testid}>{text}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  ) : null;
