package io.dirsync.admin.representation;

import java.util.List;

/** One page of pending enrollments, with how many match, so that the console can page. */
public record PendingEnrollmentPage(long count, List<PendingEnrollmentRepresentation> enrollments) {
}
