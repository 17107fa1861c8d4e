import { useTranslation } from "react-i18next";
import type { Credentials } from "../../api/dirsync";
import { IssuedCredentialsDialog } from "../shared/IssuedCredentialsDialog";

/**
 * The SCIM Base URL and bearer token right after they are issued (Complete setup, Regenerate token):
 * the token is shown this once, with copy buttons, and its expiry date.
 */
export const CredentialsDialog = ({ credentials, onClose }: { credentials: Credentials; onClose: () => void }) => {
  const { t } = useTranslation();
  return (
    <IssuedCredentialsDialog
      titleKey="dirsyncCredentialsTitle"
      onceKey="dirsyncCredentialsOnce"
      doneKey="dirsyncCredentialsCopied"
      fields={[
        { id: "scim-base-url", label: t("dirsyncBaseUrl"), value: credentials.baseUrl },
        { id: "scim-token", label: t("dirsyncToken"), value: credentials.token },
      ]}
      expiresId="scim-token-expires"
      expiresAt={credentials.expiresAt}
      onClose={onClose}
    />
  );
};
