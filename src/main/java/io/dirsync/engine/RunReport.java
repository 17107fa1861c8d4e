package io.dirsync.engine;

import java.util.List;
import java.util.Map;

import io.dirsync.storage.SubjectType;

/**
 * Rule 13: what a run did. {@code counts} are per outcome for users and groups together; {@code userCounts} and
 * {@code groupCounts} split them ({@code unchanged} counts users only). {@code warnings} name records applied
 * without a value they carried (a {@code warning} count appears when there are any).
 */
public record RunReport(String id, String directoryId, String kind, String status, long startedAt, Long endedAt,
                        Map<String, Long> counts, Map<String, Long> userCounts, Map<String, Long> groupCounts,
                        List<Error> errors, List<Error> warnings, String message) {

    /** A per-user (or per-group) error (the run went on), or a warning (the record was applied without a value). */
    public record Error(long at, SubjectType subjectType, String subject, String message) {
    }
}
