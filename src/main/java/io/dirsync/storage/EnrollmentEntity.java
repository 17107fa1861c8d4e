package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A synced user's enrollment e-mails (SPEC §4): one row per user, whose cycle is {@code cycle}: the link sent at
 * {@code sentAt} to {@code email} expires at {@code expiresAt}; {@code reminders} were sent since; the job acts again at
 * {@code nextAt}. The link itself is never stored: it is derived from the row and secrets (enrollment/EnrollmentLinks),
 * so that Resend sends the same link and a database dump alone yields none.
 */
@Entity
@Table(name = "DIRSYNC_ENROLLMENT")
@NamedQueries({
    @NamedQuery(name = "dirsync.enrollmentOfUser",
        query = "select e from EnrollmentEntity e where e.userId = :userId"),
    @NamedQuery(name = "dirsync.enrollmentsDue",
        query = "select e.id from EnrollmentEntity e where e.state = :state and e.nextAt <= :now order by e.nextAt"),
    @NamedQuery(name = "dirsync.enrollmentsOfDirectoryInState",
        query = "select e.id from EnrollmentEntity e where e.directoryId = :directoryId and e.state = :state"),
    @NamedQuery(name = "dirsync.usersWithoutEnrollment",
        query = "select m.userId from ManagedUserEntity m where m.directoryId = :directoryId and m.trashedAt is null"
            + " and m.sourceActive = true and not exists (select e.id from EnrollmentEntity e where e.userId = m.userId)"
            + " order by m.userId"),
    @NamedQuery(name = "dirsync.deleteEnrollmentsByDirectory",
        query = "delete from EnrollmentEntity e where e.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteEnrollmentsByRealm",
        query = "delete from EnrollmentEntity e where e.realmId = :realmId"),
    @NamedQuery(name = "dirsync.deleteEnrollmentOfUser",
        query = "delete from EnrollmentEntity e where e.userId = :userId")
})
public class EnrollmentEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    @Column(name = "USER_ID", length = 36, nullable = false, unique = true)
    private String userId;

    @Column(name = "STATE", length = 16, nullable = false)
    @Convert(converter = EnrollmentState.Column.class)
    private EnrollmentState state;

    /** Why the user gets no e-mail ({@code excluded}), or null. */
    @Column(name = "REASON", length = 255)
    private String reason;

    /** The address of this cycle's link: reminders and Resend go there even if the user's e-mail changed since. */
    @Column(name = "EMAIL", length = 255)
    private String email;

    @Column(name = "CYCLE", nullable = false)
    private int cycle;

    @Column(name = "QUEUED_AT", nullable = false)
    private long queuedAt;

    @Column(name = "SENT_AT")
    private Long sentAt;

    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    @Column(name = "REMINDERS", nullable = false)
    private int reminders;

    /** When the job acts next (first send, reminder, new link), or null when nothing is due ({@code pending} only). */
    @Column(name = "NEXT_AT")
    private Long nextAt;

    @Column(name = "LAST_ERROR", length = 1000)
    private String lastError;

    @Column(name = "LAST_ERROR_AT")
    private Long lastErrorAt;

    @Version
    @Column(name = "VERSION")
    private int version;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public EnrollmentState getState() { return state; }
    public void setState(EnrollmentState state) { this.state = state; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getEmail() { return email; }
    public void setEmail(String email) { this.email = email; }
    public int getCycle() { return cycle; }
    public void setCycle(int cycle) { this.cycle = cycle; }
    public long getQueuedAt() { return queuedAt; }
    public void setQueuedAt(long queuedAt) { this.queuedAt = queuedAt; }
    public Long getSentAt() { return sentAt; }
    public void setSentAt(Long sentAt) { this.sentAt = sentAt; }
    public Long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Long expiresAt) { this.expiresAt = expiresAt; }
    public int getReminders() { return reminders; }
    public void setReminders(int reminders) { this.reminders = reminders; }
    public Long getNextAt() { return nextAt; }
    public void setNextAt(Long nextAt) { this.nextAt = nextAt; }
    public String getLastError() { return lastError; }
    public void setLastError(String lastError) { this.lastError = lastError; }
    public Long getLastErrorAt() { return lastErrorAt; }
    public void setLastErrorAt(Long lastErrorAt) { this.lastErrorAt = lastErrorAt; }
}
