import {
  Alert,
  Button,
  ExpandableSection,
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
  Switch,
  TextInput,
} from "@patternfly/react-core";
import { LockIcon, MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import type { GroupSearch, TestResult } from "../../api/dirsync";
import { useDirSyncApi } from "../../api/dirsync";
import { EnrollmentFields } from "../EnrollmentFields";
import { GroupPicker } from "./GroupPicker";
import "./ldap.css";
import {
  ADMIN_ROLES,
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

type Props = {
  form: LdapForm;
  setForm: (change: (form: LdapForm) => LdapForm) => void;
  /** the stored settings of the directory being edited ({} for a new one) */
  stored: Record<string, unknown>;
  /** the directory being edited: its stored bind credential stands in for one not typed */
  directoryId?: string;
  credentialStored?: boolean;
  usernameLocked?: boolean;
  /** no manage-realm: every field read-only, no test or add/remove buttons */
  readOnly: boolean;
  /** the form's own buttons (Create / Save, Cancel) */
  actions: ReactNode;
};

/**
 * The LDAP / Active Directory form shared by the wizard and a directory's Settings tab: connection
 * (with Test connection and Test authentication), users and synced groups (picked by searching the
 * directory), the username attribute and aliases, admin groups, schedules and enrollment e-mails.
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
  const api = useDirSyncApi();
  const [test, setTest] = useState<{ action: string; result?: TestResult; error?: string; running: boolean }>();
  const [advanced, setAdvanced] = useState(false);

  const field = <K extends keyof LdapForm>(key: K) => (value: LdapForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const settings = () => toSettings(form, stored);

  const runTest = async (action: "test-connection" | "test-authentication") => {
    setTest({ action, running: true });
    try {
      const result = await api.typeAction<TestResult>("ldap", action, { settings: settings() }, directoryId);
      setTest({ action, result, running: false });
    } catch (e) {
      setTest({ action, error: e instanceof Error ? e.message : String(e), running: false });
    }
  };
  const searchGroups = (search: string) =>
    api.typeAction<GroupSearch>("ldap", "search-groups", { settings: settings(), search, max: 20 }, directoryId);

  const security = securityOf(form);
  const suggestions = USERNAME_SUGGESTIONS[form.vendor];
  const nextSlot = freeAliasSlot(form);

  return (
    <Form isWidthLimited onSubmit={(e) => e.preventDefault()}>
      <FormSection title={t("dirsyncLdapGeneral")} titleElement="h2">
        <FormGroup label={t("name")} isRequired fieldId="ldap-name">
          <TextInput
            id="ldap-name"
            data-testid="ldap-name"
            value={form.name}
            onChange={(_e, v) => field("name")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
        </FormGroup>
        <FormGroup label={t("dirsyncLdapVendor")} fieldId="ldap-vendor">
          <FormSelect
            id="ldap-vendor"
            data-testid="ldap-vendor"
            value={form.vendor}
            isDisabled={readOnly}
            onChange={(_e, v) => setForm((f) => withVendor(f, v as Vendor, !!usernameLocked))}
          >
            <FormSelectOption value="ad" label={t("dirsyncLdapVendorAd")} />
            <FormSelectOption value="openldap" label={t("dirsyncLdapVendorOpenldap")} />
            <FormSelectOption value="other" label={t("dirsyncLdapVendorOther")} />
          </FormSelect>
          <Helper text={t("dirsyncLdapVendorHelp")} />
        </FormGroup>
      </FormSection>

      <FormSection title={t("dirsyncLdapConnection")} titleElement="h2">
        <FormGroup label={t("dirsyncLdapConnectionUrl")} isRequired fieldId="ldap-url">
          <TextInput
            id="ldap-url"
            data-testid="ldap-url"
            value={form.connectionUrl}
            placeholder="ldaps://dc1.corp.example:636"
            onChange={(_e, v) => field("connectionUrl")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
          <Helper text={t("dirsyncLdapConnectionUrlHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncLdapSecurity")} fieldId="ldap-security">
          <FormSelect
            id="ldap-security"
            data-testid="ldap-security"
            value={security}
            isDisabled={readOnly}
            onChange={(_e, v) => setForm((f) => withSecurity(f, v as Security))}
          >
            <FormSelectOption value="ldaps" label={t("dirsyncLdapSecurityLdaps")} />
            <FormSelectOption value="starttls" label={t("dirsyncLdapSecurityStartTls")} />
            <FormSelectOption value="none" label={t("dirsyncLdapSecurityNone")} />
          </FormSelect>
          <Helper text={t(security === "none" ? "dirsyncLdapSecurityNoneHelp" : "dirsyncLdapSecurityHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncLdapBindDn")} fieldId="ldap-bind-dn">
          <TextInput
            id="ldap-bind-dn"
            data-testid="ldap-bind-dn"
            value={form.bindDn}
            placeholder="CN=svc-keycloak,OU=Service Accounts,DC=corp,DC=example"
            onChange={(_e, v) => field("bindDn")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
          />
          <Helper text={t("dirsyncLdapBindDnHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncLdapBindCredential")} fieldId="ldap-bind-credential">
          {readOnly ? (
            <TextInput
              id="ldap-bind-credential"
              value={credentialStored ? t("dirsyncLdapCredentialStored") : ""}
              readOnlyVariant="default"
              data-testid="ldap-bind-credential"
            />
          ) : (
            <TextInput
              id="ldap-bind-credential"
              data-testid="ldap-bind-credential"
              type="password"
              autoComplete="new-password"
              value={form.bindCredential}
              placeholder={credentialStored ? t("dirsyncLdapCredentialStored") : ""}
              onChange={(_e, v) => field("bindCredential")(v)}
            />
          )}
          <Helper
            testid="ldap-credential-help"
            text={t(
              readOnly
                ? credentialStored
                  ? "dirsyncLdapCredentialStoredReadOnly"
                  : "dirsyncLdapNoCredential"
                : credentialStored
                  ? "dirsyncLdapCredentialStoredHelp"
                  : "dirsyncLdapCredentialHelp",
            )}
          />
        </FormGroup>
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
                    : t("dirsyncLdapTestRefused", { error: test.error })
                }
                isLiveRegion
              />
            )}
          </FormGroup>
        )}
      </FormSection>

      <FormSection title={t("dirsyncLdapUsersAndGroups")} titleElement="h2">
        <FormGroup label={t("dirsyncLdapUsersDn")} isRequired fieldId="ldap-users-dn">
          <TextInput
            id="ldap-users-dn"
            data-testid="ldap-users-dn"
            value={form.usersDn}
            placeholder="OU=Staff,DC=corp,DC=example"
            onChange={(_e, v) => field("usersDn")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
            isRequired
          />
          <Helper text={t("dirsyncLdapUsersDnHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncLdapSyncedGroups")} fieldId="ldap-synced-groups">
          <GroupPicker
            id="ldap-synced-groups"
            ariaLabel={t("dirsyncLdapSyncedGroups")}
            selected={form.syncedGroups}
            onChange={field("syncedGroups")}
            search={searchGroups}
            readOnly={readOnly}
          />
          <Helper text={t("dirsyncLdapSyncedGroupsHelp")} />
        </FormGroup>
        <FormGroup fieldId="ldap-nested">
          <Switch
            id="ldap-nested"
            data-testid="ldap-nested"
            label={t("dirsyncLdapNestedGroups")}
            isChecked={form.nestedGroups}
            isDisabled={readOnly}
            onChange={(_e, v) => field("nestedGroups")(v)}
          />
          <Helper text={t("dirsyncLdapNestedGroupsHelp")} />
        </FormGroup>
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
        <FormGroup label={t("dirsyncLdapUsernameAttribute")} isRequired fieldId="ldap-username-attribute">
          {usernameLocked ? (
            <InputGroup>
              <InputGroupText>
                <Icon>
                  <LockIcon aria-label={t("dirsyncLdapLocked")} data-testid="username-attribute-lock" />
                </Icon>
              </InputGroupText>
              <InputGroupItem isFill>
                <TextInput
                  id="ldap-username-attribute"
                  data-testid="ldap-username-attribute"
                  value={form.usernameAttribute}
                  readOnlyVariant="default"
                />
              </InputGroupItem>
            </InputGroup>
          ) : (
            <TextInput
              id="ldap-username-attribute"
              data-testid="ldap-username-attribute"
              value={form.usernameAttribute}
              onChange={(_e, v) => field("usernameAttribute")(v)}
              readOnlyVariant={readOnly ? "default" : undefined}
              isRequired
            />
          )}
          <FormHelperText>
            <HelperText>
              {usernameLocked ? (
                <HelperTextItem icon={<LockIcon />} data-testid="username-attribute-locked">
                  {t("dirsyncLdapUsernameLocked")}
                </HelperTextItem>
              ) : (
                <HelperTextItem>{t("dirsyncLdapUsernameAttributeHelp", { examples: suggestions.join(", ") })}</HelperTextItem>
              )}
            </HelperText>
          </FormHelperText>
        </FormGroup>
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

      <FormSection title={t("dirsyncLdapAdminGroups")} titleElement="h2">
        <HelperText>
          <HelperTextItem>{t("dirsyncLdapAdminGroupsHelp")}</HelperTextItem>
        </HelperText>
        {form.adminGroups.map((g, i) => (
          <div key={i} className="dirsync-ldap-admin-group" data-testid="ldap-admin-group">
            <FormGroup label={t("dirsyncLdapAdminGroup", { n: i + 1 })} fieldId={`ldap-admin-group-${i}`}>
              <GroupPicker
                id={`ldap-admin-group-${i}`}
                ariaLabel={t("dirsyncLdapAdminGroup", { n: i + 1 })}
                single
                selected={g.dn ? [g.dn] : []}
                onChange={(dns) =>
                  setForm((f) => ({
                    ...f,
                    adminGroups: f.adminGroups.map((x, j) => (j === i ? { ...x, dn: dns[0] ?? "" } : x)),
                  }))
                }
                search={searchGroups}
                readOnly={readOnly}
              />
            </FormGroup>
            <FormGroup label={t("dirsyncLdapAdminRole")} fieldId={`ldap-admin-role-${i}`}>
              <InputGroup>
                <InputGroupItem isFill>
                  <FormSelect
                    id={`ldap-admin-role-${i}`}
                    data-testid={`ldap-admin-role-${i}`}
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
                      aria-label={t("dirsyncLdapRemoveAdminGroup", { n: i + 1 })}
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
        {form.adminGroups.length === 0 && readOnly && <span>{t("dirsyncLdapNoAdminGroups")}</span>}
        {!readOnly && (
          <Button
            variant="link"
            icon={<PlusCircleIcon />}
            isInline
            data-testid="ldap-add-admin-group"
            onClick={() => setForm((f) => ({ ...f, adminGroups: [...f.adminGroups, { dn: "", role: "read-only" }] }))}
          >
            {t("dirsyncLdapAddAdminGroup")}
          </Button>
        )}
      </FormSection>

      <FormSection title={t("dirsyncLdapSchedules")} titleElement="h2">
        <FormGroup label={t("dirsyncLdapFullSyncMinutes")} fieldId="ldap-full-sync">
          <TextInput
            id="ldap-full-sync"
            data-testid="ldap-full-sync"
            type="number"
            min={1}
            value={form.fullSyncMinutes}
            onChange={(_e, v) => field("fullSyncMinutes")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
          />
          <Helper text={t("dirsyncLdapFullSyncMinutesHelp")} />
        </FormGroup>
        <FormGroup label={t("dirsyncLdapAdminSyncMinutes")} fieldId="ldap-admin-sync">
          <TextInput
            id="ldap-admin-sync"
            data-testid="ldap-admin-sync"
            type="number"
            min={1}
            value={form.adminSyncMinutes}
            onChange={(_e, v) => field("adminSyncMinutes")(v)}
            readOnlyVariant={readOnly ? "default" : undefined}
          />
          <Helper text={t("dirsyncLdapAdminSyncMinutesHelp")} />
        </FormGroup>
        <FormGroup fieldId="ldap-schedule-paused">
          <Switch
            id="ldap-schedule-paused"
            data-testid="ldap-schedule-paused"
            label={t("dirsyncLdapSchedulePaused")}
            isChecked={form.schedulePaused}
            isDisabled={readOnly}
            onChange={(_e, v) => field("schedulePaused")(v)}
          />
        </FormGroup>
      </FormSection>

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

const Helper = ({ text, testid }: { text: string; testid?: string }) =>
  text ? (
    <FormHelperText>
      <HelperText>
        <HelperTextItem data-testid={testid}>{text}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  ) : null;
