package io.dirsync.storage;

import jakarta.persistence.Converter;

/** Where a sync run is (rules 10 and 13): {@code running}, {@code completed}, {@code failed}, {@code held}. */
public enum RunStatus implements StoredId {
    RUNNING, COMPLETED, FAILED, HELD;

    /** The id, so that log lines and messages read as before ({@code completed}, not {@code COMPLETED}). */
    @Override
    public String toString() {
        return id();
    }

    @Converter
    public static class Column extends StoredId.Column<RunStatus> {
        public Column() {
            super(RunStatus.class);
        }
    }
}
