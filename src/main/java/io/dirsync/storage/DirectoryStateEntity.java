package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * What a directory's type keeps for itself beside the settings: its secrets (an Entra client secret) and the state a
 * pull source resumes from (Graph delta links). A row of its own, not columns of {@link DirectoryEntity}: a run writing
 * its state must not conflict with an admin saving the settings (the directory row is versioned), and secrets never
 * travel with the settings into a representation, an admin event or a log. Not part of Keycloak's realm export.
 */
@Entity
@Table(name = "DIRSYNC_DIRECTORY_STATE")
@NamedQueries({
    @NamedQuery(name = "dirsync.deleteStateByDirectory",
        query = "delete from DirectoryStateEntity s where s.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteStateByRealm",
        query = "delete from DirectoryStateEntity s where s.realmId = :realmId")
})
public class DirectoryStateEntity {

    @Id
    @Column(name = "DIRECTORY_ID", length = 36)
    private String directoryId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The type's secrets as a JSON object of names to values (plain text, as Keycloak keeps component secrets). */
    @Column(name = "SECRETS")
    private String secrets;

    /** Where the next incremental run starts (JSON, the type's own shape); null: the next run is a full one. */
    @Column(name = "SYNC_STATE")
    private String syncState;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getSecrets() { return secrets; }
    public void setSecrets(String secrets) { this.secrets = secrets; }
    public String getSyncState() { return syncState; }
    public void setSyncState(String syncState) { this.syncState = syncState; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
}
