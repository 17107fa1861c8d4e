package io.dirsync.storage;

/** Where a managed user is in its directory's life (rule 7): in scope, or in the trash. Stored by name. */
public enum UserState {
    ACTIVE, TRASHED
}
