package io.dirsync.engine;

/**
 * A rule of SPEC §2 refuses a change for one user or group. The run goes on; the message is meant for the
 * admin and names what to fix (the owning directory, the clashing user, the missing attribute).
 */
public class SyncConflictException extends RuntimeException {

    /** Exactly the message of SPEC rule 1 (and Duo's). */
    public static final String OWNED_BY_ANOTHER_DIRECTORY =
        "Cannot sync a user belonging to another directory sync unless that sync is paused";

    public enum Kind {
        /** Rule 1: the user belongs to another, unpaused directory. */
        OWNERSHIP,
        /** Rule 3: a username or alias is already used by another user. */
        UNIQUENESS,
        /** The source record cannot be applied (missing username, invalid value). */
        INVALID,
        /** The subject does not exist (in this directory). */
        NOT_FOUND
    }

    private final Kind kind;

    public SyncConflictException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind getKind() {
        return kind;
    }
}
