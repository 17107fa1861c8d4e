package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A status set by an admin on a user or group (rule 11): {@code bypass} or {@code disabled}.
 * No row means {@code active}; {@code pending deletion} is derived from the trash.
 */
@Entity
@Table(name = "DIRSYNC_STATUS")
@NamedQueries({
    @NamedQuery(name = "dirsync.deleteStatusByRealm",
        query = "delete from SubjectStatusEntity s where s.realmId = :realmId"),
    @NamedQuery(name = "dirsync.statusesOfSubjects",
        query = "select s from SubjectStatusEntity s where s.subjectId in :subjectIds")
})
public class SubjectStatusEntity {

    @Id
    @Column(name = "SUBJECT_ID", length = 36)
    private String subjectId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SUBJECT_TYPE", length = 8, nullable = false)
    @Enumerated(EnumType.STRING)
    private SubjectType subjectType;

    @Column(name = "STATUS", length = 16, nullable = false)
    private String status;

    public String getSubjectId() { return subjectId; }
    public void setSubjectId(String subjectId) { this.subjectId = subjectId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public SubjectType getSubjectType() { return subjectType; }
    public void setSubjectType(SubjectType subjectType) { this.subjectType = subjectType; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
}
