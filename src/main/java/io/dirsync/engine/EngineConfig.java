package io.dirsync.engine;

import org.keycloak.Config;

/**
 * Server-wide settings, from {@code --spi-dirsync-engine--default--<key>} options.
 *
 * @param trashRetentionMillis     how long a user stays in the trash before it is deleted (rule 7; 7 days)
 * @param trashPurgeIntervalMillis how often the purge looks for users whose time is up
 * @param scimTokenLifetimeMillis  how long a SCIM bearer token is valid (90 days)
 * @param pullScheduleTickMillis   how often the schedules are checked: the pull directories' runs ({@link PullScheduler}),
 *                                 the trash purge's period ({@link TrashPurgeTask}), runs whose node stopped answering
 * @param runHeartbeatTimeoutMillis a running pull whose node has not beaten for this long is closed as failed (5 min)
 */
public record EngineConfig(long trashRetentionMillis, long trashPurgeIntervalMillis, long scimTokenLifetimeMillis,
                           long pullScheduleTickMillis, long runHeartbeatTimeoutMillis) {

    public static final long DAY = 24L * 3600 * 1000;

    public static EngineConfig from(Config.Scope scope) {
        return new EngineConfig(
            scope.getLong("trash-retention-days", 7L) * DAY,
            scope.getLong("trash-purge-interval-seconds", 3600L) * 1000L,
            scope.getLong("scim-token-lifetime-days", 90L) * DAY,
            scope.getLong("pull-schedule-tick-seconds", 60L) * 1000L,
            Math.max(10L, scope.getLong("run-heartbeat-timeout-seconds", 300L)) * 1000L);
    }
}
