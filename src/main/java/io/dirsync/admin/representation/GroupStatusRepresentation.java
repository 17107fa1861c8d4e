package io.dirsync.admin.representation;

/** A group as directory sync sees it: status (rule 11) and the directory managing it (null when none). */
public record GroupStatusRepresentation(String id, String name, String status, DirectoryRef directory) {

    /** The directory that manages the group. */
    public record DirectoryRef(String id, String name) {
    }
}
