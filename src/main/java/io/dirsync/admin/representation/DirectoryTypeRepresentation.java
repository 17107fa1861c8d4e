package io.dirsync.admin.representation;

import java.util.List;

/**
 * A directory type as the console's wizards need it: the name a new directory of it gets when the admin gives none
 * (numbered when the realm already has one of that name), whether it pulls from its source (schedules, Sync now),
 * whether it has admin groups (rule 12), its admin actions ({@code POST /directory-types/{id}/{action}}), whether it
 * has incremental pulls (Sync now offers them), and the source attributes its mappings offer.
 */
public record DirectoryTypeRepresentation(String id, String defaultName, boolean pull, boolean adminGroups,
                                          List<String> actions, boolean incremental, List<String> sources) {
}
