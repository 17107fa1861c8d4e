import { useTranslation } from "react-i18next";
import { ADMIN_ROLES } from "../shared/settings";
import { SelectField, TextField } from "../shared/fields";

export type DuoValues = { apiHostname: string; adminRole: string };

export const DEFAULT_ADMIN_ROLE = "read-only";

export const duoValuesOf = (s: Record<string, unknown>): DuoValues => ({
  apiHostname: typeof s.apiHostname === "string" ? s.apiHostname : "",
  adminRole: typeof s.adminRole === "string" ? s.adminRole : DEFAULT_ADMIN_ROLE,
});

/**
 * The Duo Admin API settings of the wizard and the Settings tab: the API hostname (the host name the operator's
 * reverse proxy maps onto the directory; clients sign requests for it) and the admin role users sent with
 * userType=admin hold (rule 12). The server validates both.
 */
export const DuoFields = ({
  value,
  onChange,
  readOnly,
}: {
  value: DuoValues;
  onChange: (v: DuoValues) => void;
  readOnly: boolean;
}) => {
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
