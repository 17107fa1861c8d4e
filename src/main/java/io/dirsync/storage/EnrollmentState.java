package io.dirsync.storage;

import jakarta.persistence.Converter;

/**
 * Where a user stands with its enrollment e-mails (SPEC §4): {@code pending} (a cycle of link and reminders runs),
 * {@code enrolled} (the user has a second factor: the cycle ended), {@code excluded} (not eligible, with the reason;
 * looked at again when its directory changes the user), {@code deleted} (an admin deleted the pending enrollment: its
 * link is dead, and the directory's next sync starts a new cycle if the user is still eligible).
 */
public enum EnrollmentState implements StoredId {
    PENDING, ENROLLED, EXCLUDED, DELETED;

    @Override
    public String toString() {
        return id();
    }

    @Converter
    public static class Column extends StoredId.Column<EnrollmentState> {
        public Column() {
            super(EnrollmentState.class);
        }
    }
}
