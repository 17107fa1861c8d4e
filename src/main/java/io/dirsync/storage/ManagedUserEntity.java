package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

/**
 * A realm user owned by exactly one directory (rule 1). The row's primary key is the Keycloak user id,
 * so a user can never have two owners. A trashed user (rule 7) is this row with {@code trashedAt} set: the
 * trash is not a second table, so "trashed" is stored in one place.
 */
@Entity
@Table(name = "DIRSYNC_MANAGED_USER")
@NamedQueries({
    @NamedQuery(name = "dirsync.managedUserByExternalId",
        query = "select m from ManagedUserEntity m where m.directoryId = :directoryId and m.externalId = :externalId"),
    @NamedQuery(name = "dirsync.managedUsersByDirectory",
        query = "select m from ManagedUserEntity m where m.directoryId = :directoryId order by m.createdAt, m.userId"),
    @NamedQuery(name = "dirsync.countActiveUsersByDirectory",
        // deleteAfter rather than trashedAt (set and cleared together): counted in IDX_DIRSYNC_MUSER_DIR_TRASH alone
        query = "select count(m) from ManagedUserEntity m where m.directoryId = :directoryId and m.deleteAfter is null"),
    @NamedQuery(name = "dirsync.countTrashedUsersByDirectory",
        query = "select count(m) from ManagedUserEntity m where m.directoryId = :directoryId and m.trashedAt is not null"),
    // One realm's purge, along IDX_DIRSYNC_MUSER_TRASH_PAGE (REALM_ID, DELETE_AFTER, USER_ID).
    @NamedQuery(name = "dirsync.realmTrashDue",
        query = "select m from ManagedUserEntity m where m.realmId = :realmId and m.deleteAfter <= :now"
            + " order by m.realmId, m.deleteAfter, m.userId"),
    @NamedQuery(name = "dirsync.deleteManagedUsersByDirectory",
        query = "delete from ManagedUserEntity m where m.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteManagedUsersByRealm",
        query = "delete from ManagedUserEntity m where m.realmId = :realmId")
})
public class ManagedUserEntity {

    @Id
    @Column(name = "USER_ID", length = 36)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    /** The source's stable id for the user (SCIM externalId, LDAP entryUUID/objectGUID, Entra objectId). */
    @Column(name = "EXTERNAL_ID", length = 255)
    private String externalId;

    /** The username exactly as the source sent it (Keycloak stores usernames lower-cased). */
    @Column(name = "SOURCE_USERNAME", length = 255)
    private String sourceUsername;

    /** When the user entered the trash (rule 7); null while it is not trashed. */
    @Column(name = "TRASHED_AT")
    private Long trashedAt;

    /** When a trashed user is deleted for good; null while it is not trashed. Indexed for the purge. */
    @Column(name = "DELETE_AFTER")
    private Long deleteAfter;

    /** Why the user was trashed, for the admin's trash list. */
    @Column(name = "TRASH_REASON", length = 64)
    private String trashReason;

    /** Whether the source says the account is active (SCIM active, AD ACCOUNTDISABLE). */
    @Column(name = "SOURCE_ACTIVE", nullable = false)
    private boolean sourceActive;

    /** The source deleted the user (SCIM DELETE): hidden from the source's reads, still in the trash. */
    @Column(name = "SOURCE_DELETED", nullable = false)
    private boolean sourceDeleted;

    /**
     * Not a column: a read that joined the user's status row found none ({@link DirSyncStore#managedUserWithKeycloakRow}),
     * so {@link DirSyncStore#userStatus} does not ask again. It lives as long as this instance (one persistence context),
     * and a status saved meanwhile clears it ({@link DirSyncStore#persistStatus}); a fresh instance knows nothing.
     */
    @Transient
    private boolean knownWithoutStatus;

    /**
     * The last document the source sent for the user (SCIM JSON, secrets removed), so that a push client reads
     * back what it wrote, including attributes no mapping brings into Keycloak. A CLOB column read as a plain
     * string, like {@link DirectoryEntity#getSettings()}.
     */
    @Column(name = "SOURCE_DOCUMENT")
    private String sourceDocument;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "LAST_MODIFIED", nullable = false)
    private long lastModified;

    /** Bumped on every change made through the engine; the SCIM ETag. */
    @Column(name = "REVISION", nullable = false)
    private long revision;

    /**
     * A pull source's digest of what its last complete apply of the user was given (the entry's values, groups and the
     * directory's settings), with the {@link #revision} it left: a full run skips an entry whose digest and revision
     * still match before any other database work (see {@code engine/PullRun#skipUnchanged}). Null: apply it.
     */
    @Column(name = "SOURCE_DIGEST", length = 100)
    private String sourceDigest;

    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getExternalId() { return externalId; }
    public void setExternalId(String externalId) { this.externalId = externalId; }
    public String getSourceUsername() { return sourceUsername; }
    public void setSourceUsername(String sourceUsername) { this.sourceUsername = sourceUsername; }
    public boolean isTrashed() { return trashedAt != null; }
    public Long getTrashedAt() { return trashedAt; }
    public Long getDeleteAfter() { return deleteAfter; }
    public String getTrashReason() { return trashReason; }

    /**
     * Puts the user in the trash; the reason is cut to its column. {@code trashedAt} and {@code deleteAfter} are set and
     * cleared together, so queries test {@code deleteAfter is null} for "not trashed": it is the indexed one.
     */
    public void trash(String reason, long now, long deleteAfter) {
        this.trashedAt = now;
        this.deleteAfter = deleteAfter;
        this.trashReason = reason.length() > 64 ? reason.substring(0, 64) : reason;
    }

    public void untrash() {
        this.trashedAt = null;
        this.deleteAfter = null;
        this.trashReason = null;
    }
    public boolean isSourceActive() { return sourceActive; }
    public void setSourceActive(boolean sourceActive) { this.sourceActive = sourceActive; }
    public boolean isSourceDeleted() { return sourceDeleted; }
    public void setSourceDeleted(boolean sourceDeleted) { this.sourceDeleted = sourceDeleted; }
    boolean isKnownWithoutStatus() { return knownWithoutStatus; }
    void setKnownWithoutStatus(boolean knownWithoutStatus) { this.knownWithoutStatus = knownWithoutStatus; }
    public String getSourceDocument() { return sourceDocument; }
    public void setSourceDocument(String sourceDocument) { this.sourceDocument = sourceDocument; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getLastModified() { return lastModified; }
    public void setLastModified(long lastModified) { this.lastModified = lastModified; }
    public long getRevision() { return revision; }
    public void setRevision(long revision) { this.revision = revision; }
    public String getSourceDigest() { return sourceDigest; }
    public void setSourceDigest(String sourceDigest) { this.sourceDigest = sourceDigest; }
}
