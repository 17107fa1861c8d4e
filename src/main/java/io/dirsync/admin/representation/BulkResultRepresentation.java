package io.dirsync.admin.representation;

import java.util.List;

/**
 * What a bulk operation on the trash did, user by user: each user is restored or deleted in its own transaction, so
 * one that fails is left exactly as it was and the others go through. {@code succeeded} lists the user ids done;
 * {@code failed} says for each other id the HTTP status its single-user call would have answered and why.
 */
public record BulkResultRepresentation(List<String> succeeded, List<Failure> failed) {

    /** A user the operation left as it was: the status its own request would get (404, 409, ...) and the reason. */
    public record Failure(String userId, int status, String error) {
    }
}
