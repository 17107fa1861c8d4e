package io.dirsync.admin.representation;

/**
 * A user in the trash (rule 7): who, from which directory, why, and when it is deleted for good. {@code username}
 * is the source's when the Keycloak user is gone; {@code email} is Keycloak's (null when it has none or is gone);
 * {@code directoryName} is null when the directory is.
 */
public record TrashedUserRepresentation(String userId, String username, String email, String directoryId,
                                        String directoryName, String reason, Long enteredAt, Long deleteAfter) {
}
