package io.dirsync.admin.representation;

/**
 * A group a directory manages (rule 6). {@code name} and {@code status} are null when the Keycloak group is gone.
 */
public record ManagedGroupRepresentation(String id, String name, String sourceName, String externalId,
                                         String status) {
}
