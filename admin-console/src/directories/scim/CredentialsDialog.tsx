import { Alert, Button, ClipboardCopy, Form, FormGroup, Modal, ModalVariant } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import type { Credentials } from "../../api/dirsync";
import { formatTime } from "../../shell/format";

/**
 * The SCIM Base URL and bearer token right after they are issued (Complete setup, Regenerate token):
 * the token is shown this once, with copy buttons, and its expiry date.
 */
export const CredentialsDialog = ({ credentials, onClose }: { credentials: Credentials; onClose: () => void }) => {
  const { t } = useTranslation();
  return (
    <Modal
      variant={ModalVariant.medium}
      title={t("dirsyncCredentialsTitle")}
      isOpen
      onClose={onClose}
      data-testid="credentials-dialog"
      actions={[
        <Button key="done" data-testid="credentials-done" onClick={onClose}>
          {t("dirsyncCredentialsCopied")}
        </Button>,
      ]}
    >
      <Alert variant="warning" isInline isPlain title={t("dirsyncCredentialsOnce")} className="pf-v5-u-mb-md" />
      <Form>
        <FormGroup label={t("dirsyncBaseUrl")} fieldId="scim-base-url">
          <ClipboardCopy isReadOnly id="scim-base-url" data-testid="scim-base-url" hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
            {String(credentials.baseUrl ?? "")}
          </ClipboardCopy>
        </FormGroup>
        <FormGroup label={t("dirsyncToken")} fieldId="scim-token">
          <ClipboardCopy isReadOnly id="scim-token" data-testid="scim-token" hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
            {String(credentials.token ?? "")}
          </ClipboardCopy>
        </FormGroup>
        <FormGroup label={t("dirsyncTokenExpires")} fieldId="scim-token-expires">
          <span id="scim-token-expires" data-testid="scim-token-expires">
            {formatTime(credentials.expiresAt as number | undefined)}
          </span>
        </FormGroup>
      </Form>
    </Modal>
  );
};
