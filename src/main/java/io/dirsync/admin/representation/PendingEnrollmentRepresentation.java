package io.dirsync.admin.representation;

/**
 * A pending enrollment (SPEC §4, seed 001's Pending Enrollments table): the user, the address its link went to, the
 * directory, when it was queued and sent, when the link expires, the reminders sent, when the job acts next, and the
 * last sending error (an SMTP failure is retried at the next tick and shown here). Times are epoch milliseconds;
 * {@code sentAt}/{@code expiresAt} are null while the first mail is queued.
 */
public record PendingEnrollmentRepresentation(String id, String userId, String username, String email, String directoryId,
                                              String directoryName, long queuedAt, Long sentAt, Long expiresAt,
                                              int remindersSent, Long nextActionAt, String lastError, Long lastErrorAt) {
}
