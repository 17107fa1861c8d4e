package io.dirsync.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A login name of a managed user: its username (slot 0) or one of its aliases (slots 1-8).
 * The changelog puts a unique constraint on (REALM_ID, VALUE_FOLDED), so usernames and aliases share one
 * case-insensitive namespace per realm even under concurrent writers (rule 3).
 */
@Entity
@Table(name = "DIRSYNC_IDENTIFIER")
@NamedQueries({
    @NamedQuery(name = "dirsync.identifierByValue",
        query = "select i from IdentifierEntity i where i.realmId = :realmId and i.valueFolded = :valueFolded"),
    @NamedQuery(name = "dirsync.identifiersByUser",
        query = "select i from IdentifierEntity i where i.userId = :userId order by i.slot"),
    @NamedQuery(name = "dirsync.deleteIdentifiersByUser",
        query = "delete from IdentifierEntity i where i.userId = :userId"),
    @NamedQuery(name = "dirsync.deleteIdentifiersByRealm",
        query = "delete from IdentifierEntity i where i.realmId = :realmId")
})
public class IdentifierEntity {

    public static final int USERNAME_SLOT = 0;
    public static final int MAX_ALIASES = 8;

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    /** 0 = username, 1..8 = Username Alias 1..8. */
    @Column(name = "SLOT", nullable = false)
    private int slot;

    @Column(name = "IDENTIFIER", length = 255, nullable = false)
    private String value;

    @Column(name = "VALUE_FOLDED", length = 255, nullable = false)
    private String valueFolded;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public int getSlot() { return slot; }
    public void setSlot(int slot) { this.slot = slot; }
    public String getValue() { return value; }
    public void setValue(String value) { this.value = value; }
    public String getValueFolded() { return valueFolded; }
    public void setValueFolded(String valueFolded) { this.valueFolded = valueFolded; }
}
