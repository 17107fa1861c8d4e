package io.dirsync.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user as a source describes it, already translated to Keycloak attribute names: the one shape every
 * adapter (SCIM, LDAP, Entra) hands to the engine.
 *
 * @param externalId the source's stable id (may be null)
 * @param username   the value of the directory's username attribute
 * @param attributes mapped Keycloak attributes ({@code email}, {@code firstName}, {@code lastName},
 *                   {@code alias1}..{@code alias8}, custom ones); a key mapped to {@code null} clears it
 * @param active     whether the source says the account is active
 * @param document   the source's own representation, kept as sent (e.g. the SCIM JSON), or null
 */
public record SourceUser(String externalId, String username, Map<String, String> attributes, boolean active,
                         String document) {

    public SourceUser {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public SourceUser(String externalId, String username, Map<String, String> attributes, boolean active) {
        this(externalId, username, attributes, active, null);
    }
}
