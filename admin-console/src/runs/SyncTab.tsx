import { useAlerts } from "@keycloak/keycloak-ui-shared";
import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  Grid,
  GridItem,
  Radio,
  Text,
  TextInput,
  Title,
} from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { useDirSyncApi } from "../api/dirsync";
import type { DirectoryTabProps } from "../directories/DirectoryDetails";
import { useDirSyncAccess } from "../shell/access";
import { formatTime } from "../shell/format";
import { StatusLabel } from "../shell/StatusLabel";
import { RunProgressView } from "./RunProgressView";
import { formatCount, formatInterval, reportPath, useFollowedRun } from "./runs";

const KINDS = ["full", "incremental", "admin", "user"] as const;
type Kind = (typeof KINDS)[number];

/**
 * A pull directory's Sync tab: Sync now (full, incremental where the type has it, admin groups only, one user)
 * without blocking the page (the server answers 202 with the run's id; the tab follows the run), Pause / Resume,
 * and the schedules (changed in Settings).
 * Sync needs manage-users, pause manage-realm, as the API does; a view-users admin sees no buttons.
 */
export const SyncTab = ({ directory, refresh, typeInfo }: DirectoryTabProps) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canConfigure, canManageUsers } = useDirSyncAccess();
  const [kind, setKind] = useState<Kind>("full");
  const [username, setUsername] = useState("");
  const [starting, setStarting] = useState(false);
  const [changing, setChanging] = useState(false);
  const [followed, setFollowed] = useState<string | undefined>(directory.lastRun?.id);
  // When the followed run ends, the directory (status, last run, counts) is read again.
  const { run } = useFollowedRun(directory.id, followed, refresh);

  const incremental = typeInfo?.incremental === true;
  const kinds = KINDS.filter((k) => k !== "incremental" || incremental);

  const paused = directory.status === "paused";
  const running = run?.status === "running";
  const needsUsername = kind === "user" && username.trim() === "";

  const syncNow = async () => {
    setStarting(true);
    try {
      const started = await api.sync(directory.id, kind, kind === "user" ? username.trim() : undefined);
      setFollowed(started.id);
      addAlert(t("dirsyncSyncStarted"));
    } catch (e) {
      addError("dirsyncRunsError", e);
    } finally {
      setStarting(false);
    }
  };

  const changeStatus = async () => {
    setChanging(true);
    try {
      await (paused ? api.resume(directory.id) : api.pause(directory.id));
      addAlert(t(paused ? "dirsyncSyncResumed" : "dirsyncSyncPaused"));
      refresh();
    } catch (e) {
      addError("dirsyncRunsError", e);
    } finally {
      setChanging(false);
    }
  };

  const settings = directory.settings ?? {};
  const fullMinutes = Math.max(1, Number(settings.fullSyncMinutes ?? 720));
  const adminMinutes = Math.max(1, Number(settings.adminSyncMinutes ?? 30));
  const incrementalMinutes = Math.max(1, Number(settings.incrementalSyncMinutes ?? 15));
  const schedulePaused = settings.schedulePaused === true;
  const settingsPath = `/${encodeURIComponent(realm!)}/dirsync/directories/${directory.id}/settings`;

  return (
    <Grid hasGutter>
      <GridItem lg={6}>
        <Card isFlat className="pf-v5-u-h-100">
          <CardTitle>
            <Title headingLevel="h2" size="lg">
              {t("dirsyncSyncNowTitle")}
            </Title>
          </CardTitle>
          <CardBody>
            {paused && <Alert isInline variant="info" className="pf-v5-u-mb-md" title={t("dirsyncPausedNoSync")} />}
            {!canManageUsers && <Text data-testid="sync-read-only">{t("dirsyncSyncNeedsRole")}</Text>}
            {canManageUsers && (
              <Form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!paused && !needsUsername && !starting && !running) syncNow();
                }}
              >
                <FormGroup role="radiogroup" isStack fieldId="dirsync-sync-kind" label={t("dirsyncSyncKindLabel")}>
                  {kinds.map((k) => (
                    <Radio
                      key={k}
                      id={`dirsync-sync-kind-${k}`}
                      name="dirsync-sync-kind"
                      data-testid={`sync-kind-${k}`}
                      isChecked={kind === k}
                      onChange={() => setKind(k)}
                      label={t(`dirsyncSyncKind.${k}`)}
                      description={t(`dirsyncSyncKindHelp.${k}`)}
                    />
                  ))}
                </FormGroup>
                {kind === "user" && (
                  <FormGroup label={t("username")} fieldId="dirsync-sync-username" isRequired>
                    <TextInput
                      id="dirsync-sync-username"
                      data-testid="sync-username"
                      value={username}
                      onChange={(_e, v) => setUsername(v)}
                      isRequired
                    />
                  </FormGroup>
                )}
                <ActionGroup>
                  <Button
                    type="submit"
                    data-testid="sync-now"
                    isDisabled={paused || needsUsername || starting || running}
                    isLoading={starting}
                  >
                    {t("dirsyncSyncNow")}
                  </Button>
                  {running && <Text className="pf-v5-u-align-self-center">{t("dirsyncSyncRunning")}</Text>}
                </ActionGroup>
              </Form>
            )}
          </CardBody>
        </Card>
      </GridItem>
      <GridItem lg={6}>
        <Card isFlat className="pf-v5-u-h-100" data-testid="followed-run">
          <CardTitle>
            <Title headingLevel="h2" size="lg">
              {t(running ? "dirsyncCurrentRun" : "dirsyncLastRunTitle")}
            </Title>
          </CardTitle>
          <CardBody>
            {!run ? (
              <Text>{t("dirsyncNeverSynced")}</Text>
            ) : (
              <>
                <DescriptionList isCompact isHorizontal className="pf-v5-u-mb-md">
                  <DescriptionListGroup>
                    <DescriptionListTerm>{t("status")}</DescriptionListTerm>
                    <DescriptionListDescription>
                      <StatusLabel status={run.status} />
                    </DescriptionListDescription>
                  </DescriptionListGroup>
                  <DescriptionListGroup>
                    <DescriptionListTerm>{t("dirsyncRunKindLabel")}</DescriptionListTerm>
                    <DescriptionListDescription>{t(`dirsyncRunKind.${run.kind}`, run.kind)}</DescriptionListDescription>
                  </DescriptionListGroup>
                  <DescriptionListGroup>
                    <DescriptionListTerm>{t("dirsyncStarted")}</DescriptionListTerm>
                    <DescriptionListDescription>{formatTime(run.startedAt)}</DescriptionListDescription>
                  </DescriptionListGroup>
                  {!running && (
                    <DescriptionListGroup>
                      <DescriptionListTerm>{t("dirsyncCounts")}</DescriptionListTerm>
                      <DescriptionListDescription data-testid="followed-counts">
                        {t("dirsyncCountsShort", {
                          created: formatCount(run.counts.created),
                          updated: formatCount(run.counts.updated),
                          trashed: formatCount(run.counts.trashed),
                          failed: formatCount(run.counts.failed),
                        })}
                      </DescriptionListDescription>
                    </DescriptionListGroup>
                  )}
                </DescriptionList>
                {running && run.progress && <RunProgressView progress={run.progress} live />}
                {!running && run.message && (
                  <Alert
                    isInline
                    variant={run.status === "failed" ? "danger" : run.status === "held" ? "warning" : "info"}
                    title={run.message}
                    className="pf-v5-u-mb-md"
                  />
                )}
                <Text className="pf-v5-u-mt-md">
                  <Link to={reportPath(realm!, directory.id, run.id)} data-testid="open-report">
                    {t("dirsyncOpenReport")}
                  </Link>
                </Text>
              </>
            )}
          </CardBody>
        </Card>
      </GridItem>
      <GridItem lg={6}>
        <Card isFlat className="pf-v5-u-h-100">
          <CardTitle>
            <Title headingLevel="h2" size="lg">
              {t("dirsyncSchedulesTitle")}
            </Title>
          </CardTitle>
          <CardBody>
            <DescriptionList isCompact data-testid="schedules">
              <DescriptionListGroup>
                <DescriptionListTerm>{t("dirsyncSyncKind.full")}</DescriptionListTerm>
                <DescriptionListDescription data-testid="schedule-full">{formatInterval(t, fullMinutes)}</DescriptionListDescription>
              </DescriptionListGroup>
              {incremental && (
                <DescriptionListGroup>
                  <DescriptionListTerm>{t("dirsyncSyncKind.incremental")}</DescriptionListTerm>
                  <DescriptionListDescription data-testid="schedule-incremental">
                    {formatInterval(t, incrementalMinutes)}
                  </DescriptionListDescription>
                </DescriptionListGroup>
              )}
              <DescriptionListGroup>
                <DescriptionListTerm>{t("dirsyncSyncKind.admin")}</DescriptionListTerm>
                <DescriptionListDescription data-testid="schedule-admin">{formatInterval(t, adminMinutes)}</DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
            {(schedulePaused || directory.status !== "active") && (
              <Alert
                isInline
                variant="warning"
                className="pf-v5-u-mt-md"
                data-testid="schedules-off"
                title={t(schedulePaused ? "dirsyncSchedulesPaused" : "dirsyncSchedulesInactive")}
              />
            )}
            <Text className="pf-v5-u-mt-md">
              <Link to={settingsPath} data-testid="schedules-settings">
                {t("dirsyncSchedulesInSettings")}
              </Link>
            </Text>
          </CardBody>
        </Card>
      </GridItem>
      <GridItem lg={6}>
        <Card isFlat className="pf-v5-u-h-100">
          <CardTitle>
            <Title headingLevel="h2" size="lg">
              {t("dirsyncPauseTitle")}
            </Title>
          </CardTitle>
          <CardBody>
            <Text className="pf-v5-u-mb-md">
              {t("dirsyncDirectoryStatus")} <StatusLabel status={directory.status} />
            </Text>
            <Text className="pf-v5-u-mb-md">{t("dirsyncPauseHelp")}</Text>
            {canConfigure && (directory.status === "active" || paused) && (
              <Button
                variant="secondary"
                data-testid="sync-pause-resume"
                onClick={changeStatus}
                isLoading={changing}
                isDisabled={changing}
              >
                {t(paused ? "dirsyncSyncResume" : "dirsyncSyncPause")}
              </Button>
            )}
          </CardBody>
        </Card>
      </GridItem>
    </Grid>
  );
};
