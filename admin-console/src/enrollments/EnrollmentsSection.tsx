import { useConfirmDialog, ViewHeader } from "@keycloak/keycloak-admin-ui";
import { KeycloakDataTable, ListEmptyState, useAlerts, useFetch } from "@keycloak/keycloak-ui-shared";
import {
  AlertVariant,
  Button,
  ButtonVariant,
  PageSection,
  Text,
  ToolbarItem,
} from "@patternfly/react-core";
import { type IAction, wrappable } from "@patternfly/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { Directory, PendingEnrollment, useDirSyncApi } from "../api/dirsync";
import { DirectoryFilter } from "../shell/DirectoryFilter";
import { useDirSyncAccess } from "../shell/access";
import { relativeTime, shortTime } from "../shell/times";

/**
 * Pending Enrollments (SPEC §4): the directory users who were sent (or are about to be sent) an enrollment
 * e-mail and have not enrolled yet. Searched, filtered by directory and paged by the server; resend or delete
 * one, or resend every sent one.
 */
export const EnrollmentsSection = () => {
  const { t, i18n } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canManageUsers } = useDirSyncAccess();
  const [directories, setDirectories] = useState<Directory[]>([]);
  const [directory, setDirectory] = useState("");
  const [matching, setMatching] = useState<number>();
  const [target, setTarget] = useState<PendingEnrollment>();
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);
  const realmPath = `/${encodeURIComponent(realm!)}`;

  useFetch(() => api.directories(), setDirectories, []);

  const loader = async (first?: number, max?: number, search?: string) => {
    const page = await api.enrollments(first ?? 0, max ?? 10, search, directory || undefined);
    setMatching(page.count);
    return page.enrollments;
  };

  const resend = async (e: PendingEnrollment) => {
    try {
      await api.resendEnrollment(e.id);
      addAlert(t("dirsyncEnrollmentResent", { username: e.username, email: e.email }));
      refresh();
    } catch (error) {
      addError("dirsyncEnrollmentResendFailed", error);
    }
  };

  const [confirmDelete, DeleteDialog] = useConfirmDialog({
    titleKey: "dirsyncEnrollmentDeleteTitle",
    continueButtonLabel: "delete",
    continueButtonVariant: ButtonVariant.danger,
    onConfirm: async () => {
      if (!target) return;
      try {
        await api.deleteEnrollment(target.id);
        addAlert(t("dirsyncEnrollmentDeleted", { username: target.username }));
        refresh();
      } catch (error) {
        addError("dirsyncEnrollmentDeleteFailed", error);
      }
    },
    children: <Text>{t("dirsyncEnrollmentDeleteMessage", { username: target?.username })}</Text>,
  });

  const directoryName = directories.find((d) => d.id === directory)?.name;
  const [confirmResendAll, ResendAllDialog] = useConfirmDialog({
    titleKey: "dirsyncEnrollmentResendAllTitle",
    continueButtonLabel: "dirsyncEnrollmentResendAll",
    onConfirm: async () => {
      try {
        const result = await api.resendAll(directory || undefined);
        addAlert(
          t("dirsyncEnrollmentResentAll", { sent: result.sent, failed: result.failed }),
          result.failed > 0 ? AlertVariant.warning : AlertVariant.success,
        );
        refresh();
      } catch (error) {
        addError("dirsyncEnrollmentResendFailed", error);
      }
    },
    children: (
      <Text>
        {directoryName
          ? t("dirsyncEnrollmentResendAllDirectoryMessage", { directory: directoryName })
          : t("dirsyncEnrollmentResendAllMessage")}
      </Text>
    ),
  });

  const toolbar = (
    <>
      <ToolbarItem>
        <DirectoryFilter id="dirsync-enrollments-directory" directories={directories} value={directory} onChange={setDirectory} />
      </ToolbarItem>
      {canManageUsers && (
        <ToolbarItem>
          <Button variant="secondary" data-testid="resend-all" onClick={confirmResendAll}>
            {t("dirsyncEnrollmentResendAll")}
          </Button>
        </ToolbarItem>
      )}
      {matching !== undefined && (
        <ToolbarItem align={{ default: "alignRight" }}>
          <Text data-testid="matching-count">{t("dirsyncEnrollmentMatching", { count: matching })}</Text>
        </ToolbarItem>
      )}
    </>
  );

  /** Resend is offered once the first mail went out (until then the job sends it); Delete always. */
  const actionsOf = (e: PendingEnrollment): IAction[] => [
    {
      title: t("dirsyncEnrollmentResend"),
      isDisabled: !e.sentAt,
      tooltipProps: e.sentAt ? undefined : { content: t("dirsyncEnrollmentNotSentYet") },
      onClick: () => void resend(e),
    },
    {
      title: t("delete"),
      onClick: () => {
        setTarget(e);
        confirmDelete();
      },
    },
  ];

  return (
    <>
      <DeleteDialog />
      <ResendAllDialog />
      <ViewHeader titleKey="dirsyncPendingEnrollments" subKey="dirsyncEnrollmentsHelp" />
      <PageSection variant="light" padding={{ default: "noPadding" }}>
        <KeycloakDataTable<PendingEnrollment>
          key={`${directory}:${version}`}
          ariaLabelKey="dirsyncPendingEnrollments"
          searchPlaceholderKey="dirsyncEnrollmentSearch"
          isPaginated
          isSearching={directory !== ""}
          loader={loader}
          toolbarItem={toolbar}
          actionResolver={
            canManageUsers ? (row: unknown) => actionsOf((row as { data: PendingEnrollment }).data) : undefined
          }
          columns={[
            {
              name: "username",
              displayKey: "dirsyncEnrollmentUser",
              transforms: [wrappable],
              cellRenderer: (e) => (
                <Link to={`${realmPath}/users/${e.userId}/settings`} data-testid="user-link">
                  {e.username}
                </Link>
              ),
            },
            {
              name: "email",
              displayKey: "dirsyncEnrollmentEmail",
              transforms: [wrappable],
              cellRenderer: (e) => e.email ?? "—",
            },
            {
              name: "directoryName",
              displayKey: "dirsyncEnrollmentDirectory",
              transforms: [wrappable],
              cellRenderer: (e) =>
                e.directoryName ? (
                  <Link to={`${realmPath}/dirsync/directories/${e.directoryId}/settings`}>{e.directoryName}</Link>
                ) : (
                  "—"
                ),
            },
            {
              name: "queuedAt",
              displayKey: "dirsyncEnrollmentQueued",
              transforms: [wrappable],
              cellRenderer: (e) => shortTime(e.queuedAt, i18n.language),
            },
            {
              name: "sentAt",
              displayKey: "dirsyncEnrollmentSent",
              transforms: [wrappable],
              cellRenderer: (e) => (
                <span data-testid="sent">{e.sentAt ? shortTime(e.sentAt, i18n.language) : t("dirsyncEnrollmentNotSent")}</span>
              ),
            },
            {
              name: "expiresAt",
              displayKey: "dirsyncEnrollmentExpires",
              transforms: [wrappable],
              cellRenderer: (e) =>
                e.expiresAt ? (
                  <>
                    {shortTime(e.expiresAt, i18n.language)}
                    <div className="pf-v5-u-color-200 pf-v5-u-font-size-sm">{relativeTime(e.expiresAt, i18n.language)}</div>
                  </>
                ) : (
                  "—"
                ),
            },
            {
              name: "remindersSent",
              displayKey: "dirsyncEnrollmentReminders",
              transforms: [wrappable],
              cellRenderer: (e) => <span data-testid="reminders">{String(e.remindersSent)}</span>,
            },
            {
              name: "nextActionAt",
              displayKey: "dirsyncEnrollmentNextAction",
              transforms: [wrappable],
              cellRenderer: (e) =>
                e.nextActionAt ? (
                  <>
                    {shortTime(e.nextActionAt, i18n.language)}
                    <div className="pf-v5-u-color-200 pf-v5-u-font-size-sm">
                      {relativeTime(e.nextActionAt, i18n.language)}
                    </div>
                  </>
                ) : (
                  "—"
                ),
            },
            {
              name: "lastError",
              displayKey: "dirsyncEnrollmentLastError",
              transforms: [wrappable],
              cellRenderer: (e) =>
                e.lastError ? (
                  <span className="pf-v5-u-danger-color-100" data-testid="last-error">
                    {e.lastError}
                    {e.lastErrorAt && (
                      <div className="pf-v5-u-font-size-sm">{shortTime(e.lastErrorAt, i18n.language)}</div>
                    )}
                  </span>
                ) : (
                  "—"
                ),
            },
          ]}
          emptyState={
            <ListEmptyState
              message={t("dirsyncEnrollmentsEmpty")}
              instructions={t("dirsyncEnrollmentsEmptyInstructions")}
            />
          }
        />
      </PageSection>
    </>
  );
};
