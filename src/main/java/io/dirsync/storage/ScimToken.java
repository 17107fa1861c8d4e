package io.dirsync.storage;

/**
 * A read-only view of a SCIM directory's bearer token, as the SCIM type reads it ({@code scim/ScimTokens}): whose it
 * is and until when. The hash stays in storage ({@link ScimTokenEntity}); tokens are written and looked up only
 * through {@link DirSyncStore#replaceScimToken}, {@link DirSyncStore#scimTokenByHash} and
 * {@link DirSyncStore#currentScimToken}.
 *
 * @param realmId     the directory's realm
 * @param directoryId the directory the token authenticates pushes to
 * @param createdAt   when it was issued (Keycloak's clock, ms)
 * @param expiresAt   when it stops working (Keycloak's clock, ms)
 */
public record ScimToken(String realmId, String directoryId, long createdAt, long expiresAt) {

    static ScimToken of(ScimTokenEntity e) {
        return new ScimToken(e.getRealmId(), e.getDirectoryId(), e.getCreatedAt(), e.getExpiresAt());
    }
}
