package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A realm group created and owned by a directory (rule 6). Primary key: the Keycloak group id. */
@Entity
@Table(name = "DIRSYNC_MANAGED_GROUP")
@NamedQueries({
    @NamedQuery(name = "dirsync.managedGroupsByDirectory",
        query = "select g from ManagedGroupEntity g where g.directoryId = :directoryId order by g.sourceNameFolded"),
    @NamedQuery(name = "dirsync.countManagedGroupsByDirectory",
        query = "select count(g) from ManagedGroupEntity g where g.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.managedGroupBySourceName",
        query = "select g from ManagedGroupEntity g where g.directoryId = :directoryId and g.sourceNameFolded = :sourceNameFolded"),
    @NamedQuery(name = "dirsync.managedGroupByExternalId",
        query = "select g from ManagedGroupEntity g where g.directoryId = :directoryId and g.externalId = :externalId"),
    @NamedQuery(name = "dirsync.deleteManagedGroupsByRealm",
        query = "delete from ManagedGroupEntity g where g.realmId = :realmId")
})
public class ManagedGroupEntity {

    @Id
    @Column(name = "GROUP_ID", length = 36)
    private String groupId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    /** The group's name in the source ("Engineering"); the Keycloak name adds the directory suffix. */
    @Column(name = "SOURCE_NAME", length = 255, nullable = false)
    private String sourceName;

    /** Unique per directory (Entra requires unique display names). */
    @Column(name = "SOURCE_NAME_FOLDED", length = 255, nullable = false)
    private String sourceNameFolded;

    @Column(name = "EXTERNAL_ID", length = 255)
    private String externalId;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "LAST_MODIFIED", nullable = false)
    private long lastModified;

    /** Bumped on every membership or name change; the SCIM ETag. */
    @Column(name = "REVISION", nullable = false)
    private long revision;

    public String getGroupId() { return groupId; }
    public void setGroupId(String groupId) { this.groupId = groupId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getSourceName() { return sourceName; }
    public void setSourceName(String sourceName) { this.sourceName = sourceName; }
    public String getSourceNameFolded() { return sourceNameFolded; }
    public void setSourceNameFolded(String sourceNameFolded) { this.sourceNameFolded = sourceNameFolded; }
    public String getExternalId() { return externalId; }
    public void setExternalId(String externalId) { this.externalId = externalId; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getLastModified() { return lastModified; }
    public void setLastModified(long lastModified) { this.lastModified = lastModified; }
    public long getRevision() { return revision; }
    public void setRevision(long revision) { this.revision = revision; }
}
