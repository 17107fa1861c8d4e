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
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Credentials, useDirSyncApi } from "../../api/dirsync";
import { useDirSyncAccess } from "../../shell/access";
import { formatTime } from "../../shell/format";
import { StatusLabel } from "../../shell/StatusLabel";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { DuoCredentialsDialog } from "./DuoCredentialsDialog";

/**
 * A Duo Admin API directory's credentials: the API hostname, the endpoint the reverse proxy points at, the
 * integration key (the secret key is never shown again), the keys' state and expiry, the connection and the last
 * request; Regenerate keys issues a new pair and the old one stops at once.
 */
export const DuoCredentials = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [credentials, setCredentials] = useState<Credentials>();
  const duo = directory.duo;

  const [confirmRegenerate, RegenerateDialog] = useConfirmDialog({
    titleKey: "dirsyncDuoRegenerateTitle",
    messageKey: "dirsyncDuoRegenerateMessage",
    continueButtonLabel: "dirsyncDuoRegenerate",
    continueButtonVariant: "danger" as any,
    onConfirm: async () => {
      try {
        setCredentials(await api.regenerateToken(directory.id));
      } catch (e) {
        addError("dirsyncError", e);
      }
    },
  });

  const copy = (testid: string, value?: string | null) => (
    <ClipboardCopy isReadOnly data-testid={testid} hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
      {value ?? ""}
    </ClipboardCopy>
  );

  return (
    <>
      <RegenerateDialog />
      {credentials && (
        <DuoCredentialsDialog
          credentials={credentials}
          onClose={() => {
            setCredentials(undefined);
            refresh();
          }}
        />
      )}
      <DescriptionList isHorizontal>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncDuoApiHostname")}</DescriptionListTerm>
          <DescriptionListDescription>{copy("api-hostname", duo?.apiHostname)}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncDuoEndpoint")}</DescriptionListTerm>
          <DescriptionListDescription>{copy("endpoint", duo?.endpoint)}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncDuoIntegrationKey")}</DescriptionListTerm>
          <DescriptionListDescription>{copy("integration-key", duo?.integrationKey)}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncDuoSecretKey")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="keys-status">
            <StatusLabel status={duo?.keysStatus ?? "none"} />{" "}
            {duo?.expiresAt ? t("dirsyncTokenExpiresOn", { time: formatTime(duo.expiresAt) }) : ""}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncConnection")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="connection">{duo?.connection}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncLastRequestAt")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="last-request">{formatTime(duo?.lastRequestAt)}</DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
      {canConfigure && directory.status !== "draft" && (
        <Button className="pf-v5-u-mt-lg" variant="secondary" data-testid="regenerate-keys" onClick={confirmRegenerate}>
          {t("dirsyncDuoRegenerate")}
        </Button>
      )}
    </>
  );
};
