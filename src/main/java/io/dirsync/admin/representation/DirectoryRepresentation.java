package io.dirsync.admin.representation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A directory as the admin API shows it. {@code pull} says whether its type pulls from its source (schedules, Sync now,
 * a run that can fail to connect) rather than being pushed to, so that a client needs no list of type ids.
 * {@code groupCount} counts the groups it manages; {@code lastRun} is its
 * newest run in brief (null before the first), for the console's list. {@code typeDetails} is the directory type's own part
 * ({@code DirectoryTypeProvider.describe}: e.g. SCIM's {@code scim} block); it is written at the top level of the
 * JSON, beside the common fields, so a type's keys must not reuse a common field's name.
 */
public record DirectoryRepresentation(String id, String type, boolean pull, String name, String status, ObjectNode settings,
                                      Set<String> mappedAttributes, long createdAt, Long firstSyncAt,
                                      boolean usernameAttributeLocked, long userCount, long trashedCount,
                                      long groupCount, RunSummary lastRun,
                                      String groupNameExample, @JsonAnyGetter Map<String, Object> typeDetails) {

    /** A run in brief: which, what kind, how it ended (or {@code running}), when. */
    public record RunSummary(String id, String kind, String status, long startedAt, Long endedAt) {
    }

    public DirectoryRepresentation {
        typeDetails = typeDetails == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(typeDetails));
    }
}
