package io.dirsync.engine;

import io.dirsync.storage.ManagedUserEntity;

/**
 * A read-only view of a user in the trash (rule 7), for the trash list and a user's status.
 *
 * @param userId         the Keycloak user id
 * @param directoryId    the directory that trashed it
 * @param sourceUsername the username as the source last sent it (shown when Keycloak's user is gone)
 * @param reason         why it was trashed ("deactivated in the source", "no longer in the source's scope", ...)
 * @param trashedAt      when it entered the trash (Keycloak's clock, ms)
 * @param deleteAfter    when the purge deletes it for good
 */
public record TrashedUser(String userId, String directoryId, String sourceUsername, String reason, long trashedAt,
                          long deleteAfter) {

    static TrashedUser of(ManagedUserEntity m) {
        return m == null || !m.isTrashed() ? null : new TrashedUser(m.getUserId(), m.getDirectoryId(),
            m.getSourceUsername(), m.getTrashReason(), m.getTrashedAt(), m.getDeleteAfter());
    }
}
