import { useTranslation } from "react-i18next";
import type { Credentials } from "../../api/dirsync";
import { IssuedCredentialsDialog } from "../shared/IssuedCredentialsDialog";

/**
 * A Duo Admin API directory's keys right after they are issued (Complete setup, Regenerate keys): the API
 * hostname, integration key and secret key to paste into the client (PingOne's Duo connection, a script), the
 * secret key shown this once; the endpoint the reverse proxy must point at; the expiry.
 */
export const DuoCredentialsDialog = ({ credentials, onClose }: { credentials: Credentials; onClose: () => void }) => {
  const { t } = useTranslation();
  return (
    <IssuedCredentialsDialog
      titleKey="dirsyncDuoCredentialsTitle"
      onceKey="dirsyncDuoCredentialsOnce"
      doneKey="dirsyncDuoCredentialsCopied"
      fields={[
        { id: "duo-api-hostname", label: t("dirsyncDuoApiHostname"), value: credentials.apiHostname },
        { id: "duo-integration-key", label: t("dirsyncDuoIntegrationKey"), value: credentials.integrationKey },
        { id: "duo-secret-key", label: t("dirsyncDuoSecretKey"), value: credentials.secretKey },
        { id: "duo-endpoint", label: t("dirsyncDuoEndpoint"), value: credentials.endpoint },
      ]}
      expiresId="duo-keys-expire"
      expiresAt={credentials.expiresAt}
      onClose={onClose}
    />
  );
};
