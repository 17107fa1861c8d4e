package io.dirsync.storage;

/** What a run item or a status is about. Stored by name. */
public enum SubjectType {
    USER, GROUP
}
