package io.dirsync.storage;

import jakarta.persistence.Converter;

/**
 * What one sync step did to one user or group; the counts of a run report (rule 13). A user leaves through the trash
 * ({@code TRASHED}); a group its source deletes is {@code DELETED}. {@code HELD} is not done: a user a held run
 * (rule 10) would trash once an admin confirms. {@code WARNING} is said beside what was done: the record was applied
 * without something it carried (an invalid e-mail address).
 */
public enum Outcome implements StoredId {
    CREATED, UPDATED, ADOPTED, TRASHED, RESTORED, DELETED, UNCHANGED, FAILED, HELD, WARNING;

    /** Whether it is something a run did (counted in every report, zero included), not a step it holds back. */
    public boolean done() {
        return this != HELD && this != WARNING;
    }

    @Converter
    public static class Column extends StoredId.Column<Outcome> {
        public Column() {
            super(Outcome.class);
        }
    }
}
