import {
  Alert,
  Button,
  ExpandableSection,
  Form,
  FormGroup,
  FormSection,
  HelperText,
  HelperTextItem,
  InputGroup,
  InputGroupItem,
  InputGroupText,
  TextInput,
} from "@patternfly/react-core";
import { MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { GroupSearch, TestResult } from "../../api/dirsync";
import { EnrollmentFields } from "../EnrollmentFields";
import { AdminGroupRows } from "../shared/AdminGroupRows";
import { Helper, SecretField, SelectField, SwitchField, TextField, UsernameAttributeField } from "../shared/fields";
import { fieldOf, SourceFormProps, useTypeActions } from "../shared/form";
import { ScheduleSection } from "../shared/ScheduleSection";
import { GroupSource, SourceGroupPicker } from "../shared/SourceGroupPicker";
import { KerberosSection } from "./KerberosSection";
import "./ldap.css";
import {
  ALIAS_SLOTS,
  freeAliasSlot,
  LdapForm,
  securityOf,
  Security,
  toSettings,
  USERNAME_SUGGESTIONS,
  Vendor,
  withSecurity,
  withVendor,
} from "./model";

type LdapGroup = GroupSearch["groups"][number];

const VENDORS: Vendor[] = ["ad", "openldap", "other"];
const VENDOR_KEYS = { ad: "dirsyncLdapVendorAd", openldap: "dirsyncLdapVendorOpenldap", other: "dirsyncLdapVendorOther" };
const SECURITIES: Security[] = ["ldaps", "starttls", "none"];
const SECURITY_KEYS = { ldaps: "dirsyncLdapSecurityLdaps", starttls: "dirsyncLdapSecurityStartTls", none: "dirsyncLdapSecurityNone" };

/** The bind credential's words: stored, stored (read-only), none, and the help while typing. */
const CREDENTIAL_KEYS = {
  stored: "dirsyncLdapCredentialStored",
  storedReadOnly: "dirsyncLdapCredentialStoredReadOnly",
  none: "dirsyncLdapNoCredential",
  storedHelp: "dirsyncLdapCredentialStoredHelp",
  help: "dirsyncLdapCredentialHelp",
};

/** The picker's words for a directory's groups, named by DN. */
const GROUP_KEYS: GroupSource["keys"] = {
  searchGroups: "dirsyncLdapSearchGroups",
  searching: "dirsyncLdapSearching",
  useTyped: "dirsyncLdapUseDn",
  useTypedHelp: "dirsyncLdapUseDnHelp",
  searchFailed: "dirsyncLdapSearchFailed",
};

type Props = SourceFormProps<LdapForm> & { credentialStored?: boolean };

/**
 * The LDAP / Active Directory form shared by the wizard and a directory's Settings tab: connection
 * (with Test connection and Test authentication), users and synced groups (picked by searching the
 * directory), the username attribute and aliases, admin groups, Kerberos (Active Directory only), schedules and
 * enrollment e-mails.
 */
export const LdapDirectoryForm = ({
  form,
  setForm,
  stored,
  directoryId,
  credentialStored,
  usernameLocked,
  readOnly,
  actions,
}: Props) => {
  const { t } = useTranslation();
  const [advanced, setAdvanced] = useState(false);
  const field = fieldOf(setForm);
  const { run: test, test: runTest, searchGroups } = useTypeActions<TestResult>("ldap", () => toSettings(form, stored), directoryId);
  // A DN typed in full can be used when the search cannot run (e.g. before the credential is typed).
  const groups: GroupSource = {
    search: searchGroups((g: LdapGroup) => ({
      id: g.dn,
      name: g.name,
      description: `${g.dn} · ${t("dirsyncLdapMembers", { count: g.memberCount, plus: g.memberCountAtLeast ? "+" : "" })}`,
    })),
    typedId: (text) => (text.includes("=") ? text : ""),
    chipMaxWidth: "60ch",
    keys: GROUP_KEYS,
  };

  const security = securityOf(form);
  const suggestions = USERNAME_SUGGESTIONS[form.vendor];
  const nextSlot = freeAliasSlot(form);

  return (
    <Form isWidthLimited onSubmit={(e) => e.preventDefault()}>
      <FormSection title={t("dirsyncSourceGeneral")} titleElement="h2">
        <TextField id="ldap-name" label={t("name")} value={form.name} onChange={field("name")} readOnly={readOnly} isRequired />
        <SelectField
          id="ldap-vendor"
          label={t("dirsyncLdapVendor")}
          help={t("dirsyncLdapVendorHelp")}
          value={form.vendor}
          options={VENDORS.map((v) => ({ value: v, label: t(VENDOR_KEYS[v]) }))}
          onChange={(v) => setForm((f) => withVendor(f, v as Vendor, !!usernameLocked))}
          readOnly={readOnly}
        />
      </FormSection>

      <FormSection title={t("dirsyncLdapConnection")} titleElement="h2">
        <TextField
          id="ldap-url"
          label={t("dirsyncLdapConnectionUrl")}
          help={t("dirsyncLdapConnectionUrlHelp")}
          value={form.connectionUrl}
          placeholder="ldaps://dc1.corp.example:636"
          onChange={field("connectionUrl")}
          readOnly={readOnly}
          isRequired
        />
        <SelectField
          id="ldap-security"
          label={t("dirsyncLdapSecurity")}
          help={t(security === "none" ? "dirsyncLdapSecurityNoneHelp" : "dirsyncLdapSecurityHelp")}
          value={security}
          options={SECURITIES.map((v) => ({ value: v, label: t(SECURITY_KEYS[v]) }))}
          onChange={(v) => setForm((f) => withSecurity(f, v as Security))}
          readOnly={readOnly}
        />
        <TextField
          id="ldap-bind-dn"
          label={t("dirsyncLdapBindDn")}
          help={t("dirsyncLdapBindDnHelp")}
          value={form.bindDn}
          placeholder="CN=svc-keycloak,OU=Service Accounts,DC=corp,DC=example"
          onChange={field("bindDn")}
          readOnly={readOnly}
        />
        <SecretField
          id="ldap-bind-credential"
          label={t("dirsyncLdapBindCredential")}
          value={form.bindCredential}
          onChange={field("bindCredential")}
          stored={credentialStored}
          readOnly={readOnly}
          helpTestId="ldap-credential-help"
          keys={CREDENTIAL_KEYS}
        />
        {!readOnly && (
          <FormGroup>
            <div className="pf-v5-l-flex pf-m-space-items-sm">
              <Button
                variant="secondary"
                data-testid="ldap-test-connection"
                isLoading={test?.running && test.action === "test-connection"}
                isDisabled={test?.running || !form.connectionUrl.trim()}
                onClick={() => runTest("test-connection")}
              >
                {t("dirsyncLdapTestConnection")}
              </Button>
              <Button
                variant="secondary"
                data-testid="ldap-test-authentication"
                isLoading={test?.running && test.action === "test-authentication"}
                isDisabled={test?.running || !form.connectionUrl.trim()}
                onClick={() => runTest("test-authentication")}
              >
                {t("dirsyncLdapTestAuthentication")}
              </Button>
            </div>
            {test && !test.running && (
              <Alert
                isInline
                isPlain
                className="pf-v5-u-mt-sm"
                data-testid="ldap-test-result"
                variant={test.result?.ok ? "success" : "danger"}
                title={
                  test.result
                    ? test.result.message
                    : t("dirsyncSourceTestRefused", { error: test.error })
                }
                isLiveRegion
              />
            )}
          </FormGroup>
        )}
      </FormSection>

      <FormSection title={t("dirsyncLdapUsersAndGroups")} titleElement="h2">
        <TextField
          id="ldap-users-dn"
          label={t("dirsyncLdapUsersDn")}
          help={t("dirsyncLdapUsersDnHelp")}
          value={form.usersDn}
          placeholder="OU=Staff,DC=corp,DC=example"
          onChange={field("usersDn")}
          readOnly={readOnly}
          isRequired
        />
        <FormGroup label={t("dirsyncLdapSyncedGroups")} fieldId="ldap-synced-groups">
          <SourceGroupPicker
            id="ldap-synced-groups"
            ariaLabel={t("dirsyncLdapSyncedGroups")}
            source={groups}
            selected={form.syncedGroups}
            onChange={field("syncedGroups")}
            readOnly={readOnly}
          />
          <Helper text={t("dirsyncLdapSyncedGroupsHelp")} />
        </FormGroup>
        <SwitchField
          id="ldap-nested"
          label={t("dirsyncLdapNestedGroups")}
          help={t("dirsyncLdapNestedGroupsHelp")}
          checked={form.nestedGroups}
          onChange={field("nestedGroups")}
          readOnly={readOnly}
        />
        <ExpandableSection
          toggleText={t("dirsyncLdapAdvanced")}
          isExpanded={advanced || form.vendor === "other"}
          onToggle={(_e, v) => setAdvanced(v)}
          data-testid="ldap-advanced"
        >
          <FormGroup label={t("dirsyncLdapUuidAttribute")} fieldId="ldap-uuid">
            <TextInput
              id="ldap-uuid"
              value={form.uuidAttribute}
              onChange={(_e, v) => field("uuidAttribute")(v)}
              readOnlyVariant={readOnly ? "default" : undefined}
            />
            <Helper text={t("dirsyncLdapUuidAttributeHelp")} />
          </FormGroup>
          <FormGroup label={t("dirsyncLdapUserObjectClasses")} fieldId="ldap-object-classes">
            <TextInput
              id="ldap-object-classes"
              value={form.userObjectClasses}
              onChange={(_e, v) => field("userObjectClasses")(v)}
              readOnlyVariant={readOnly ? "default" : undefined}
            />
          </FormGroup>
          <FormGroup label={t("dirsyncLdapUserFilter")} fieldId="ldap-user-filter">
            <TextInput
              id="ldap-user-filter"
              value={form.userFilter}
              placeholder="(department=Sales)"
              onChange={(_e, v) => field("userFilter")(v)}
              readOnlyVariant={readOnly ? "default" : undefined}
            />
            <Helper text={t("dirsyncLdapUserFilterHelp")} />
          </FormGroup>
        </ExpandableSection>
      </FormSection>

      <FormSection title={t("dirsyncLdapUsernames")} titleElement="h2">
        <UsernameAttributeField
          id="ldap-username-attribute"
          label={t("dirsyncLdapUsernameAttribute")}
          value={form.usernameAttribute}
          locked={usernameLocked}
          help={t("dirsyncLdapUsernameAttributeHelp", { examples: suggestions.join(", ") })}
          lockedHelp={t("dirsyncLdapUsernameLocked")}
        >
          <TextInput
            id="ldap-username-attribute"
            data-testid="ldap-username-attribute"
            value={form.usernameAttribute}
            onChange={(_e, v) => field("usernameAttribute")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
        </UsernameAttributeField>
        <FormGroup label={t("dirsyncLdapAliases")} fieldId="ldap-alias-add" role="group">
          {form.aliases.map((a) => (
            <InputGroup key={a.slot} className="pf-v5-u-mb-sm">
              <InputGroupText id={`ldap-alias-${a.slot}-label`} className="dirsync-ldap-alias-label">
                {t("dirsyncLdapAliasSlot", { slot: a.slot })}
              </InputGroupText>
              <InputGroupItem isFill>
                <TextInput
                  id={`ldap-alias-${a.slot}`}
                  data-testid={`ldap-alias-${a.slot}`}
                  aria-labelledby={`ldap-alias-${a.slot}-label`}
                  value={a.source}
                  placeholder={suggestions.filter((s) => s !== form.usernameAttribute)[0]}
                  readOnlyVariant={readOnly ? "default" : undefined}
                  onChange={(_e, v) =>
                    setForm((f) => ({
                      ...f,
                      aliases: f.aliases.map((x) => (x.slot === a.slot ? { ...x, source: v } : x)),
                    }))
                  }
                />
              </InputGroupItem>
              {!readOnly && (
                <InputGroupItem>
                  <Button
                    variant="plain"
                    aria-label={t("dirsyncLdapRemoveAlias", { slot: a.slot })}
                    onClick={() => setForm((f) => ({ ...f, aliases: f.aliases.filter((x) => x.slot !== a.slot) }))}
                  >
                    <MinusCircleIcon />
                  </Button>
                </InputGroupItem>
              )}
            </InputGroup>
          ))}
          {form.aliases.length === 0 && readOnly && <span>{t("dirsyncLdapNoAliases")}</span>}
          {!readOnly && (
            <Button
              id="ldap-alias-add"
              variant="link"
              icon={<PlusCircleIcon />}
              isInline
              isDisabled={nextSlot === 0}
              data-testid="ldap-add-alias"
              onClick={() =>
                setForm((f) => ({
                  ...f,
                  aliases: [...f.aliases, { slot: freeAliasSlot(f), source: "" }].sort((x, y) => x.slot - y.slot),
                }))
              }
            >
              {t("dirsyncLdapAddAlias")}
            </Button>
          )}
          <Helper text={t("dirsyncLdapAliasesHelp", { max: ALIAS_SLOTS })} />
        </FormGroup>
      </FormSection>

      <FormSection title={t("dirsyncSourceAdminGroups")} titleElement="h2">
        <HelperText>
          <HelperTextItem>{t("dirsyncSourceAdminGroupsHelp")}</HelperTextItem>
        </HelperText>
        <AdminGroupRows
          idPrefix="ldap"
          rows={form.adminGroups}
          onChange={(change) => setForm((f) => ({ ...f, adminGroups: change(f.adminGroups) }))}
          source={groups}
          readOnly={readOnly}
        />
      </FormSection>

      {form.vendor === "ad" && (
        <KerberosSection
          value={form.kerberos}
          onChange={(change) => setForm((f) => ({ ...f, kerberos: change(f.kerberos) }))}
          readOnly={readOnly}
        />
      )}

      <ScheduleSection idPrefix="ldap" form={form} setForm={setForm} readOnly={readOnly} />

      <FormSection title={t("dirsyncLdapEnrollment")} titleElement="h2">
        <EnrollmentFields
          value={{ enrollmentEmails: form.enrollmentEmails, enrollmentFactors: form.enrollmentFactors }}
          onChange={(v) => setForm((f) => ({ ...f, ...v }))}
          readOnly={readOnly}
        />
        <Helper text={t("dirsyncLdapEnrollmentEmailsHelp")} />
      </FormSection>

      {actions}
    </Form>
  );
};
