import { FormSection, HelperText, HelperTextItem } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { SwitchField, TextField } from "../shared/fields";
import type { KerberosForm } from "./model";

/**
 * Keycloak's Kerberos options of an Active Directory directory (io.dirsync.ldap.KerberosSettings): SPNEGO sign-in
 * with the service principal's keytab on the Keycloak server, and passwords checked by the KDC. The server checks
 * them (realm's case, the keytab file and its principal) and its refusal shows under Save as for every field.
 * Passwords through the KDC follow SPNEGO: Keycloak asks the KDC only while Kerberos sign-in is allowed.
 */
export const KerberosSection = ({
  value,
  onChange,
  readOnly,
}: {
  value: KerberosForm;
  onChange: (change: (k: KerberosForm) => KerberosForm) => void;
  readOnly: boolean;
}) => {
  const { t } = useTranslation();
  const set =
    <K extends keyof KerberosForm>(key: K) =>
    (v: KerberosForm[K]) =>
      onChange((k) => ({ ...k, [key]: v }));
  return (
    <FormSection title={t("dirsyncLdapKerberos")} titleElement="h2" data-testid="ldap-kerberos">
      <HelperText>
        <HelperTextItem>{t("dirsyncLdapKerberosHelp")}</HelperTextItem>
      </HelperText>
      <TextField
        id="ldap-kerberos-realm"
        label={t("dirsyncLdapKerberosRealm")}
        help={t("dirsyncLdapKerberosRealmHelp")}
        value={value.realm}
        placeholder="CORP.EXAMPLE"
        onChange={set("realm")}
        readOnly={readOnly}
      />
      <SwitchField
        id="ldap-kerberos-spnego"
        label={t("dirsyncLdapKerberosSpnego")}
        help={t("dirsyncLdapKerberosSpnegoHelp")}
        checked={value.allowKerberosAuthentication}
        // Off takes passwords through the KDC with it: Keycloak would check them by an LDAP bind then.
        onChange={(on) =>
          onChange((k) => ({
            ...k,
            allowKerberosAuthentication: on,
            useKerberosForPasswordAuthentication: on && k.useKerberosForPasswordAuthentication,
          }))
        }
        readOnly={readOnly}
      />
      <TextField
        id="ldap-kerberos-principal"
        label={t("dirsyncLdapKerberosPrincipal")}
        help={t("dirsyncLdapKerberosPrincipalHelp")}
        value={value.serverPrincipal}
        placeholder="HTTP/keycloak.corp.example@CORP.EXAMPLE"
        onChange={set("serverPrincipal")}
        readOnly={readOnly}
      />
      <TextField
        id="ldap-kerberos-keytab"
        label={t("dirsyncLdapKerberosKeyTab")}
        help={t("dirsyncLdapKerberosKeyTabHelp")}
        value={value.keyTab}
        placeholder="/etc/keycloak/keycloak.keytab"
        onChange={set("keyTab")}
        readOnly={readOnly}
      />
      <SwitchField
        id="ldap-kerberos-passwords"
        label={t("dirsyncLdapKerberosPasswords")}
        help={t(
          value.allowKerberosAuthentication ? "dirsyncLdapKerberosPasswordsHelp" : "dirsyncLdapKerberosPasswordsNeedsSpnego",
        )}
        checked={value.useKerberosForPasswordAuthentication}
        onChange={set("useKerberosForPasswordAuthentication")}
        readOnly={readOnly || !value.allowKerberosAuthentication}
      />
      <SwitchField
        id="ldap-kerberos-debug"
        label={t("dirsyncLdapKerberosDebug")}
        help={t("dirsyncLdapKerberosDebugHelp")}
        checked={value.debug}
        onChange={set("debug")}
        readOnly={readOnly}
      />
    </FormSection>
  );
};
