import { useConfirmDialog } from "@keycloak/keycloak-admin-ui";
import { KeycloakSpinner, useAlerts } from "@keycloak/keycloak-ui-shared";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Stack,
  StackItem,
  Text,
  Title,
} from "@patternfly/react-core";
import { AngleLeftIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { RunMessage, RunSummary, useDirSyncApi } from "../api/dirsync";
import { useDirSyncAccess } from "../shell/access";
import { formatTime } from "../shell/format";
import { StatusLabel } from "../shell/StatusLabel";
import { RunProgressView } from "./RunProgressView";
import { OUTCOMES, formatCount, formatDuration, useFollowedRun } from "./runs";

/**
 * A run's report (rule 13): status, times, the counts split users / groups, per-user errors and warnings. A running
 * run shows its live progress until it ends, then its report; a held run (rule 10) lists whom it would trash and,
 * for an admin with manage-users, a Confirm button.
 */
export const RunReportView = ({ directoryId, runId }: { directoryId: string; runId: string }) => {
  const { t } = useTranslation();
  const { realm } = useParams();
  const { run, reload } = useFollowedRun(directoryId, runId);
  const historyPath = `/${encodeURIComponent(realm!)}/dirsync/directories/${directoryId}/history`;

  if (!run) return <KeycloakSpinner />;
  const running = run.status === "running";
  return (
    <Stack hasGutter data-testid="run-report">
      <StackItem>
        <Button variant="link" isInline icon={<AngleLeftIcon />} component={(props: any) => <Link {...props} to={historyPath} />}>
          {t("dirsyncBackToHistory")}
        </Button>
      </StackItem>
      <StackItem>
        <Title headingLevel="h2" size="xl">
          {t("dirsyncRunReportTitle", { kind: t(`dirsyncRunKind.${run.kind}`, run.kind), time: formatTime(run.startedAt) })}
        </Title>
      </StackItem>
      <StackItem>
        <DescriptionList isCompact isHorizontal columnModifier={{ default: "1Col", lg: "3Col" }}>
          <Field label={t("status")}>
            <StatusLabel status={run.status} />
          </Field>
          <Field label={t("dirsyncRunKindLabel")}>{t(`dirsyncRunKind.${run.kind}`, run.kind)}</Field>
          <Field label={t("dirsyncDuration")}>{formatDuration(run.startedAt, run.endedAt)}</Field>
          <Field label={t("dirsyncStarted")}>{formatTime(run.startedAt)}</Field>
          <Field label={t("dirsyncEnded")}>{formatTime(run.endedAt)}</Field>
          {run.node && (
            <Field label={t("dirsyncRunNode")}>
              <span data-testid="run-node">{run.node}</span>
              {running && run.heartbeatAt ? ` (${t("dirsyncRunHeartbeat", { time: formatTime(run.heartbeatAt) })})` : ""}
            </Field>
          )}
        </DescriptionList>
      </StackItem>
      {run.message && (
        <StackItem>
          <Alert
            isInline
            variant={run.status === "failed" ? "danger" : run.status === "held" ? "warning" : "info"}
            title={run.message}
            data-testid="run-message"
          />
        </StackItem>
      )}
      {run.status === "held" && (
        <StackItem>
          <HeldUsers directoryId={directoryId} run={run} onConfirmed={reload} />
        </StackItem>
      )}
      {run.progress && (
        <StackItem>
          <Section title={t(running ? "dirsyncProgressLive" : "dirsyncProgressFinal")}>
            <RunProgressView progress={run.progress} live={running} />
          </Section>
        </StackItem>
      )}
      <StackItem>
        <Section title={t("dirsyncCounts")}>
          <Counts run={run} />
        </Section>
      </StackItem>
      <StackItem>
        <Section title={t("dirsyncErrors")}>
          <Messages items={run.errors} kind="errors" />
        </Section>
      </StackItem>
      {run.warnings.length > 0 && (
        <StackItem>
          <Section title={t("dirsyncWarnings")}>
            <Messages items={run.warnings} kind="warnings" />
          </Section>
        </StackItem>
      )}
    </Stack>
  );
};

const Field = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <DescriptionListGroup>
    <DescriptionListTerm>{label}</DescriptionListTerm>
    <DescriptionListDescription>{children}</DescriptionListDescription>
  </DescriptionListGroup>
);

const Section = ({ title, children, actions }: { title: string; children: React.ReactNode; actions?: React.ReactNode }) => (
  <Card isFlat>
    <CardHeader actions={actions ? { actions, hasNoOffset: true } : undefined}>
      <CardTitle>
        <Title headingLevel="h3" size="md">
          {title}
        </Title>
      </CardTitle>
    </CardHeader>
    <CardBody>{children}</CardBody>
  </Card>
);

