package io.dirsync.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.Outcome;
import io.dirsync.storage.RunKind;
import io.dirsync.storage.RunStatus;
import io.dirsync.storage.SubjectType;
import io.dirsync.storage.SyncRunEntity;
import io.dirsync.storage.SyncRunItemEntity;

/**
 * Rule 13: every run keeps a report. Items are written in the caller's transaction, so an outcome exists
 * exactly when its change was committed; failures are written in a transaction of their own, since the
 * failing change is rolled back.
 */
public final class SyncRuns {

    private static final Logger LOG = Logger.getLogger(SyncRuns.class);

    /** How many errors, warnings and held users a report lists at most (its counts say how many there are). */
    public static final int LISTED = 1000;

    /** A handle on a run, safe to keep across transactions. */
    public record Run(String id, String realmId, String directoryId, RunKind kind) {
    }

    private final KeycloakSession session;
    private final DirSyncStore store;

    SyncRuns(KeycloakSession session, DirSyncStore store) {
        this.session = session;
        this.store = store;
    }

    /**
     * The day's push run of each directory this node has seen, by directory id and day: a run's handle never changes
     * (one run per directory and day, unique in the database; its row goes only with its directory, whose requests are
     * refused from then on), so a push request reads it once per node and day instead of once per request.
     */
    private static final ConcurrentHashMap<String, Run> PUSH_RUNS = new ConcurrentHashMap<>();

