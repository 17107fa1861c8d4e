package io.dirsync.storage;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Where a sync run is (rules 10 and 13). */
public enum RunStatus {
    RUNNING, COMPLETED, FAILED, HELD;

    /** The name in reports, the API and the database: {@code running}, {@code completed}, {@code failed}, {@code held}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The id, so that log lines and messages read as before ({@code full sync}, not {@code FULL sync}). */
    @Override
    public String toString() {
        return id();
    }

    /** Stores the id. */
    @Converter
    public static class Column implements AttributeConverter<RunStatus, String> {
        @Override
        public String convertToDatabaseColumn(RunStatus status) {
            return status == null ? null : status.id();
        }

        @Override
        public RunStatus convertToEntityAttribute(String id) {
            if (id == null) {
                return null;
            }
            for (RunStatus s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            throw new IllegalStateException("Unknown run status '" + id + "'");
        }
    }
}
