package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One sync run (rule 13): a pull (full, admin, single user) or one day of pushes from a SCIM client.
 * Outcome counts other than "unchanged" are derived from the run's items, so concurrent pushes never
 * contend on this row.
 */
@Entity
@Table(name = "DIRSYNC_RUN")
@NamedQueries({
    // Newest first. Ordering by the (fixed) directory too is what lets H2 read the page off IDX_DIRSYNC_RUN_HISTORY in
    // its order instead of sorting every run of the directory (H2 matches an ORDER BY against an index from its first
    // column on); PostgreSQL reads that index either way.
    @NamedQuery(name = "dirsync.runsByDirectory",
        query = "select r from SyncRunEntity r where r.directoryId = :directoryId"
            + " order by r.directoryId, r.startedAt desc, r.id desc"),
    @NamedQuery(name = "dirsync.countRunsByDirectory",
        query = "select count(r) from SyncRunEntity r where r.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.runProgress",
        query = "update SyncRunEntity r set r.progressRead = :read, r.progressApplied = :applied,"
            + " r.progressFailed = :failed, r.progressPage = :page, r.progressAt = :at where r.id = :id"),
    // A pull's heartbeat, written by the node running it (SyncRuns#beat); only rows still running are touched.
    @NamedQuery(name = "dirsync.runHeartbeat",
        query = "update SyncRunEntity r set r.heartbeatAt = :at where r.id in :ids and r.status = :running"),
    // Running pulls whose node stopped beating; push runs (no heartbeat) never match. Read along IDX_DIRSYNC_RUN_BEAT.
    @NamedQuery(name = "dirsync.staleRuns",
        query = "select r from SyncRunEntity r where r.status = :running and r.heartbeatAt < :before"),
    // Closes one stale run unless its heartbeat came in meanwhile (the row lock orders it against SyncRuns#beat).
    @NamedQuery(name = "dirsync.closeStaleRun",
        query = "update SyncRunEntity r set r.status = :failed, r.endedAt = :at, r.message = :message"
            + " where r.id = :id and r.status = :running and r.heartbeatAt < :before"),
    @NamedQuery(name = "dirsync.pushRunOfDay",
        query = "select r from SyncRunEntity r where r.directoryId = :directoryId and r.pushDay = :pushDay"),
    @NamedQuery(name = "dirsync.deleteRunsByDirectory",
        query = "delete from SyncRunEntity r where r.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteRunsByRealm",
        query = "delete from SyncRunEntity r where r.realmId = :realmId")
})
public class SyncRunEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    /** push, full, admin, user. */
    @Column(name = "KIND", length = 16, nullable = false)
    @Convert(converter = RunKind.Column.class)
    private RunKind kind;

    /** running, completed, failed, held. */
    @Column(name = "STATUS", length = 16, nullable = false)
    @Convert(converter = RunStatus.Column.class)
    private RunStatus status;

    /** For push runs: the UTC day (yyyy-MM-dd) the run collects; unique per directory. */
    @Column(name = "PUSH_DAY", length = 10)
    private String pushDay;

    @Column(name = "STARTED_AT", nullable = false)
    private long startedAt;

    @Column(name = "ENDED_AT")
    private Long endedAt;

    @Column(name = "UNCHANGED_COUNT", nullable = false)
    private int unchangedCount;

    @Column(name = "MESSAGE", length = 1024)
    private String message;

    /*
     * A pull run's progress, written as it goes (a page at a time) so that another request or node sees how far a long
     * run is: entries read from the source, applied, failed, the page it is on, and when this was written. Null for
     * runs that report none (a day's pushes).
     */
    @Column(name = "PROGRESS_READ")
    private Long progressRead;

    @Column(name = "PROGRESS_APPLIED")
    private Long progressApplied;

    @Column(name = "PROGRESS_FAILED")
    private Long progressFailed;

    @Column(name = "PROGRESS_PAGE")
    private Integer progressPage;

    @Column(name = "PROGRESS_AT")
    private Long progressAt;

    /**
     * The Keycloak node running a pull (its Infinispan node name, as Keycloak logs it at start), and when that node last
     * said the run is alive (the server's wall clock, not Keycloak's test offset: moving the clock in a test never makes
     * a live run look dead). Null for push runs and for runs opened before 0.6.0.
     */
    @Column(name = "NODE", length = 255)
    private String node;

    @Column(name = "HEARTBEAT_AT")
    private Long heartbeatAt;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public RunKind getKind() { return kind; }
    public void setKind(RunKind kind) { this.kind = kind; }
    public RunStatus getStatus() { return status; }
    public void setStatus(RunStatus status) { this.status = status; }
    public String getPushDay() { return pushDay; }
    public void setPushDay(String pushDay) { this.pushDay = pushDay; }
    public long getStartedAt() { return startedAt; }
    public void setStartedAt(long startedAt) { this.startedAt = startedAt; }
    public Long getEndedAt() { return endedAt; }
    public void setEndedAt(Long endedAt) { this.endedAt = endedAt; }
    public int getUnchangedCount() { return unchangedCount; }
    public void setUnchangedCount(int unchangedCount) { this.unchangedCount = unchangedCount; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public Long getProgressRead() { return progressRead; }
    public void setProgressRead(Long progressRead) { this.progressRead = progressRead; }
    public Long getProgressApplied() { return progressApplied; }
    public void setProgressApplied(Long progressApplied) { this.progressApplied = progressApplied; }
    public Long getProgressFailed() { return progressFailed; }
    public void setProgressFailed(Long progressFailed) { this.progressFailed = progressFailed; }
    public Integer getProgressPage() { return progressPage; }
    public void setProgressPage(Integer progressPage) { this.progressPage = progressPage; }
    public String getNode() { return node; }
    public void setNode(String node) { this.node = node; }
    public Long getHeartbeatAt() { return heartbeatAt; }
    public void setHeartbeatAt(Long heartbeatAt) { this.heartbeatAt = heartbeatAt; }
    public Long getProgressAt() { return progressAt; }
    public void setProgressAt(Long progressAt) { this.progressAt = progressAt; }
}
