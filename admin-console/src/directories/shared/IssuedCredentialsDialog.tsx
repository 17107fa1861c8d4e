import { Alert, Button, ClipboardCopy, Form, FormGroup, Modal, ModalVariant } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { formatTime } from "../../shell/format";

/** One value of a push type's credentials: its field id (also the test id) and label. */
export type IssuedField = { id: string; label: string; value: unknown };

/**
 * A push type's credentials right after they are issued (Complete setup, Regenerate): each value with a copy
 * button, the secret part shown this once (`onceKey` says so), and the expiry date.
 */
export const IssuedCredentialsDialog = ({
  titleKey,
  onceKey,
  doneKey,
  fields,
  expiresId,
  expiresAt,
  onClose,
}: {
  titleKey: string;
  onceKey: string;
  doneKey: string;
  fields: IssuedField[];
  expiresId: string;
  expiresAt?: unknown;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  return (
    <Modal
      variant={ModalVariant.medium}
      title={t(titleKey)}
      isOpen
      onClose={onClose}
      data-testid="credentials-dialog"
      actions={[
        <Button key="done" data-testid="credentials-done" onClick={onClose}>
          {t(doneKey)}
        </Button>,
      ]}
    >
      <Alert variant="warning" isInline isPlain title={t(onceKey)} className="pf-v5-u-mb-md" />
      <Form>
        {fields.map((f) => (
          <FormGroup key={f.id} label={f.label} fieldId={f.id}>
            <ClipboardCopy isReadOnly id={f.id} data-testid={f.id} hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
              {String(f.value ?? "")}
            </ClipboardCopy>
          </FormGroup>
        ))}
        <FormGroup label={t("dirsyncTokenExpires")} fieldId={expiresId}>
          <span id={expiresId} data-testid={expiresId}>
            {formatTime(expiresAt as number | undefined)}
          </span>
        </FormGroup>
      </Form>
    </Modal>
  );
};
