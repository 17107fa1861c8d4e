package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.DynamicUpdate;

/** One configured external source of one realm (SPEC §1 "directory"). */
@Entity
@Table(name = "DIRSYNC_DIRECTORY")
// Only changed columns are written: LAST_REQUEST_AT is set by a bulk update in its own transaction
// (Directories#touch), which a request that also changes the row (e.g. its enrollment key) must not undo.
@DynamicUpdate
@NamedQueries({
    @NamedQuery(name = "dirsync.directoriesByRealm",
        query = "select d from DirectoryEntity d where d.realmId = :realmId order by d.name"),
    @NamedQuery(name = "dirsync.directoryByName",
        query = "select d from DirectoryEntity d where d.realmId = :realmId and d.nameFolded = :nameFolded"),
    @NamedQuery(name = "dirsync.deleteDirectoriesByRealm",
        query = "delete from DirectoryEntity d where d.realmId = :realmId")
})
public class DirectoryEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_TYPE", length = 16, nullable = false)
    private String type;

    @Column(name = "NAME", length = 255, nullable = false)
    private String name;

    /** Lower-cased name: directory names are unique per realm, case-insensitively. */
    @Column(name = "NAME_FOLDED", length = 255, nullable = false)
    private String nameFolded;

    @Column(name = "STATUS", length = 16, nullable = false)
    private String status;

    /**
     * Type-specific settings and attribute mappings, as JSON. A CLOB column read as a plain string, as Keycloak maps
     * its own long text (no {@code @Lob}: on PostgreSQL that stores a large object per write, left behind on update).
     */
    @Column(name = "SETTINGS")
    private String settings;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    /** Set by the first successful sync; from then on the username source is fixed (rule 5). */
    @Column(name = "FIRST_SYNC_AT")
    private Long firstSyncAt;

    /** Last authenticated request from a push client (SCIM); written at most once a minute. */
    @Column(name = "LAST_REQUEST_AT")
    private Long lastRequestAt;

    /**
     * A random key of this directory's enrollment links (with the server's link secret, if configured): rows alone do
     * not make a link. Never shown.
     */
    @Column(name = "ENROLLMENT_KEY", length = 64)
    private String enrollmentKey;

    @Version
    @Column(name = "VERSION")
    private int version;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getNameFolded() { return nameFolded; }
    public void setNameFolded(String nameFolded) { this.nameFolded = nameFolded; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getSettings() { return settings; }
    public void setSettings(String settings) { this.settings = settings; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public Long getFirstSyncAt() { return firstSyncAt; }
    public void setFirstSyncAt(Long firstSyncAt) { this.firstSyncAt = firstSyncAt; }
    public Long getLastRequestAt() { return lastRequestAt; }
    public void setLastRequestAt(Long lastRequestAt) { this.lastRequestAt = lastRequestAt; }
    public int getVersion() { return version; }
    public String getEnrollmentKey() { return enrollmentKey; }
    public void setEnrollmentKey(String enrollmentKey) { this.enrollmentKey = enrollmentKey; }
}
