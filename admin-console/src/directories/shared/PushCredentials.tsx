import { useConfirmDialog } from "@keycloak/keycloak-admin-ui";
import { useAlerts } from "@keycloak/keycloak-ui-shared";
import {
  Button,
  ClipboardCopy,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
} from "@patternfly/react-core";
import { ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Credentials, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import { formatTime } from "../../shell/format";
import { StatusLabel } from "../../shell/StatusLabel";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { IssuedCredentialsDialog } from "./IssuedCredentialsDialog";
import type { PushCredential } from "./push";

/**
 * A push directory's Credentials tab: what its client is configured with (copy buttons), the secret's state and
 * expiry (the secret itself is never shown again), the connection and the last request; Regenerate issues a new
 * credential, shows it once, and the old one stops at once.
 */
export const PushCredentials = ({ directory, refresh, kind }: DirectoryTabProps & { kind: PushCredential }) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [credentials, setCredentials] = useState<Credentials>();
  const state = kind.state(directory);

  const [confirmRegenerate, RegenerateDialog] = useConfirmDialog({
    titleKey: `${kind.words}RegenerateTitle`,
    messageKey: `${kind.words}RegenerateMessage`,
    continueButtonLabel: `${kind.words}Regenerate`,
    continueButtonVariant: "danger" as any,
    onConfirm: async () => {
      try {
        setCredentials(await api.regenerateToken(directory.id));
      } catch (e) {
        addError("dirsyncError", e);
      }
    },
  });

  const row = (label: string, testid: string, value: ReactNode) => (
    <DescriptionListGroup key={testid}>
      <DescriptionListTerm>{label}</DescriptionListTerm>
      <DescriptionListDescription data-testid={testid}>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  );

  return (
    <>
      <RegenerateDialog />
      {credentials && (
        <IssuedCredentialsDialog
          kind={kind}
          credentials={credentials}
          onClose={() => {
            setCredentials(undefined);
            refresh();
          }}
        />
      )}
      <DescriptionList isHorizontal>
        {kind.values(directory).map((v) => (
          <DescriptionListGroup key={v.id}>
            <DescriptionListTerm>{t(v.labelKey)}</DescriptionListTerm>
            <DescriptionListDescription>
              <ClipboardCopy isReadOnly data-testid={v.id} hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
                {v.value ?? ""}
              </ClipboardCopy>
            </DescriptionListDescription>
          </DescriptionListGroup>
        ))}
        {row(
          t(kind.secret.labelKey),
          kind.secret.id,
          <>
            <StatusLabel status={state.status ?? "none"} />{" "}
            {state.expiresAt ? t("dirsyncTokenExpiresOn", { time: formatTime(state.expiresAt) }) : ""}
          </>,
        )}
        {row(t("dirsyncConnection"), "connection", state.connection)}
        {row(t("dirsyncLastRequestAt"), "last-request", formatTime(state.lastRequestAt))}
      </DescriptionList>
      {canConfigure && directory.status !== "draft" && (
        <Button className="pf-v5-u-mt-lg" variant="secondary" data-testid={kind.regenerateId} onClick={confirmRegenerate}>
          {t(`${kind.words}Regenerate`)}
        </Button>
      )}
    </>
  );
};
