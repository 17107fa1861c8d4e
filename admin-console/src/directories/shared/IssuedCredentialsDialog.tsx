import { Alert, Button, ClipboardCopy, Form, FormGroup, Modal, ModalVariant } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import type { Credentials } from "../../api/dirsync";
import { formatTime } from "../../shell/format";
import type { PushCredential } from "./push";

/**
 * A push type's credentials right after they are issued (Complete setup, Regenerate): each value with a copy
 * button, the secret part shown this once (the type's words say so), and the expiry date.
 */
export const IssuedCredentialsDialog = ({
  kind,
  credentials,
  onClose,
}: {
  kind: PushCredential;
  credentials: Credentials;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const { words, expiresId } = kind;
  return (
    <Modal
      variant={ModalVariant.medium}
      title={t(`${words}CredentialsTitle`)}
      isOpen
      onClose={onClose}
      data-testid="credentials-dialog"
      actions={[
        <Button key="done" data-testid="credentials-done" onClick={onClose}>
          {t(`${words}CredentialsCopied`)}
        </Button>,
      ]}
    >
      <Alert variant="warning" isInline isPlain title={t(`${words}CredentialsOnce`)} className="pf-v5-u-mb-md" />
      <Form>
        {kind.issued(credentials).map((f) => (
          <FormGroup key={f.id} label={t(f.labelKey)} fieldId={f.id}>
            <ClipboardCopy isReadOnly id={f.id} data-testid={f.id} hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
              {String(f.value ?? "")}
            </ClipboardCopy>
          </FormGroup>
        ))}
        <FormGroup label={t("dirsyncTokenExpires")} fieldId={expiresId}>
          <span id={expiresId} data-testid={expiresId}>
            {formatTime(credentials.expiresAt)}
          </span>
        </FormGroup>
      </Form>
    </Modal>
  );
};
