package io.dirsync.storage;

/** What a run item or an admin status is about. Stored by name ({@code USER}, {@code GROUP}), as in reports. */
public enum SubjectType {
    USER, GROUP
}
