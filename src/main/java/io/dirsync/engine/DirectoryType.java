package io.dirsync.engine;

import java.util.Locale;

/** The kinds of source a directory can be (SPEC §3). */
public enum DirectoryType {
    SCIM, LDAP, ENTRA;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DirectoryType parse(String value) {
        if (value != null) {
            for (DirectoryType t : values()) {
                if (t.id().equalsIgnoreCase(value.trim())) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("Unknown directory type '" + value + "'; use one of scim, ldap, entra");
    }
}
