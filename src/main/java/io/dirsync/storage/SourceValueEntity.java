package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One value of a managed user's source document (the SCIM JSON a push client last sent), so that the database answers
 * a filter or sort on any attribute of it ({@code title}, {@code phoneNumbers.value}, an Enterprise or custom extension
 * attribute) instead of loading users. Kept in step with the document by {@link DirSyncStore#keepSourceDocument}.
 * {@code path} is the attribute's lower-cased path ({@code emails.type},
 * {@code urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department}); {@code element} numbers the elements
 * of a multi-valued attribute (the primary one first), so that a value filter such as
 * {@code emails[type eq "work" and value co "@corp"]} matches both within one element.
 */
@Entity
@Table(name = "DIRSYNC_SOURCE_VALUE")
@NamedQueries({
    @NamedQuery(name = "dirsync.sourcePathsOfDirectory",
        query = "select distinct v.schemaUrn, v.path from SourceValueEntity v where v.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteSourceValuesOfUser",
        query = "delete from SourceValueEntity v where v.userId = :userId"),
    @NamedQuery(name = "dirsync.deleteSourceValuesOfUserElement",
        query = "delete from SourceValueEntity v where v.userId = :userId and v.path = :path and v.element = :element"),
    @NamedQuery(name = "dirsync.updateSourceValueOfUserElement",
        query = "update SourceValueEntity v set v.schemaUrn = :schemaUrn, v.valueFolded = :valueFolded"
            + " where v.userId = :userId and v.path = :path and v.element = :element"),
    @NamedQuery(name = "dirsync.deleteSourceValuesByDirectory",
        query = "delete from SourceValueEntity v where v.directoryId = :directoryId"),
    @NamedQuery(name = "dirsync.deleteSourceValuesByRealm",
        query = "delete from SourceValueEntity v where v.realmId = :realmId")
})
public class SourceValueEntity {

    /** The longest value kept; longer values are compared on their first {@value} characters. */
    public static final int MAX_VALUE = 255;

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DIRECTORY_ID", length = 36, nullable = false)
    private String directoryId;

    @Column(name = "PATH", length = 255, nullable = false)
    private String path;

    @Column(name = "ELEMENT", nullable = false)
    private int element;

    /**
     * The extension schema URN the value sits under, as the client spelled it (the path holds it lower-cased), or
     * null for a core attribute: discovery declares the extensions clients send.
     */
    @Column(name = "SCHEMA_URN", length = 255)
    private String schemaUrn;

    /** The value lower-cased (SCIM compares attributes case-insensitively unless caseExact). */
    @Column(name = "VALUE_FOLDED", length = MAX_VALUE, nullable = false)
    private String valueFolded;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getDirectoryId() { return directoryId; }
    public void setDirectoryId(String directoryId) { this.directoryId = directoryId; }
    public String getPath() { return path; }
    public void setPath(String path) { this.path = path; }
    public int getElement() { return element; }
    public void setElement(int element) { this.element = element; }
    public String getSchemaUrn() { return schemaUrn; }
    public void setSchemaUrn(String schemaUrn) { this.schemaUrn = schemaUrn; }
    public String getValueFolded() { return valueFolded; }
    public void setValueFolded(String valueFolded) { this.valueFolded = valueFolded; }
}
