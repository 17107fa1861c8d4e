package io.dirsync.engine;

/**
 * A rule of SPEC §2 refuses a change for one user or group. The run goes on; the message is meant for the
 * admin and names what to fix (the owning directory, the clashing user, the missing attribute).
 */
public class SyncConflictException extends RuntimeException {

    /** Exactly the message of SPEC rule 1 (and Duo's). */
    public static final String OWNED_BY_ANOTHER_DIRECTORY =
        "Cannot sync a user belonging to another directory sync unless that sync is paused";

    /** Why the change was refused, and the HTTP status every front door answers it with. */
    public enum Kind {
        /** Rule 1: the user belongs to another, unpaused directory. */
        OWNERSHIP(409),
        /** Rule 3: a username or alias is already used by another user. */
        UNIQUENESS(409),
        /** Rule 2: the same-named existing account is privileged and the directory may not claim it. */
        PRIVILEGED(409),
        /** The source record or the settings cannot be applied (missing username, invalid value). */
        INVALID(400),
        /** The subject does not exist (in this directory). */
        NOT_FOUND(404),
        /**
         * The subject's present state does not allow the change (a draft directory paused, a directory set up twice,
         * a sync while another runs): a conflict with its state rather than with another user's data.
         */
        STATE(409);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** 409 for a conflict with existing data or state, 400 for bad input, 404 for a missing subject. */
        public int httpStatus() {
            return httpStatus;
        }
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

    /** This refusal, naming {@code subject} for the run report when it names none yet. */
    public SyncConflictException about(String subject) {
        if (this.subject != null || subject == null) {
            return this;
        }
        SyncConflictException named = new SyncConflictException(kind, getMessage(), subject);
        named.setStackTrace(getStackTrace());
        return named;
    }
}