/** The counts of each outcome, users and groups apart (the report's userCounts and groupCounts). */
const Counts = ({ run }: { run: RunSummary }) => {
  const { t } = useTranslation();
  const extra = ["held", "warning"].filter((o) => (run.counts[o] ?? 0) > 0);
  return (
    <Table variant="compact" aria-label={t("dirsyncCounts")} data-testid="run-counts">
      <Thead>
        <Tr>
          <Th>{t("dirsyncOutcomeColumn")}</Th>
          <Th>{t("dirsyncUsers")}</Th>
          <Th>{t("dirsyncGroups")}</Th>
          <Th>{t("dirsyncTotal")}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {[...OUTCOMES, ...extra].map((o) => (
          <Tr key={o} data-testid={`count-${o}`}>
            <Td dataLabel={t("dirsyncOutcomeColumn")}>{t(`dirsyncOutcome.${o}`, o)}</Td>
            <Td dataLabel={t("dirsyncUsers")} data-testid="users">
              {formatCount(run.userCounts?.[o])}
            </Td>
            <Td dataLabel={t("dirsyncGroups")} data-testid="groups">
              {formatCount(run.groupCounts?.[o])}
            </Td>
            <Td dataLabel={t("dirsyncTotal")} data-testid="total">
              {formatCount(run.counts[o])}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

/** Per-user (or per-group) errors or warnings: what it is about, what went wrong, when. */
const Messages = ({ items, kind }: { items: RunMessage[]; kind: "errors" | "warnings" }) => {
  const { t } = useTranslation();
  if (items.length === 0) return <Text data-testid={`no-${kind}`}>{t(kind === "errors" ? "dirsyncNoErrors" : "dirsyncNoWarnings")}</Text>;
  return (
    <Table variant="compact" aria-label={t(kind === "errors" ? "dirsyncErrors" : "dirsyncWarnings")} data-testid={`run-${kind}`}>
      <Thead>
        <Tr>
          <Th>{t("dirsyncSubject")}</Th>
          <Th>{t("dirsyncMessage")}</Th>
          <Th>{t("dirsyncTime")}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {items.map((e, i) => (
          <Tr key={i}>
            <Td dataLabel={t("dirsyncSubject")}>
              {e.subject}
              {e.subjectType === "GROUP" && <> ({t("dirsyncSubjectGroup")})</>}
            </Td>
            <Td dataLabel={t("dirsyncMessage")} modifier="breakWord">
              {e.message}
            </Td>
            <Td dataLabel={t("dirsyncTime")} modifier="nowrap">
              {formatTime(e.at)}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

/** Rule 10: the users a held run would trash, and Confirm (manage-users) with a dialog that says where they go. */
const HeldUsers = ({ directoryId, run, onConfirmed }: { directoryId: string; run: RunSummary; onConfirmed: () => void }) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canManageUsers } = useDirSyncAccess();
  const held = [...(run.held ?? [])].sort((a, b) => a.username.localeCompare(b.username));
  const total = run.counts.held ?? held.length;

  const [confirm, ConfirmDialog] = useConfirmDialog({
    titleKey: "dirsyncConfirmHeldTitle",
    children: <Text>{t("dirsyncConfirmHeldMessage", { n: formatCount(total) })}</Text>,
    continueButtonLabel: "dirsyncConfirmHeldButton",
    continueButtonVariant: "danger" as any,
    onConfirm: async () => {
      try {
        await api.confirmRun(directoryId, run.id);
        addAlert(t("dirsyncHeldConfirmed", { n: formatCount(total) }));
        onConfirmed();
      } catch (e) {
        addError("dirsyncRunsError", e);
      }
    },
  });

  return (
    <>
      <ConfirmDialog />
      <Section
        title={t("dirsyncHeldUsersTitle", { n: formatCount(total) })}
        actions={
          canManageUsers && (
            <Button variant="danger" onClick={confirm} data-testid="confirm-held">
              {t("dirsyncConfirmHeldButton")}
            </Button>
          )
        }
      >
        <Text className="pf-v5-u-mb-md">{t("dirsyncHeldUsersHelp")}</Text>
        {held.length < total && <Text>{t("dirsyncHeldUsersFirst", { shown: formatCount(held.length), n: formatCount(total) })}</Text>}
        <Table variant="compact" aria-label={t("dirsyncHeldUsersTitle", { n: formatCount(total) })} data-testid="held-users">
          <Thead>
            <Tr>
              <Th>{t("username")}</Th>
              <Th>{t("dirsyncMessage")}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {held.map((u) => (
              <Tr key={u.userId}>
                <Td dataLabel={t("username")}>
                  <Link to={`/${encodeURIComponent(realm!)}/users/${u.userId}/settings`} data-testid="held-user">
                    {u.username}
                  </Link>
                </Td>
                <Td dataLabel={t("dirsyncMessage")}>{u.message}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Section>
    </>
  );
};
