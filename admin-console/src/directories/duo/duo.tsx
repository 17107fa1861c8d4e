import { useTranslation } from "react-i18next";
import { SelectField, TextField } from "../shared/fields";
import type { PushFieldsProps, PushType } from "../shared/push";
import { ADMIN_ROLES } from "../shared/settings";

/** A Duo Admin API directory's settings. */
export type DuoValues = { apiHostname: string; adminRole: string };

const DEFAULT_ADMIN_ROLE = "read-only";

/**
 * The API hostname (the host name the operator's reverse proxy maps onto the directory; clients sign requests for
 * it; a change takes effect at once) and the admin role users sent with userType=admin hold (rule 12). The server
 * validates both.
 */
const DuoFields = ({ value, onChange, readOnly }: PushFieldsProps<DuoValues>) => {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        id="duo-api-hostname-setting"
        label={t("dirsyncDuoApiHostname")}
        help={t("dirsyncDuoApiHostnameHelp")}
        placeholder="duo-api.example.com"
        isRequired
        value={value.apiHostname}
        readOnly={readOnly}
        onChange={(apiHostname) => onChange({ ...value, apiHostname })}
      />
      <SelectField
        id="duo-admin-role"
        label={t("dirsyncDuoAdminRole")}
        help={t("dirsyncDuoAdminRoleHelp")}
        value={value.adminRole}
        readOnly={readOnly}
        options={ADMIN_ROLES.map((r) => ({ value: r, label: t(`dirsyncAdminRole.${r}`, r) }))}
        onChange={(adminRole) => onChange({ ...value, adminRole })}
      />
    </>
  );
};

/**
 * Duo's Admin API as a push type: the API hostname and admin role; the keys (API hostname, integration key, secret
 * key) and the endpoint the reverse proxy points at.
 */
export const DUO: PushType<DuoValues> = {
  type: "duo-admin-api",
  prefix: "duo",
  newTitleKey: "dirsyncDuoNewTitle",
  newHelpKey: "dirsyncDuoNewHelp",
  completeHelpKey: "dirsyncDuoCompleteSetupHelp",
  fallbackName: "New Duo Admin API Sync",
  valuesOf: (s) => ({
    apiHostname: typeof s.apiHostname === "string" ? s.apiHostname : "",
    adminRole: typeof s.adminRole === "string" ? s.adminRole : DEFAULT_ADMIN_ROLE,
  }),
  toSettings: (v) => ({ apiHostname: v.apiHostname.trim(), adminRole: v.adminRole }),
  Fields: DuoFields,
  summary: (s, t) => [
    { label: t("dirsyncDuoApiHostname"), value: String(s.apiHostname ?? "") },
    { label: t("dirsyncDuoAdminRole"), value: t(`dirsyncAdminRole.${String(s.adminRole)}`) },
  ],
  credential: {
    values: (d) => [
      { id: "api-hostname", labelKey: "dirsyncDuoApiHostname", value: d.duo?.apiHostname },
      { id: "endpoint", labelKey: "dirsyncDuoEndpoint", value: d.duo?.endpoint },
      { id: "integration-key", labelKey: "dirsyncDuoIntegrationKey", value: d.duo?.integrationKey },
    ],
    secret: { id: "keys-status", labelKey: "dirsyncDuoSecretKey" },
    state: (d) => ({ ...d.duo, status: d.duo?.keysStatus }),
    issued: (c) => [
      { id: "duo-api-hostname", labelKey: "dirsyncDuoApiHostname", value: c.apiHostname as string },
      { id: "duo-integration-key", labelKey: "dirsyncDuoIntegrationKey", value: c.integrationKey as string },
      { id: "duo-secret-key", labelKey: "dirsyncDuoSecretKey", value: c.secretKey as string },
      { id: "duo-endpoint", labelKey: "dirsyncDuoEndpoint", value: c.endpoint as string },
    ],
    expiresId: "duo-keys-expire",
    regenerateId: "regenerate-keys",
    words: "dirsyncDuo",
  },
};
