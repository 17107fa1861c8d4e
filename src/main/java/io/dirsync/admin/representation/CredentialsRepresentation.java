package io.dirsync.admin.representation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;

/**
 * Newly issued API credentials of a directory (SPEC §3.1 "Regenerate token"), as its type gives them (SCIM:
 * {@code baseUrl}, {@code token}, {@code expiresAt}); written as a flat object and shown once.
 */
public record CredentialsRepresentation(@JsonAnyGetter Map<String, Object> credentials) {

    public CredentialsRepresentation {
        credentials = credentials == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
    }
}
