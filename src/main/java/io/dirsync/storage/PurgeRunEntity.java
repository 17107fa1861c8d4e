package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One run of the trash purge in one realm (rule 7): which period of the purge interval it covers, the node that ran
 * it, when, how many users it deleted for good and how it ended. A table of its own rather than a kind of
 * {@link SyncRunEntity}: a purge belongs to a realm, not to a directory, and runs every hour, which would bury a
 * directory's sync history; and its period is unique per realm (UK_DIRSYNC_PURGE_PERIOD), the database's last word
 * that no period is purged twice.
 */
@Entity
@Table(name = "DIRSYNC_PURGE_RUN")
@NamedQueries({
    @NamedQuery(name = "dirsync.purgeRunOfPeriod",
        query = "select p from PurgeRunEntity p where p.realmId = :realmId and p.periodStart = :periodStart"),
    @NamedQuery(name = "dirsync.realmsPurgedInPeriod",
        query = "select p.realmId from PurgeRunEntity p where p.periodStart = :periodStart"),
    @NamedQuery(name = "dirsync.purgeRunsOfRealm",
        query = "select p from PurgeRunEntity p where p.realmId = :realmId order by p.periodStart desc, p.id desc"),
    @NamedQuery(name = "dirsync.deletePurgeRunsBefore",
        query = "delete from PurgeRunEntity p where p.realmId = :realmId and p.periodStart < :before"),
    @NamedQuery(name = "dirsync.deletePurgeRunsByRealm",
        query = "delete from PurgeRunEntity p where p.realmId = :realmId")
})
public class PurgeRunEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The start of the purge interval this run covers (Keycloak's clock, a multiple of the interval). */
    @Column(name = "PERIOD_START", nullable = false)
    private long periodStart;

    /** The Keycloak node that ran it. */
    @Column(name = "NODE", length = 255)
    private String node;

    /** running, completed, failed. */
    @Column(name = "STATUS", length = 16, nullable = false)
    @Convert(converter = RunStatus.Column.class)
    private RunStatus status;

    @Column(name = "STARTED_AT", nullable = false)
    private long startedAt;

    @Column(name = "ENDED_AT")
    private Long endedAt;

    @Column(name = "DELETED_COUNT", nullable = false)
    private int deletedCount;

    @Column(name = "MESSAGE", length = 1024)
    private String message;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public long getPeriodStart() { return periodStart; }
    public void setPeriodStart(long periodStart) { this.periodStart = periodStart; }
    public String getNode() { return node; }
    public void setNode(String node) { this.node = node; }
    public RunStatus getStatus() { return status; }
    public void setStatus(RunStatus status) { this.status = status; }
    public long getStartedAt() { return startedAt; }
    public void setStartedAt(long startedAt) { this.startedAt = startedAt; }
    public Long getEndedAt() { return endedAt; }
    public void setEndedAt(Long endedAt) { this.endedAt = endedAt; }
    public int getDeletedCount() { return deletedCount; }
    public void setDeletedCount(int deletedCount) { this.deletedCount = deletedCount; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
}
