package io.dirsync.engine;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.timer.ScheduledTask;

import io.dirsync.storage.RunKind;

/**
 * The pull directories' schedules: a tick (cluster-aware, so ticks do not overlap) that starts each active pull
 * directory's full sync (every 12 h by default), incremental sync (every 15 min, for types that have one) or admin
 * sync (every 30 min) when it is due. Whether a run is due is
 * decided from the persisted run history by Keycloak's clock, and decided again once the run holds its directory's
 * cluster-wide lock ({@link PullRunner}): a tick on another node that saw the same history either waits for nothing
 * (the lock is taken) or finds the period's run already in the history, so a period runs once across the nodes.
 * Each tick first closes as failed the running pulls whose node stopped beating ({@link SyncRuns#closeStale}).
 *
 * <p>Per-directory settings: {@code fullSyncMinutes} (720), {@code incrementalSyncMinutes} (15),
 * {@code adminSyncMinutes} (30), {@code schedulePaused}.
 */
public class PullScheduler implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(PullScheduler.class);
    public static final String TASK = "dirsync-pull-schedule";

    @Override
    public void run(KeycloakSession session) {
        startDue(session);
    }

    /**
     * One tick: starts the runs that are due, each on its worker thread; returns what it started, as
     * {@code "<directoryId> <kind>"}.
     */
    public List<String> startDue(KeycloakSession session) {
        // First the runs whose node stopped answering, so that their history is true before anything starts.
        try {
            SyncRuns.closeStale(session.getKeycloakSessionFactory(),
                DirectorySyncEngine.of(session).config().runHeartbeatTimeoutMillis());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not close the runs whose node stopped answering");
        }
        List<String> started = new ArrayList<>();
        for (RealmModel realm : session.realms().getRealmsStream().toList()) {
            session.getContext().setRealm(realm);
            DirectorySyncEngine engine = DirectorySyncEngine.of(session);
            for (Directory d : engine.directories().list(realm)) {
                if (d.type().pullSource() == null || d.status() != DirectoryStatus.ACTIVE) {
                    continue;
                }
                RunKind kind = due(engine, d);
                if (kind == null) {
                    continue;
                }
                try {
                    String directoryId = d.id();
                    PullRunner.start(session, realm, d, kind, null, 0, s -> stillDue(s, directoryId, kind)).report().whenComplete((report, error) -> {
                        if (error != null && !(error instanceof PullRunner.Busy)) {
                            LOG.warnf(error, "Directory %s: scheduled %s sync failed", d.name(), kind);
                        }
                    });
                    started.add(d.id() + " " + kind.id());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Directory %s: scheduled %s sync not started", d.name(), kind);
                }
            }
        }
        return started;
    }

    /** The same decision as the tick's, taken again from the stored directory and history under the directory's lock. */
    private static boolean stillDue(KeycloakSession session, String directoryId, RunKind kind) {
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        return engine.directories().get(session.getContext().getRealm(), directoryId)
            .filter(d -> d.status() == DirectoryStatus.ACTIVE)
            .map(d -> due(engine, d) == kind)
            .orElse(false);
    }

    /** Which sync is due now, full first, then incremental, then admin; null when none (or the schedule is paused). */
    static RunKind due(DirectorySyncEngine engine, Directory d) {
        if (d.settings().path("schedulePaused").asBoolean(false)) {
            return null;
        }
        long fullMillis = Math.max(1, d.settings().path("fullSyncMinutes").asLong(720)) * 60_000L;
        long adminMillis = Math.max(1, d.settings().path("adminSyncMinutes").asLong(30)) * 60_000L;
        long now = Time.currentTimeMillis();
        if (now - lastStart(engine, d, List.of(RunKind.FULL)) >= fullMillis) {
            return RunKind.FULL;
        }
        if (d.type().incrementalSync()) {
            long incrementalMillis = Math.max(1, d.settings().path("incrementalSyncMinutes").asLong(15)) * 60_000L;
            if (now - lastStart(engine, d, List.of(RunKind.FULL, RunKind.INCREMENTAL)) >= incrementalMillis) {
                return RunKind.INCREMENTAL;
            }
        }
        return now - lastStart(engine, d, List.of(RunKind.FULL, RunKind.ADMIN)) >= adminMillis
            ? RunKind.ADMIN : null;
    }

    /** The start of the latest run of these kinds, or the directory's creation: the first run is an admin's. */
    private static long lastStart(DirectorySyncEngine engine, Directory d, List<RunKind> kinds) {
        return Math.max(engine.store().lastRunStart(d.id(), kinds).orElse(0L), d.createdAt());
    }

    @Override
    public String getTaskName() {
        return TASK;
    }
}
