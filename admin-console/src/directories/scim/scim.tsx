import { FormGroup, Switch } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { SelectField } from "../shared/fields";
import type { PushFieldsProps, PushType } from "../shared/push";
import { SCIM_PRESETS, presetOf } from "./presets";

/** A SCIM directory's settings: the client (its preset), whether it may send passwords, strict e-mails. */
export type ScimValues = { provider: string; acceptPasswords: boolean; strictEmails: boolean };

/** The Settings tab's on/off settings: the setting, its field id, its message key (with `On`, `Off` for the states). */
const SWITCHES = [
  { key: "acceptPasswords", id: "accept-passwords", words: "dirsyncAcceptPasswords" },
  { key: "strictEmails", id: "strict-emails", words: "dirsyncStrictEmails" },
] as const;

/** The client in the wizard (its preset names the directory); on the Settings tab also what it may send. */
const ScimFields = ({ value, onChange, readOnly, wizard }: PushFieldsProps<ScimValues>) => {
  const { t } = useTranslation();
  return (
    <>
      <SelectField
        id="scim-provider"
        label={t("dirsyncProvider")}
        value={value.provider}
        readOnly={readOnly}
        options={SCIM_PRESETS.map((p) => ({ value: p.id, label: p.label }))}
        onChange={(provider) => onChange({ ...value, provider })}
      />
      {!wizard &&
        SWITCHES.map((sw) => (
          <FormGroup key={sw.id} label={t(sw.words)} fieldId={sw.id} hasNoPaddingTop>
            <Switch
              id={sw.id}
              label={t(`${sw.words}On`)}
              labelOff={t(`${sw.words}Off`)}
              isChecked={value[sw.key]}
              isDisabled={readOnly}
              onChange={(_e, on) => onChange({ ...value, [sw.key]: on })}
            />
          </FormGroup>
        ))}
    </>
  );
};

/** SCIM 2.0 as a push type: its client preset, the Base URL and bearer token. */
export const SCIM: PushType<ScimValues> = {
  type: "scim",
  prefix: "scim",
  newTitleKey: "dirsyncNewScimTitle",
  newHelpKey: "dirsyncNewScimHelp",
  completeHelpKey: "dirsyncCompleteSetupHelp",
  fallbackName: SCIM_PRESETS[0].name,
  proposedName: (v) => presetOf(v.provider).name,
  valuesOf: (s) => ({
    provider: String(s.provider ?? "okta"),
    acceptPasswords: s.acceptPasswords !== false,
    strictEmails: s.strictEmails === true,
  }),
  toSettings: (v) => ({ provider: v.provider, acceptPasswords: v.acceptPasswords, strictEmails: v.strictEmails }),
  Fields: ScimFields,
  fieldsFirst: true,
  summary: (s, t) => [{ label: t("dirsyncProvider"), value: presetOf(s.provider).label }],
  credential: {
    values: (d) => [{ id: "base-url", labelKey: "dirsyncBaseUrl", value: d.scim?.baseUrl }],
    secret: { id: "token-status", labelKey: "dirsyncToken" },
    state: (d) => ({ ...d.scim, status: d.scim?.tokenStatus, expiresAt: d.scim?.tokenExpiresAt }),
    issued: (c) => [
      { id: "scim-base-url", labelKey: "dirsyncBaseUrl", value: c.baseUrl },
      { id: "scim-token", labelKey: "dirsyncToken", value: c.token },
    ],
    expiresId: "scim-token-expires",
    regenerateId: "regenerate-token",
    words: "dirsync",
  },
};
