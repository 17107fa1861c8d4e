package io.dirsync.engine;

import java.util.Locale;

/** SPEC §1: a directory is saved as draft until setup is completed, then active, and can be paused. */
public enum DirectoryStatus {
    DRAFT, ACTIVE, PAUSED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DirectoryStatus parse(String value) {
        for (DirectoryStatus s : values()) {
            if (s.id().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown directory status '" + value + "'");
    }
}
