package io.dirsync.engine;

import java.util.Locale;

/**
 * What one sync step did to one user or group; the counts of a run report (rule 13). A user leaves through the trash
 * ({@code TRASHED}); a group its source deletes is {@code DELETED}.
 */
public enum Outcome {
    CREATED, UPDATED, ADOPTED, TRASHED, RESTORED, DELETED, UNCHANGED, FAILED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
