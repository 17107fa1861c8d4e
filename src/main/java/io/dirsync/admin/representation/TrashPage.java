package io.dirsync.admin.representation;

import java.util.List;

/** One page of the realm's trash, with the size of the whole trash so that the console can page. */
public record TrashPage(long count, List<TrashedUserRepresentation> users) {
}
