package io.dirsync.storage;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;

/**
 * An enum stored, reported and shown in the API by its lower-case name ({@code full}, {@code completed},
 * {@code trashed}), so that the database keeps the values it always had and JSON reads as before.
 */
public interface StoredId {

    String name();

    /** The lower-case name. */
    default String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose id is {@code id} (ignoring case and surrounding blanks), or null when there is none. */
    static <E extends Enum<E> & StoredId> E of(Class<E> type, String id) {
        for (E e : type.getEnumConstants()) {
            if (e.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return e;
            }
        }
        return null;
    }

    /** Stores the id; an id no constant has is an error, not a silent null. */
    abstract class Column<E extends Enum<E> & StoredId> implements AttributeConverter<E, String> {

        private final Class<E> type;

        protected Column(Class<E> type) {
            this.type = type;
        }

        @Override
        public String convertToDatabaseColumn(E value) {
            return value == null ? null : value.id();
        }

        @Override
        public E convertToEntityAttribute(String id) {
            if (id == null) {
                return null;
            }
            E value = of(type, id);
            if (value == null) {
                throw new IllegalStateException("Unknown " + type.getSimpleName() + " '" + id + "' in the database");
            }
            return value;
        }
    }
}
