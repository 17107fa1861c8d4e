package io.dirsync.admin.representation;

/** What Resend all did: mails sent, and mails that failed (their error is on each pending enrollment). */
public record ResentRepresentation(int sent, int failed) {
}
