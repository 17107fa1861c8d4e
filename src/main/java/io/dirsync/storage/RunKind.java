package io.dirsync.storage;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** What a sync run covers: a pull's full, admin or single-user sync, or a day of a push source's requests. */
public enum RunKind {
    FULL, ADMIN, USER, PUSH;

    /** The name in reports, the API and the database: {@code full}, {@code admin}, {@code user}, {@code push}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The id, so that log lines and messages read as before ({@code full sync}, not {@code FULL sync}). */
    @Override
    public String toString() {
        return id();
    }

    /** The kind of this id, or null when there is none. */
    public static RunKind of(String id) {
        for (RunKind k : values()) {
            if (k.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return k;
            }
        }
        return null;
    }

    /** Stores the id. */
    @Converter
    public static class Column implements AttributeConverter<RunKind, String> {
        @Override
        public String convertToDatabaseColumn(RunKind kind) {
            return kind == null ? null : kind.id();
        }

        @Override
        public RunKind convertToEntityAttribute(String id) {
            return id == null ? null : of(id);
        }
    }
}
