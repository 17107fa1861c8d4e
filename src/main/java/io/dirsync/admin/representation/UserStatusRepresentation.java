package io.dirsync.admin.representation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A user as directory sync sees it: its own status (rule 11), its effective status at sign-in (through its groups:
 * disabled over pending deletion over bypass over active), owning directory (null when unmanaged), the attributes an
 * admin may not edit (rule 4; {@code *} while trashed) and, only while trashed, when it is deleted for good.
 */
public record UserStatusRepresentation(String id, String username, String status, String effectiveStatus,
                                       boolean enabled, DirectoryRef directory, List<String> lockedAttributes,
                                       @JsonInclude(JsonInclude.Include.NON_NULL) Long deleteAfter) {

    /** The directory that owns the user. */
    public record DirectoryRef(String id, String name, String type) {
    }
}
