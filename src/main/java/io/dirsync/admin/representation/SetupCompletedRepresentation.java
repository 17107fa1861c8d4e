package io.dirsync.admin.representation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;

/**
 * The answer of "complete setup" (SPEC §3.1): the directory's new status and, for a type that has them, its API
 * credentials (SCIM: {@code baseUrl}, {@code token}, {@code expiresAt}), written at the top level and shown once.
 */
public record SetupCompletedRepresentation(String status, @JsonAnyGetter Map<String, Object> credentials) {

    public SetupCompletedRepresentation {
        credentials = credentials == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
    }
}
