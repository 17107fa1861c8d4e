package io.dirsync.engine;

import io.dirsync.storage.ManagedGroupEntity;

/**
 * A read-only view of a group a directory manages (rule 6). Built by the engine ({@link Groups#managed},
 * {@link Groups#managedGroups}); changes go through the engine.
 *
 * @param groupId      the Keycloak group id
 * @param directoryId  the directory that owns the group
 * @param sourceName   the group's name in the source ("Engineering"; the Keycloak name adds the directory's suffix)
 * @param externalId   the source's id for the group (an LDAP DN, a SCIM externalId), or null
 * @param createdAt    when the directory took the group on (Keycloak's clock, ms)
 * @param lastModified when the engine last changed its name or members
 * @param revision     bumped on every membership or name change
 */
public record ManagedGroup(String groupId, String directoryId, String sourceName, String externalId, long createdAt,
                           long lastModified, long revision) {

    static ManagedGroup of(ManagedGroupEntity g) {
        return g == null ? null : new ManagedGroup(g.getGroupId(), g.getDirectoryId(), g.getSourceName(),
            g.getExternalId(), g.getCreatedAt(), g.getLastModified(), g.getRevision());
    }
}
