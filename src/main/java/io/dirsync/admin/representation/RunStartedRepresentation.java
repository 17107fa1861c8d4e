package io.dirsync.admin.representation;

/** The 202 answer of an on-demand sync still running after the wait: the run to follow at {@code runs/{id}}. */
public record RunStartedRepresentation(String id, String status, String message) {
}
