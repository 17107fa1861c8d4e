package io.dirsync.admin.representation;

/**
 * The login policy's browser flow in a realm: its alias, whether a flow of that alias exists, and whether it is the
 * realm's browser flow.
 */
public record LoginFlowRepresentation(String alias, boolean installed, boolean bound) {
}
