package io.dirsync.engine;

import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/**
 * Deletes for good the users whose 7 days in the trash are over (rule 7). Runs under
 * {@code ClusterAwareScheduledTaskRunner}, so one node at a time; idempotent, so a repeat does no harm.
 */
public class TrashPurgeTask implements ScheduledTask {

    /** Users deleted per run at most; the next run goes on. */
    public static final int BATCH = 500;

    @Override
    public void run(KeycloakSession session) {
        DirectorySyncEngine.of(session).trash().purgeDue(BATCH);
    }

    @Override
    public String getTaskName() {
        return DirectorySyncEngineFactory.PURGE_TASK;
    }
}
