package io.dirsync.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.cluster.ExecutionResult;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.ScheduledTask;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.PurgeRunEntity;
import io.dirsync.storage.RunStatus;

/**
 * Deletes for good the users whose 7 days in the trash are over (rule 7), once per period of the purge interval (an
 * hour by default) in each realm that has a directory, and keeps a history of it (DIRSYNC_PURGE_RUN: period, node,
 * started, ended, users deleted, outcome).
 *
 * <p>The periods are the interval's multiples on Keycloak's clock (each hour from the top of the hour). Every node ticks
 * (the schedule tick); a realm whose period has no purge yet is purged under a cluster-wide lock of its own, and
 * whether it is still due is decided again under that lock: Keycloak's cluster-aware runner only keeps ticks from
 * overlapping, so a tick on the other node may have purged the period in between. The period's row is unique per
 * realm (UK_DIRSYNC_PURGE_PERIOD) as the database's last word. A purge deletes at most {@link #BATCH} users; the
 * next period goes on.
 */
public class TrashPurgeTask implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(TrashPurgeTask.class);

    /** Users deleted per realm and period at most; the next period goes on. */
    public static final int BATCH = 500;
    /** A node that dies while purging frees the realm's lock after this long at most (Keycloak frees it on the view change). */
    private static final int LOCK_SECONDS = 900;
    /** How long a realm's purge history is kept: 30 days, and no more than 1000 periods (a short test interval). */
    static final long KEEP_DAYS = 30;
    static final long KEEP_PERIODS = 1000;

    @Override
    public void run(KeycloakSession session) {
        runDue(session);
    }

    /** One tick: purges each realm whose current period has no purge yet; returns them as "realmId deleted". */
    public static List<String> runDue(KeycloakSession session) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        long interval = DirectorySyncEngine.of(session).config().trashPurgeIntervalMillis();
        long periodStart = periodStart(Time.currentTimeMillis(), interval);
        Set<String> due = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            DirSyncStore store = new DirSyncStore(s);
            Set<String> realms = new LinkedHashSet<>(store.realmsWithDirectories());
            realms.removeAll(store.realmsPurgedInPeriod(periodStart));
            return realms;
        });
        List<String> purged = new ArrayList<>();
        ClusterProvider cluster = session.getProvider(ClusterProvider.class);
        for (String realmId : due) {
            ExecutionResult<Integer> result = cluster.executeIfNotExecuted("dirsync-purge::" + realmId, LOCK_SECONDS,
                () -> purge(factory, realmId, periodStart, interval));
            if (result.isExecuted() && result.getResult() != null) {
                purged.add(realmId + " " + result.getResult());
            }
        }
        return purged;
    }

    /** The start of the period {@code now} is in: the last multiple of the interval. */
    public static long periodStart(long now, long intervalMillis) {
        return now - Math.floorMod(now, intervalMillis);
    }

    /**
     * The realm's purge of the period, unless it has run (or is running) already: opens its row, deletes the users due
     * and closes the row with how many in the same transaction, so the count is true exactly when the deletions were
     * committed; a failure closes the row as failed. Returns how many users were deleted, or null when the period's
     * purge was already there.
     */
    public static Integer purge(KeycloakSessionFactory factory, String realmId, long periodStart, long intervalMillis) {
        String runId;
        try {
            runId = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                DirSyncStore store = new DirSyncStore(s);
                if (store.purgeRunOfPeriod(realmId, periodStart).isPresent()) {
                    return null;
                }
                PurgeRunEntity run = new PurgeRunEntity();
                run.setId(KeycloakModelUtils.generateId());
                run.setRealmId(realmId);
                run.setPeriodStart(periodStart);
                run.setNode(ClusterNode.name(s));
                run.setStatus(RunStatus.RUNNING);
                run.setStartedAt(Time.currentTimeMillis());
                store.persist(run);
                store.flush();
                return run.getId();
            });
        } catch (RuntimeException samePeriod) {
            // The period's row was written by another node between the look and the insert (UK_DIRSYNC_PURGE_PERIOD).
            LOG.debugf(samePeriod, "Realm %s: the trash purge of period %d ran elsewhere", realmId, periodStart);
            return null;
        }
        if (runId == null) {
            return null;
        }
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                DirSyncStore store = new DirSyncStore(s);
                RealmModel realm = s.realms().getRealm(realmId);
                int deleted = realm == null ? 0 : DirectorySyncEngine.of(s).trash().purgeDue(realm, BATCH);
                PurgeRunEntity run = store.find(PurgeRunEntity.class, runId);
                run.setStatus(RunStatus.COMPLETED);
                run.setEndedAt(Time.currentTimeMillis());
                run.setDeletedCount(deleted);
                // Kept counted back from the current period, not from the one purged: a purge asked for a later period
                // (as TrashPurgeHistoryTest does) must not take the history of the days before it.
                store.deletePurgeRunsBefore(realmId, periodStart(Time.currentTimeMillis(), intervalMillis)
                    - Math.min(KEEP_DAYS * EngineConfig.DAY, KEEP_PERIODS * intervalMillis));
                return deleted;
            });
        } catch (RuntimeException e) {
            LOG.warnf(e, "Realm %s: the trash purge failed", realmId);
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                PurgeRunEntity run = new DirSyncStore(s).find(PurgeRunEntity.class, runId);
                if (run != null) {
                    run.setStatus(RunStatus.FAILED);
                    run.setEndedAt(Time.currentTimeMillis());
                    String message = String.valueOf(e.getMessage());
                    run.setMessage(message.length() > 1024 ? message.substring(0, 1024) : message);
                }
            });
            return 0;
        }
    }

    @Override
    public String getTaskName() {
        return DirectorySyncEngineFactory.PURGE_TASK;
    }
}