    /** The run that collects today's pushes (UTC day of Keycloak's clock), opened by whichever request comes first. */
    public Run pushRun(RealmModel realm, Directory directory) {
        String day = LocalDate.ofInstant(Instant.ofEpochMilli(Time.currentTimeMillis()), ZoneOffset.UTC).toString();
        String cacheKey = "dirsync.push-run." + directory.id() + "." + day;
        Run cached = PUSH_RUNS.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        Run run = store.pushRunOfDay(directory.id(), day).map(SyncRuns::handle).orElse(null);
        if (run == null) {
            try {
                run = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
                    DirSyncStore other = new DirSyncStore(s);
                    SyncRunEntity e = newRun(directory, RunKind.PUSH);
                    e.setPushDay(day);
                    other.persist(e);
                    other.flush();
                    closeEarlierPushRuns(s, realm.getId(), directory.id(), day);
                    return handle(e);
                });
            } catch (RuntimeException concurrentOpen) {
                // Another request opened today's run first (unique PUSH_DAY, DIRECTORY_ID): use that one.
                run = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                    s -> new DirSyncStore(s).pushRunOfDay(directory.id(), day).map(SyncRuns::handle).orElseThrow(() -> concurrentOpen));
            }
        }
        String today = "." + day;
        PUSH_RUNS.keySet().removeIf(key -> !key.endsWith(today)); // the runs of other days are not asked for again
        PUSH_RUNS.put(cacheKey, run);
        return run;
    }

    /** Forgets a deleted directory's push runs on this node (other nodes refuse its requests, whose token is gone). */
    static void forgetPushRuns(String directoryId) {
        PUSH_RUNS.keySet().removeIf(key -> key.startsWith("dirsync.push-run." + directoryId + "."));
    }

    /**
     * A day's push run ends when the next day's opens: it is marked completed and its report is emitted as an
     * admin event, like a pull run's.
     */
    private static void closeEarlierPushRuns(KeycloakSession s, String realmId, String directoryId, String day) {
        RealmModel realm = s.realms().getRealm(realmId);
        DirectorySyncEngine engine = DirectorySyncEngine.of(s);
        Directory directory = engine.directories().get(realm, directoryId).orElse(null);
        if (directory == null) {
            return;
        }
        List<SyncRunEntity> open = engine.store().openPushRunsBefore(directoryId, RunKind.PUSH, RunStatus.RUNNING, day);
        for (SyncRunEntity r : open) {
            r.setStatus(RunStatus.COMPLETED);
            r.setEndedAt(Time.currentTimeMillis());
            RunReport report = engine.runs().report(r);
            AdminEvents.send(s, realm, directory, OperationType.ACTION, AdminEvents.RESOURCE_RUN,
                "dirsync/directories/" + directoryId + "/runs/" + r.getId(), report, Map.of("status", RunStatus.COMPLETED.id()));
        }
    }

    /**
     * Opens a pull run (full, admin, user) in its own transaction so that it is visible while it runs, with its progress
     * at zero (no page read yet).
     */
    public Run startPull(Directory directory, RunKind kind) {
        Run run = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
            // Pulls open only under the directory's cluster-wide lock: a pull still "running" here lost its node
            // (kill -9, power cut) before it could close; it failed, and nothing of what it did not finish was trashed.
            for (SyncRunEntity orphan : new DirSyncStore(s).openPullRuns(directory.id(), RunKind.PUSH, RunStatus.RUNNING)) {
                orphan.setStatus(RunStatus.FAILED);
                orphan.setEndedAt(Time.currentTimeMillis());
                orphan.setMessage("Interrupted: the server running this sync stopped before it finished");
            }
            SyncRunEntity e = newRun(directory, kind);
            e.setNode(ClusterNode.name(s));
            e.setHeartbeatAt(System.currentTimeMillis());
            e.setProgressRead(0L);
            e.setProgressApplied(0L);
            e.setProgressFailed(0L);
            e.setProgressPage(0);
            e.setProgressAt(e.getStartedAt());
            new DirSyncStore(s).persist(e);
            return handle(e);
        });
        RunHeartbeat.running(run.id());
        return run;
    }

    /**
     * Closes as failed every running pull whose node has not beaten for {@code timeoutMillis} (killed, cut off, frozen):
     * any node's scheduler tick calls it, so such a run does not wait for its directory's next pull to be closed.
     * A live run is never closed: its node beats every few seconds whatever the run waits on, and the close is one
     * conditional update that a beat written meanwhile defeats. Runs opened by a release without heartbeats (null) are
     * left to the next pull of their directory ({@link #startPull}). Returns the runs closed, as "id node".
     */
    public static List<String> closeStale(org.keycloak.models.KeycloakSessionFactory factory, long timeoutMillis) {
        long before = System.currentTimeMillis() - timeoutMillis;
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            DirSyncStore store = new DirSyncStore(s);
            List<String> closed = new java.util.ArrayList<>();
            for (SyncRunEntity stale : store.staleRuns(before)) {
                String message = "Node " + stale.getNode() + " stopped answering: no heartbeat since "
                    + Instant.ofEpochMilli(stale.getHeartbeatAt()) + " (limit " + timeoutMillis / 1000
                    + " s); the run failed, and nothing it had not finished was trashed";
                if (store.closeStaleRun(stale.getId(), before, Time.currentTimeMillis(), message)) {
                    LOG.warnf("Directory %s: %s sync %s closed as failed: %s", stale.getDirectoryId(), stale.getKind(),
                        stale.getId(), message);
                    closed.add(stale.getId() + " " + stale.getNode());
                }
            }
            return closed;
        });
    }

    /**
     * Writes a running pull's progress in a short transaction of its own, so that the history (another request, another
     * node) shows it at once. Called a page at a time, not per entry.
     */
    public void progress(Run run, RunReport.Progress progress) {
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> new DirSyncStore(s)
            .recordRunProgress(run.id(), progress.read(), progress.applied(), progress.failed(), progress.page(),
                progress.updatedAt()));
    }

    /** Closes a pull run, stores its unchanged count and last progress and emits the report as an admin event. */
    public RunReport finish(RealmModel realm, Directory directory, Run run, RunStatus status, int unchanged, String message,
                            RunReport.Progress progress) {
        RunHeartbeat.ended(run.id());
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
            SyncRunEntity e = new DirSyncStore(s).find(SyncRunEntity.class, run.id());
            if (e != null) {
                e.setStatus(status);
                e.setEndedAt(Time.currentTimeMillis());
                e.setUnchangedCount(unchanged);
                e.setMessage(message);
                if (progress != null) {
                    e.setProgressRead(progress.read());
                    e.setProgressApplied(progress.applied());
                    e.setProgressFailed(progress.failed());
                    e.setProgressPage(progress.page());
                    e.setProgressAt(progress.updatedAt());
                }
            }
        });
        RunReport report = report(store.find(SyncRunEntity.class, run.id()));
        AdminEvents.send(session, realm, directory, OperationType.ACTION, AdminEvents.RESOURCE_RUN,
            "dirsync/directories/" + directory.id() + "/runs/" + run.id(), report, Map.of("status", status.id()));
        return report;
    }

    /** Records a committed outcome in the caller's transaction. */
    public void record(Run run, Outcome outcome, SubjectType subjectType, String subject, String subjectId, String message) {
        if (run == null || outcome == Outcome.UNCHANGED) {
            return;
        }
        store.persist(item(run, outcome, subjectType, subject, subjectId, message));
    }

    /** Records a failure in its own transaction: the caller's transaction is about to roll back. */
    public void recordFailure(Run run, SubjectType subjectType, String subject, String message) {
        if (run == null) {
            return;
        }
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
            s -> new DirSyncStore(s).persist(item(run, Outcome.FAILED, subjectType, subject, null, message)));
    }

    /**
     * A push request a rule refused, as every push source ends it: its transaction is rolled back whole (nothing
     * half-written) and the refusal is recorded in the day's push run in a transaction of its own (rule 13). A request
     * refused before its directory is known has no run to record in. Recording never fails the request: the client
     * gets its error either way.
     */
    public void refusedPush(RealmModel realm, Directory directory, SubjectType subjectType, SyncConflictException refusal) {
        session.getTransactionManager().setRollbackOnly();
        if (directory == null) {
            return;
        }
        try {
            recordFailure(pushRun(realm, directory), subjectType, refusal.getSubject(), refusal.getMessage());
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not record a refused push to directory %s", directory.id());
        }
    }

    /**
     * The directory's runs, newest first, as reports (rule 13). The page's outcome counts are read in one statement; a
     * run's errors and warnings are read only when it has some.
     */
    public List<RunReport> reports(Directory directory, int first, int max) {
        List<SyncRunEntity> runs = store.runs(directory.id(), first, max);
        Map<String, List<Object[]>> counts = new java.util.HashMap<>();
        if (!runs.isEmpty()) {
            for (Object[] row : store.countItemsOfRuns(runs.stream().map(SyncRunEntity::getId).toList())) {
                counts.computeIfAbsent((String) row[0], k -> new java.util.ArrayList<>())
                    .add(new Object[] {row[1], row[2], row[3]});
            }
        }
        return runs.stream().map(r -> report(r, counts.getOrDefault(r.getId(), List.of()))).toList();
    }

    /** How many runs the directory has (the history's total). */
    public long count(Directory directory) {
        return store.countRuns(directory.id());
    }

    /** One run of the directory, as its report; empty when the directory has no such run. */
    public java.util.Optional<RunReport> report(Directory directory, String runId) {
        SyncRunEntity run = runId == null ? null : store.find(SyncRunEntity.class, runId);
        return run == null || !run.getDirectoryId().equals(directory.id()) ? java.util.Optional.empty()
            : java.util.Optional.of(report(run));
    }

    public RunReport report(SyncRunEntity run) {
        return report(run, store.countItemsByTypeAndOutcome(run.getId()));
    }

    /** A run's report from its rows of (subject type, outcome, count). */
    private RunReport report(SyncRunEntity run, List<Object[]> itemCounts) {
        Map<String, Long> counts = zeroCounts();
        Map<String, Long> users = zeroCounts();
        Map<String, Long> groups = zeroCounts();
        for (Object[] row : itemCounts) {
            String outcome = ((Outcome) row[1]).id();
            long n = (Long) row[2];
            counts.merge(outcome, n, Long::sum);
            (row[0] == SubjectType.GROUP ? groups : users).merge(outcome, n, Long::sum);
        }
        counts.put(Outcome.UNCHANGED.id(), (long) run.getUnchangedCount());
        users.put(Outcome.UNCHANGED.id(), (long) run.getUnchangedCount());
        List<RunReport.Error> errors = messages(run, Outcome.FAILED, counts);
        List<RunReport.Error> warnings = messages(run, Outcome.WARNING, counts);
        // Only a run still held lists whom it would trash: once confirmed, its trashed count says what happened.
        List<RunReport.HeldUser> held = run.getStatus() != RunStatus.HELD ? List.of()
            : store.itemsOfRun(run.getId(), Outcome.HELD, LISTED).stream()
                .map(i -> new RunReport.HeldUser(i.getAt(), i.getSubjectId(), i.getSubject(), i.getMessage()))
                .toList();
        return new RunReport(run.getId(), run.getDirectoryId(), run.getKind().id(), run.getStatus().id(), run.getStartedAt(),
            run.getEndedAt(), counts, users, groups, errors, warnings, run.getMessage(), progress(run), held, run.getNode(),
            run.getHeartbeatAt());
    }

    /** A run's items of one outcome as errors or warnings; none read when its count says there are none. */
    private List<RunReport.Error> messages(SyncRunEntity run, Outcome outcome, Map<String, Long> counts) {
        if (counts.getOrDefault(outcome.id(), 0L) == 0) {
            return List.of();
        }
        return store.itemsOfRun(run.getId(), outcome, LISTED).stream()
            .map(i -> new RunReport.Error(i.getAt(), i.getSubjectType(), i.getSubject(), i.getMessage()))
            .toList();
    }

    private static RunReport.Progress progress(SyncRunEntity run) {
        if (run.getProgressAt() == null) {
            return null;
        }
        return new RunReport.Progress(orZero(run.getProgressRead()), orZero(run.getProgressApplied()),
            orZero(run.getProgressFailed()), run.getProgressPage() == null ? 0 : run.getProgressPage(), run.getProgressAt());
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static Map<String, Long> zeroCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            if (o.done()) {
                counts.put(o.id(), 0L);
            }
        }
        return counts;
    }

    private static SyncRunEntity newRun(Directory directory, RunKind kind) {
        SyncRunEntity e = new SyncRunEntity();
        e.setId(KeycloakModelUtils.generateId());
        e.setRealmId(directory.realmId());
        e.setDirectoryId(directory.id());
        e.setKind(kind);
        e.setStatus(RunStatus.RUNNING);
        e.setStartedAt(Time.currentTimeMillis());
        return e;
    }

    private static Run handle(SyncRunEntity e) {
        return new Run(e.getId(), e.getRealmId(), e.getDirectoryId(), e.getKind());
    }

    private static SyncRunItemEntity item(Run run, Outcome outcome, SubjectType subjectType, String subject, String subjectId,
                                          String message) {
        SyncRunItemEntity i = new SyncRunItemEntity();
        i.setId(KeycloakModelUtils.generateId());
        i.setRunId(run.id());
        i.setRealmId(run.realmId());
        i.setDirectoryId(run.directoryId());
        i.setAt(Time.currentTimeMillis());
        i.setOutcome(outcome);
        i.setSubjectType(subjectType);
        i.setSubject(truncate(subject, 255));
        i.setSubjectId(subjectId);
        i.setMessage(truncate(message, 1024));
        return i;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
