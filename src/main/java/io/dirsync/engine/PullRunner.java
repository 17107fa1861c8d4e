package io.dirsync.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.cluster.ExecutionResult;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.dirsync.storage.RunKind;

/**
 * Starts pull runs for every pull directory type, on demand and on schedule: on a Keycloak-managed worker thread,
 * outside any request or timer transaction (a full sync of a large directory outlives the 5-minute transaction
 * timeout; every step of it commits on its own), holding the directory's cluster-wide lock so that one run per
 * directory happens at a time across the nodes.
 */
public final class PullRunner {

    private static final Logger LOG = Logger.getLogger(PullRunner.class);
    /** Keycloak executor the runs use. */
    static final String EXECUTOR = "dirsync-pull";
    /** A run holds its directory's lock at most this long (a node that died while running frees it then). */
    private static final int LOCK_SECONDS = 6 * 3600;
    private static final List<RunKind> KINDS = List.of(RunKind.FULL, RunKind.ADMIN, RunKind.USER);

    private PullRunner() {
    }

    /** Another run of the same directory holds its cluster-wide lock. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message);
        }
    }

    /** A run started in the background: its id as soon as the run is open, and its report when it is over. */
    public record Started(CompletableFuture<String> runId, CompletableFuture<RunReport> report) {
    }

    /**
     * Starts a run of a pull directory. A run of the same directory already going on is waited for up to
     * {@code waitSeconds}; after that the report completes with {@link Busy}.
     *
     * @throws SyncConflictException when the directory does not pull, is paused, or the request is incomplete
     */
    public static Started start(KeycloakSession session, RealmModel realm, Directory directory, RunKind kind, String username,
                                int waitSeconds) {
        return start(session, realm, directory, kind, username, waitSeconds, null);
    }

    /**
     * As {@link #start(KeycloakSession, RealmModel, Directory, RunKind, String, int)}, but the run happens only if
     * {@code stillDue} (asked in a transaction of its own once the directory's lock is had) says so; otherwise the
     * report completes with null. The schedules use it: a tick on another node may have run the period's sync between
     * this node's look at the history and its lock, and the lock alone only keeps runs from overlapping.
     */
    public static Started start(KeycloakSession session, RealmModel realm, Directory directory, RunKind kind, String username,
                                int waitSeconds, java.util.function.Predicate<KeycloakSession> stillDue) {
        PullSource source = directory.type().pullSource();
        if (source == null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "Directory \"" + directory.name() + "\" is not a pull directory; its source pushes changes");
        }
        boolean incremental = directory.type().incrementalSync();
        if (kind == null || !KINDS.contains(kind) && !(incremental && kind == RunKind.INCREMENTAL)) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "'kind' must be one of full, admin, user" + (incremental ? ", incremental" : ""));
        }
        if (directory.status() == DirectoryStatus.PAUSED) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "Directory \"" + directory.name() + "\" is paused; resume it to sync");
        }
        if (kind == RunKind.USER && (username == null || username.isBlank())) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "A single-user sync needs a username");
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        Started started = new Started(new CompletableFuture<>(), new CompletableFuture<>());
        String realmId = realm.getId();
        String directoryId = directory.id();
        String name = directory.name();
        session.getProvider(ExecutorsProvider.class).getExecutor(EXECUTOR).execute(() -> {
            try (KeycloakSession s = factory.create()) {
                ClusterProvider cluster = s.getProvider(ClusterProvider.class);
                long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
                while (true) {
                    ExecutionResult<RunReport> result = cluster.executeIfNotExecuted(lockKey(directoryId), LOCK_SECONDS, () -> {
                        if (stillDue != null && !KeycloakModelUtils.runJobInTransactionWithResult(factory, due -> {
                            due.getContext().setRealm(due.realms().getRealm(realmId));
                            return stillDue.test(due);
                        })) {
                            started.runId().complete(null);
                            return null;
                        }
                        String[] opened = new String[1];
                        try {
                            return source.run(factory, realmId, directoryId, kind, username, id -> {
                                opened[0] = id;
                                started.runId().complete(id);
                            });
                        } finally {
                            // A run that ended without closing its row stops beating: the row is closed by a tick later.
                            if (opened[0] != null) {
                                RunHeartbeat.ended(opened[0]);
                            }
                        }
                    });
                    if (result.isExecuted()) {
                        started.report().complete(result.getResult());
                        return;
                    }
                    if (System.currentTimeMillis() >= deadline) {
                        throw new Busy("A sync of directory \"" + name + "\" is already running; try again when it has finished");
                    }
                    Thread.sleep(500); // the cluster provider offers no wait on a held task
                }
            } catch (Throwable t) {
                LOG.debugf(t, "Directory %s: %s sync did not run", name, kind);
                started.runId().completeExceptionally(t);
                started.report().completeExceptionally(t);
            }
        });
        return started;
    }

    /** What an on-demand run gave its caller within the wait: its report, or the id of the run still going on. */
    public record Awaited(RunReport report, String runningId) {
    }

    /**
     * Starts a run on demand (the admin API, the console) and waits up to {@code waitSeconds} for its report.
     *
     * @throws Busy                  when another run of the directory still held its lock after {@code busyWaitSeconds}
     * @throws SyncConflictException when the run was refused (not a pull directory, paused, no username, ...)
     */
    public static Awaited startAndWait(KeycloakSession session, RealmModel realm, Directory directory, RunKind kind,
                                       String username, int busyWaitSeconds, int waitSeconds) {
        Started started = start(session, realm, directory, kind, username, busyWaitSeconds);
        try {
            return new Awaited(started.report().get(Math.max(0, waitSeconds), TimeUnit.SECONDS), null);
        } catch (TimeoutException stillRunning) {
            return new Awaited(null, runId(started, directory, busyWaitSeconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the sync of \"" + directory.name() + "\"", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The id of a started run, once it is open: after the directory's lock is had, at most the busy wait later. */
    private static String runId(Started started, Directory directory, int busyWaitSeconds) {
        try {
            return started.runId().get(busyWaitSeconds + 10L, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new Busy("The sync of directory \"" + directory.name() + "\" has not started yet; try again later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the sync of \"" + directory.name() + "\"", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The cluster-wide lock of a directory's runs. */
    static String lockKey(String directoryId) {
        return "dirsync-pull::" + directoryId;
    }
}
