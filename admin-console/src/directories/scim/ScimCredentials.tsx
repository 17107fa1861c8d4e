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
import { CredentialsDialog } from "./CredentialsDialog";

/**
 * A SCIM directory's credentials: the Base URL, the token's state and expiry (the token itself is
 * never shown again), the connection and the last request; Regenerate token stops the old one at once.
 */
export const ScimCredentials = ({ directory, refresh }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addError } = useAlerts();
  const { canConfigure } = useDirSyncAccess();
  const [credentials, setCredentials] = useState<Credentials>();
  const scim = directory.scim;

  const [confirmRegenerate, RegenerateDialog] = useConfirmDialog({
    titleKey: "dirsyncRegenerateTitle",
    messageKey: "dirsyncRegenerateMessage",
    continueButtonLabel: "dirsyncRegenerate",
    continueButtonVariant: "danger" as any,
    onConfirm: async () => {
      try {
        setCredentials(await api.regenerateToken(directory.id));
      } catch (e) {
        addError("dirsyncError", e);
      }
    },
  });

  return (
    <>
      <RegenerateDialog />
      {credentials && (
        <CredentialsDialog
          credentials={credentials}
          onClose={() => {
            setCredentials(undefined);
            refresh();
          }}
        />
      )}
      <DescriptionList isHorizontal>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncBaseUrl")}</DescriptionListTerm>
          <DescriptionListDescription>
            <ClipboardCopy isReadOnly data-testid="base-url" hoverTip={t("copy")} clickTip={t("copiedToClipboard")}>
              {scim?.baseUrl ?? ""}
            </ClipboardCopy>
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncToken")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="token-status">
            <StatusLabel status={scim?.tokenStatus ?? "none"} />{" "}
            {scim?.tokenExpiresAt ? t("dirsyncTokenExpiresOn", { time: formatTime(scim.tokenExpiresAt) }) : ""}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncConnection")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="connection">{scim?.connection}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncLastRequestAt")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="last-request">{formatTime(scim?.lastRequestAt)}</DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
      {canConfigure && directory.status !== "draft" && (
        <Button className="pf-v5-u-mt-lg" variant="secondary" data-testid="regenerate-token" onClick={confirmRegenerate}>
          {t("dirsyncRegenerate")}
        </Button>
      )}
    </>
  );
};
