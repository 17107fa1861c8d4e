package io.dirsync.engine;

import java.util.Locale;

/**
 * Rule 11: a user is active, bypass, disabled or pending deletion; a group is active, bypass or disabled.
 * {@link #PENDING_DELETION} is never stored: it is the trash.
 */
public enum SubjectStatus {
    ACTIVE("active"), BYPASS("bypass"), DISABLED("disabled"), PENDING_DELETION("pending deletion");

    private final String id;

    SubjectStatus(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The statuses an admin may set (pending deletion comes only from the trash). */
    public static SubjectStatus parseSettable(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (SubjectStatus s : new SubjectStatus[] {ACTIVE, BYPASS, DISABLED}) {
            if (s.id.equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown status '" + value + "'; use one of active, bypass, disabled");
    }

    public static SubjectStatus fromStored(String value) {
        if (value == null) {
            return ACTIVE;
        }
        for (SubjectStatus s : values()) {
            if (s.id.equals(value)) {
                return s;
            }
        }
        return ACTIVE;
    }
}
