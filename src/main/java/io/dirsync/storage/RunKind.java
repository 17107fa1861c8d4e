package io.dirsync.storage;

import jakarta.persistence.Converter;

/**
 * What a sync run covers: a pull's full, admin or single-user sync, an incremental pull (the changes a source reports
 * since the last run, e.g. Graph delta queries), or a day of a push source's requests ({@code full}, {@code admin},
 * {@code user}, {@code incremental}, {@code push}).
 */
public enum RunKind implements StoredId {
    FULL, ADMIN, USER, PUSH, INCREMENTAL;

    /** The id, so that log lines and messages read as before ({@code full sync}, not {@code FULL sync}). */
    @Override
    public String toString() {
        return id();
    }

    /** The kind of this id, or null when there is none. */
    public static RunKind of(String id) {
        return StoredId.of(RunKind.class, id);
    }

    @Converter
    public static class Column extends StoredId.Column<RunKind> {
        public Column() {
            super(RunKind.class);
        }
    }
}
