package io.dirsync.engine;

import java.util.List;
import java.util.Map;

/** Rule 13: what a run did. */
public record RunReport(String id, String directoryId, String kind, String status, long startedAt, Long endedAt,
                        Map<String, Long> counts, List<Error> errors, String message) {

    /** A per-user (or per-group) error: the run went on. */
    public record Error(long at, String subjectType, String subject, String message) {
    }
}
