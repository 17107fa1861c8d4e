package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One outcome within a run: a user or group created, updated, adopted, trashed, restored or failed. */
@Entity
@Table(name = "DIRSYNC_RUN_ITEM")
@NamedQueries({
    @NamedQuery(name = "dirsync.countItemsByTypeAndOutcome",
        query = "select i.subjectType, i.outcome, count(i) from SyncRunItemEntity i where i.runId = :runId"
            + " group by i.subjectType, i.outcome"),
    @NamedQuery(name = "dirsync.countItemsOfRuns",
        query = "select i.runId, i.subjectType, i.outcome, count(i) from SyncRunItemEntity i where i.runId in :runIds"
            + " group by i.runId, i.subjectType, i.outcome"),
    @NamedQuery(name = "dirsync.itemsOfRunWithOutcome",
        query = "select i from SyncRunItemEntity i where i.runId = :runId and i.outcome = :outcome order by i.at, i.id"),
    @NamedQuery(name = "dirsync.deleteItemsByDirectory",
        query = "delete from SyncRunItemEntity i where i.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteItemsByRealm",
        query = "delete from SyncRunItemEntity i where i.realmId = :realmId")
})
public class SyncRunItemEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "RUN_ID", length = 36, nullable = false)
    private String runId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    @Column(name = "OCCURRED_AT", nullable = false)
    private long at;

    @Column(name = "OUTCOME", length = 16, nullable = false)
    @Convert(converter = Outcome.Column.class)
    private Outcome outcome;

    @Column(name = "SUBJECT_TYPE", length = 8, nullable = false)
    @Enumerated(EnumType.STRING)
    private SubjectType subjectType;

    /** The username, group name or source entry the outcome is about. */
    @Column(name = "SUBJECT", length = 255)
    private String subject;

    @Column(name = "SUBJECT_ID", length = 36)
    private String subjectId;

    @Column(name = "MESSAGE", length = 1024)
    private String message;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRunId() { return runId; }
    public void setRunId(String runId) { this.runId = runId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public long getAt() { return at; }
    public void setAt(long at) { this.at = at; }
    public Outcome getOutcome() { return outcome; }
    public void setOutcome(Outcome outcome) { this.outcome = outcome; }
    public SubjectType getSubjectType() { return subjectType; }
    public void setSubjectType(SubjectType subjectType) { this.subjectType = subjectType; }
    public String getSubject() { return subject; }
    public void setSubject(String subject) { this.subject = subject; }
    public String getSubjectId() { return subjectId; }
    public void setSubjectId(String subjectId) { this.subjectId = subjectId; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
}
