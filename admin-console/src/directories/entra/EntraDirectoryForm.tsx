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
  List,
  ListItem,
  TextInput,
} from "@patternfly/react-core";
import { CheckCircleIcon, ExclamationCircleIcon, LockIcon, MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { EntraGroupSearch, EntraTestResult } from "../../api/dirsync";
import { EnrollmentFields } from "../EnrollmentFields";
import { AdminGroupRows } from "../shared/AdminGroupRows";
import { Helper, SelectField, SwitchField, TextField, UsernameAttributeField } from "../shared/fields";
import { fieldOf, SourceFormProps, useTypeActions } from "../shared/form";
import { ScheduleSection } from "../shared/ScheduleSection";
import { GroupSource, SourceGroupPicker } from "../shared/SourceGroupPicker";
import { Cloud, EntraForm, OBJECT_ID, REQUIRED_SOURCES, toSettings, USERNAME_ATTRIBUTES, withCloud } from "./model";

type EntraGroup = EntraGroupSearch["groups"][number];

const CLOUD_IDS: Cloud[] = ["global", "usgov", "china", "custom"];

/** The picker's words for a tenant's groups, named by object id. */
const GROUP_KEYS: GroupSource["keys"] = {
  searchGroups: "dirsyncEntraSearchGroups",
  searching: "dirsyncEntraSearching",
  useTyped: "dirsyncEntraUseId",
  useTypedHelp: "dirsyncEntraUseIdHelp",
  searchFailed: "dirsyncEntraSearchFailed",
};

type Props = SourceFormProps<EntraForm> & {
  secretStored?: boolean;
  /** the source attributes the type offers for mappings (GET /directory-types/entra) */
  sources?: string[];
  /** where a saved directory's mappings are edited (its Mappings tab) */
  mappingsPath?: string;
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
  usernameLocked,
  sources = [],
  mappingsPath,
  readOnly,
  actions,
}: Props) => {
  const { t } = useTranslation();
  const { adminClient } = useAdminClient();
  const { realm } = useRealm();
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

  const field = fieldOf(setForm);
  const { run: test, test: runTest, searchGroups } = useTypeActions<EntraTestResult>("entra", () => toSettings(form, stored), directoryId);

  const canTest =
    !!form.tenantId.trim() && !!form.clientId.trim() && (!!form.clientSecret || !!(directoryId && secretStored));
  // An object id pasted in full can be used when the search cannot run.
  const groups: GroupSource = {
    search: searchGroups((g: EntraGroup) => ({
      id: g.id,
      name: g.name,
      description: g.description ? `${g.id} · ${g.description}` : g.id,
    })),
    typedId: (text) => (OBJECT_ID.test(text) ? text.toLowerCase() : ""),
    names: form.groupNames,
    chipMaxWidth: "70ch",
    keys: GROUP_KEYS,
  };
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
      <FormSection title={t("dirsyncSourceGeneral")} titleElement="h2">
        <TextField id="entra-name" label={t("name")} value={form.name} onChange={field("name")} readOnly={readOnly} isRequired />
      </FormSection>

      <FormSection title={t("dirsyncEntraConnection")} titleElement="h2">
        <TextField
          id="entra-tenant"
          label={t("dirsyncEntraTenantId")}
          help={t("dirsyncEntraTenantIdHelp")}
          value={form.tenantId}
          placeholder="contoso.onmicrosoft.com"
          onChange={field("tenantId")}
          readOnly={readOnly}
          isRequired
        />
        <TextField
          id="entra-client-id"
          label={t("dirsyncEntraClientId")}
          help={t("dirsyncEntraClientIdHelp")}
          value={form.clientId}
          placeholder="00000000-0000-0000-0000-000000000000"
          onChange={field("clientId")}
          readOnly={readOnly}
          isRequired
        />
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
        <SelectField
          id="entra-cloud"
          label={t("dirsyncEntraCloudLabel")}
          help={t("dirsyncEntraCloudHelp")}
          value={form.cloud}
          options={CLOUD_IDS.map((c) => ({ value: c, label: t(`dirsyncEntraCloud.${c}`) }))}
          onChange={(v) => setForm((f) => withCloud(f, v as Cloud))}
          readOnly={readOnly}
        />
        <TextField
          id="entra-authority-host"
          label={t("dirsyncEntraAuthorityHost")}
          value={form.authorityHost}
          onChange={field("authorityHost")}
          readOnly={readOnly || !custom}
        />
        <TextField
          id="entra-graph-endpoint"
          label={t("dirsyncEntraGraphEndpoint")}
          value={form.graphEndpoint}
          onChange={field("graphEndpoint")}
          readOnly={readOnly || !custom}
        />
        {!readOnly && (
          <FormGroup>
            <Button
              variant="secondary"
              data-testid="entra-test-connection"
              isLoading={test?.running}
              isDisabled={test?.running || !canTest}
              onClick={() => runTest("test-connection")}
            >
              {t("dirsyncEntraTestConnection")}
            </Button>
            {test && !test.running && <TestResultView test={test} />}
          </FormGroup>
        )}
      </FormSection>

      <FormSection title={t("dirsyncEntraGroups")} titleElement="h2">
        <FormGroup label={t("dirsyncEntraSyncedGroups")} fieldId="entra-synced-groups">
          <SourceGroupPicker
            id="entra-synced-groups"
            ariaLabel={t("dirsyncEntraSyncedGroups")}
            source={groups}
            selected={form.syncedGroups}
            onChange={(ids, names) => setForm((f) => named(names)({ ...f, syncedGroups: ids }))}
            readOnly={readOnly}
          />
          <Helper text={t("dirsyncEntraSyncedGroupsHelp")} />
        </FormGroup>
        <SwitchField
          id="entra-transitive"
          label={t("dirsyncEntraTransitive")}
          help={t("dirsyncEntraTransitiveHelp")}
          checked={form.transitiveMembers}
          onChange={field("transitiveMembers")}
          readOnly={readOnly}
        />
        <FormGroup label={t("dirsyncSourceAdminGroups")} fieldId="entra-add-admin-group" role="group">
          <HelperText className="pf-v5-u-mb-sm">
            <HelperTextItem>{t("dirsyncSourceAdminGroupsHelp")}</HelperTextItem>
          </HelperText>
          <AdminGroupRows
            idPrefix="entra"
            rows={form.adminGroups}
            onChange={(change, names = {}) => setForm((f) => named(names)({ ...f, adminGroups: change(f.adminGroups) }))}
            source={groups}
            readOnly={readOnly}
          />
        </FormGroup>
      </FormSection>

      <FormSection title={t("dirsyncEntraAttributes")} titleElement="h2">
        <UsernameAttributeField
          id="entra-username-attribute"
          label={t("dirsyncEntraUsernameAttribute")}
          value={form.usernameAttribute}
          locked={usernameLocked}
          help={t("dirsyncEntraUsernameAttributeHelp")}
          lockedHelp={t("dirsyncEntraUsernameLocked")}
        >
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
        </UsernameAttributeField>
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
          <SwitchField
            id="entra-password-sign-in"
            label={t("dirsyncEntraPasswordSignIn")}
            help={t("dirsyncEntraPasswordSignInHelp")}
            checked={form.passwordSignIn}
            onChange={field("passwordSignIn")}
            readOnly={readOnly}
          />
        )}
        <EnrollmentFields
          value={{ enrollmentEmails: form.enrollmentEmails, enrollmentFactors: form.enrollmentFactors }}
          onChange={(v) => setForm((f) => ({ ...f, ...v }))}
          readOnly={readOnly}
        />
        <Helper text={t("dirsyncEntraEnrollmentHelp")} />
      </FormSection>

      <ScheduleSection idPrefix="entra" form={form} setForm={setForm} readOnly={readOnly} />

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
      title={result ? result.message : t("dirsyncSourceTestRefused", { error: test.error })}
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
