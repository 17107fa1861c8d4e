package io.dirsync.admin.representation;

import java.util.List;

/**
 * The mapping editor's data (SPEC §3.1): the type's required mappings (locked), the admin's optional ones, and the
 * source attributes and Keycloak attributes that can be mapped.
 */
public record MappingsRepresentation(List<RequiredMapping> required, List<Mapping> optional,
                                     List<String> availableSources, List<String> availableTargets) {

    /** An optional mapping: a source attribute written to a Keycloak attribute. */
    public record Mapping(String source, String target) {
    }

    /** A mapping every directory of the type has; {@code locked} is always true, for the editor. */
    public record RequiredMapping(String source, String target, boolean locked) {

        public RequiredMapping(String source, String target) {
            this(source, target, true);
        }
    }
}
