import { KeycloakDataTable, ListEmptyState } from "@keycloak/keycloak-ui-shared";
import { Flex, FlexItem, Text, ToolbarItem } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { RunSummary, useDirSyncApi } from "../api/dirsync";
import type { DirectoryTabProps } from "../directories/DirectoryDetails";
import { formatTime } from "../shell/format";
import { StatusLabel } from "../shell/StatusLabel";
import { RunReportView } from "./RunReportView";
import { formatCount, formatDuration, reportPath, useFollowedRun } from "./runs";

/**
 * A directory's runs, newest first, paged by the server (the total from runs/count); a run opens its report at
 * .../history/:runId. A running run's row follows its progress.
 */
export const HistoryTab = ({ directory }: DirectoryTabProps) => {
  const { runId } = useParams();
  if (runId) return <RunReportView directoryId={directory.id} runId={runId} />;
  return <RunsTable directoryId={directory.id} />;
};

const RunsTable = ({ directoryId }: { directoryId: string }) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const [total, setTotal] = useState<number>();
  // A run seen running that ends reloads the table: its counts are final then.
  const [reloads, setReloads] = useState(0);

  const loader = async (first?: number, max?: number) => {
    const [runs, count] = await Promise.all([api.runs(directoryId, first ?? 0, max ?? 10), api.runCount(directoryId)]);
    setTotal(count.count);
    return runs;
  };

  const count = (o: string) => (r: RunSummary) => <span data-testid={`run-${o}`}>{formatCount(r.counts[o])}</span>;
  return (
    <KeycloakDataTable<RunSummary>
      key={reloads}
      ariaLabelKey="dirsyncRunHistory"
      isPaginated
      loader={loader}
      toolbarItem={
        total !== undefined && (
          <ToolbarItem alignSelf="center">
            <Text data-testid="run-total">{t("dirsyncRunTotal", { total: formatCount(total) })}</Text>
          </ToolbarItem>
        )
      }
      columns={[
        {
          name: "startedAt",
          displayKey: "dirsyncStarted",
          cellRenderer: (r) => (
            <Link to={reportPath(realm!, directoryId, r.id)} data-testid="run-link">
              {formatTime(r.startedAt)}
            </Link>
          ),
        },
        { name: "kind", displayKey: "dirsyncRunKindLabel", cellRenderer: (r) => t(`dirsyncRunKind.${r.kind}`, r.kind) },
        {
          name: "status",
          displayKey: "status",
          cellRenderer: (r) => <RunStatus directoryId={directoryId} run={r} onEnd={() => setReloads((k) => k + 1)} />,
        },
        { name: "duration", displayKey: "dirsyncDuration", cellRenderer: (r) => formatDuration(r.startedAt, r.endedAt) },
        { name: "created", displayKey: "dirsyncOutcome.created", cellRenderer: count("created") },
        { name: "updated", displayKey: "dirsyncOutcome.updated", cellRenderer: count("updated") },
        { name: "trashed", displayKey: "dirsyncOutcome.trashed", cellRenderer: count("trashed") },
        { name: "failed", displayKey: "dirsyncOutcome.failed", cellRenderer: count("failed") },
      ]}
      emptyState={<ListEmptyState message={t("dirsyncNoRuns")} instructions={t("dirsyncNoRunsInstructions")} />}
    />
  );
};

/** A run's status; while it runs, the page it is on and the entries read, read again every 2 s until it ends. */
const RunStatus = ({ directoryId, run, onEnd }: { directoryId: string; run: RunSummary; onEnd: () => void }) => {
  const { t } = useTranslation();
  const { run: live } = useFollowedRun(directoryId, run.status === "running" ? run.id : undefined, onEnd);
  const shown = live ?? run;
  return (
    <Flex spaceItems={{ default: "spaceItemsSm" }} flexWrap={{ default: "nowrap" }}>
      <FlexItem>
        <StatusLabel status={shown.status} />
      </FlexItem>
      {shown.status === "running" && shown.progress && (
        <FlexItem data-testid="row-progress">
          {t("dirsyncProgressShort", { page: formatCount(shown.progress.page), read: formatCount(shown.progress.read) })}
        </FlexItem>
      )}
    </Flex>
  );
};
