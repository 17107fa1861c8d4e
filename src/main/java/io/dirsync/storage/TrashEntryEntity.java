package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A managed user pending deletion (rule 7). Primary key: the Keycloak user id. */
@Entity
@Table(name = "DIRSYNC_TRASH")
@NamedQueries({
    @NamedQuery(name = "dirsync.trashByRealm",
        query = "select t from TrashEntryEntity t where t.realmId = :realmId order by t.deleteAfter, t.userId"),
    @NamedQuery(name = "dirsync.countTrashByRealm",
        query = "select count(t) from TrashEntryEntity t where t.realmId = :realmId"),
    @NamedQuery(name = "dirsync.trashDue",
        query = "select t from TrashEntryEntity t where t.deleteAfter <= :now order by t.deleteAfter"),
    @NamedQuery(name = "dirsync.trashByDirectory",
        query = "select t from TrashEntryEntity t where t.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteTrashByRealm",
        query = "delete from TrashEntryEntity t where t.realmId = :realmId")
})
public class TrashEntryEntity {

    @Id
    @Column(name = "USER_ID", length = 36)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    @Column(name = "USERNAME", length = 255, nullable = false)
    private String username;

    @Column(name = "REASON", length = 64, nullable = false)
    private String reason;

    @Column(name = "ENTERED_AT", nullable = false)
    private long enteredAt;

    @Column(name = "DELETE_AFTER", nullable = false)
    private long deleteAfter;

    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public long getEnteredAt() { return enteredAt; }
    public void setEnteredAt(long enteredAt) { this.enteredAt = enteredAt; }
    public long getDeleteAfter() { return deleteAfter; }
    public void setDeleteAfter(long deleteAfter) { this.deleteAfter = deleteAfter; }
}
