package io.dirsync.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.dirsync.storage.DirSyncStore;

/**
 * The heartbeat of the pull runs this node is running: every {@code interval} a thread of its own (not Keycloak's
 * timer, which a long task could hold up, and not the run's thread, which may wait minutes on an LDAP page or a
 * throttled Graph call) marks them alive in their rows. A run whose node died stops beating and is closed as failed by
 * any node's scheduler tick ({@link SyncRuns#closeStale}) once its heartbeat is older than the configured limit.
 * The beat is the server's wall clock, so that moving Keycloak's clock in a test never makes a live run look dead.
 */
final class RunHeartbeat {

    private static final Logger LOG = Logger.getLogger(RunHeartbeat.class);
    /** The runs of this node still open. */
    private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

    private ScheduledExecutorService timer;

    static void running(String runId) {
        RUNNING.add(runId);
    }

    static void ended(String runId) {
        RUNNING.remove(runId);
    }

    /** The interval a limit asks for: four beats within the limit, at most every 30 s, at least every second. */
    static long intervalMillis(long timeoutMillis) {
        return Math.max(1000L, Math.min(30_000L, timeoutMillis / 4));
    }

    synchronized void start(KeycloakSessionFactory factory, long intervalMillis) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dirsync-run-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> beat(factory), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private static void beat(KeycloakSessionFactory factory) {
        List<String> ids = List.copyOf(RUNNING);
        if (ids.isEmpty()) {
            return;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> new DirSyncStore(s).beatRuns(ids, System.currentTimeMillis()));
        } catch (RuntimeException e) {
            // The next beat tries again; only a node that stays silent past the limit has its runs closed.
            LOG.warnf(e, "Could not write the heartbeat of %d running sync(s)", ids.size());
        }
    }

    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
