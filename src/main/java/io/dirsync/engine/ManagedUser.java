package io.dirsync.engine;

import io.dirsync.storage.ManagedUserEntity;

/**
 * A read-only view of a user a directory manages (rule 1), with what sources read of it: who owns it, what the source
 * last said and the revision a push client's ETag is. Built by the engine ({@link UserSync#managed}); changes go through
 * the engine.
 *
 * @param userId         the Keycloak user id
 * @param directoryId    the directory that owns the user
 * @param externalId     the source's stable id for the user, or null
 * @param sourceUsername the username exactly as the source sent it (Keycloak stores it lower-cased), or null
 * @param sourceDocument the last document the source sent (SCIM JSON, secrets removed), or null
 * @param sourceActive   whether the source says the account is active
 * @param sourceDeleted  the source deleted the user (SCIM DELETE): hidden from the source's reads, still in the trash
 * @param trashed        the user is in the trash (rule 7)
 * @param createdAt      when the directory took the user on (Keycloak's clock, ms)
 * @param lastModified   when the engine last changed it
 * @param revision       bumped on every change the engine makes
 */
public record ManagedUser(String userId, String directoryId, String externalId, String sourceUsername,
                          String sourceDocument, boolean sourceActive, boolean sourceDeleted, boolean trashed,
                          long createdAt, long lastModified, long revision) {

    static ManagedUser of(ManagedUserEntity m) {
        return m == null ? null : new ManagedUser(m.getUserId(), m.getDirectoryId(), m.getExternalId(),
            m.getSourceUsername(), m.getSourceDocument(), m.isSourceActive(), m.isSourceDeleted(), m.isTrashed(),
            m.getCreatedAt(), m.getLastModified(), m.getRevision());
    }
}
