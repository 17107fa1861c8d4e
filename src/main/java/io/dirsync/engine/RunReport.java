package io.dirsync.engine;

import java.util.List;
import java.util.Map;

import io.dirsync.storage.SubjectType;

/**
 * Rule 13: what a run did. {@code counts} are per outcome for users and groups together; {@code userCounts} and
 * {@code groupCounts} split them ({@code unchanged} counts users only). {@code warnings} name records applied
 * without a value they carried (a {@code warning} count appears when there are any).
 * <p>
 * {@code progress}: how far a pull run got, as it goes (null for a day's pushes, which report none); a finished run
 * keeps its last figures. {@code held}: the users a {@code held} run would trash (rule 10; at most
 * {@link SyncRuns#LISTED} of them, {@code counts.held} says how many), empty for any other status.
 * {@code node}: the Keycloak node that ran a pull (null for a day's pushes and runs of earlier releases);
 * {@code heartbeatAt}: when that node last said the run was alive (its wall clock, epoch ms).
 */
public record RunReport(String id, String directoryId, String kind, String status, long startedAt, Long endedAt,
                        Map<String, Long> counts, Map<String, Long> userCounts, Map<String, Long> groupCounts,
                        List<Error> errors, List<Error> warnings, String message, Progress progress,
                        List<HeldUser> held, String node, Long heartbeatAt) {

    /** A per-user (or per-group) error (the run went on), or a warning (the record was applied without a value). */
    public record Error(long at, SubjectType subjectType, String subject, String message) {
    }

    /**
     * A pull run's progress: source entries {@code read}, {@code applied} by the engine (created, updated, unchanged,
     * ...), {@code failed} (refused or unreadable: the report's errors), the {@code page} of the source it is on (1 for
     * the first; 0 before the first page arrived) and when this was written ({@code updatedAt}, Keycloak's clock).
     * Entries read but neither applied nor failed were out of scope (e.g. disabled in Active Directory).
     */
    public record Progress(long read, long applied, long failed, int page, long updatedAt) {
    }

    /** A user a held run would trash (rule 10): the admin who confirms the run trashes it. */
    public record HeldUser(long at, String userId, String username, String message) {
    }
}
