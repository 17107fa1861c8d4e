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
        /** Rule 2: the same-named existing account is privileged and the directory may not claim it. */
        PRIVILEGED,
        /** The source record cannot be applied (missing username, invalid value). */
        INVALID,
        /** The subject does not exist (in this directory). */
        NOT_FOUND
    }

    private final Kind kind;
    private final String subject;

    public SyncConflictException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** @param subject the user or group refused (its source name), for the run report; null when not known */
    public SyncConflictException(Kind kind, String message, String subject) {
        super(message);
        this.kind = kind;
        this.subject = subject;
    }

    public Kind getKind() {
        return kind;
    }

    public String getSubject() {
        return subject;
    }
}
