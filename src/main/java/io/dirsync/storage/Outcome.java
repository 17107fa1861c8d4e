package io.dirsync.storage;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * What one sync step did to one user or group; the counts of a run report (rule 13). A user leaves through the trash
 * ({@code TRASHED}); a group its source deletes is {@code DELETED}. {@code HELD} is not done: a user a held run
 * (rule 10) would trash once an admin confirms. {@code WARNING} is said beside what was done: the record was applied
 * without something it carried (an invalid e-mail address).
 */
public enum Outcome {
    CREATED, UPDATED, ADOPTED, TRASHED, RESTORED, DELETED, UNCHANGED, FAILED, HELD, WARNING;

    /** The name in reports and the database: {@code created}, {@code failed}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether it is something a run did (counted in every report, zero included), not a step it holds back. */
    public boolean done() {
        return this != HELD && this != WARNING;
    }

    public static Outcome of(String id) {
        for (Outcome o : values()) {
            if (o.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return o;
            }
        }
        return null;
    }

    /** Stores the id. */
    @Converter
    public static class Column implements AttributeConverter<Outcome, String> {
        @Override
        public String convertToDatabaseColumn(Outcome outcome) {
            return outcome == null ? null : outcome.id();
        }

        @Override
        public Outcome convertToEntityAttribute(String id) {
            return id == null ? null : of(id);
        }
    }
}
