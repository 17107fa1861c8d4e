package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A SCIM bearer token of a directory, stored only as its SHA-256 hash (unique). */
@Entity
@Table(name = "DIRSYNC_SCIM_TOKEN")
@NamedQueries({
    // The token's directory comes in the same statement: every SCIM request reads it next (one statement fewer each).
    @NamedQuery(name = "dirsync.tokenByHash",
        query = "select t, d from ScimTokenEntity t left join DirectoryEntity d on d.id = t.directoryId"
            + " where t.tokenHash = :tokenHash"),
    @NamedQuery(name = "dirsync.tokensByDirectory",
        query = "select t from ScimTokenEntity t where t.directoryId = :directoryId order by t.createdAt desc"),
    @NamedQuery(name = "dirsync.deleteTokensByDirectory",
        query = "delete from ScimTokenEntity t where t.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteTokensByRealm",
        query = "delete from ScimTokenEntity t where t.realmId = :realmId")
})
public class ScimTokenEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
    @Column(name = "TOKEN_HASH", length = 64, nullable = false)
    private String tokenHash;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getTokenHash() { return tokenHash; }
    public void setTokenHash(String tokenHash) { this.tokenHash = tokenHash; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(long expiresAt) { this.expiresAt = expiresAt; }
}
