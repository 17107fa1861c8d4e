package io.dirsync.storage;

/** What a search orders its rows by (most significant first); ties end in creation order, then id. */
public sealed interface SortKey {

    record ByColumn(Condition.Column column) implements SortKey {
    }

    /**
     * A user's value at a path of its source document: its primary (else first) element's. Users without one sort as
     * the greatest value, on every database: last ascending, first descending.
     */
    record ByDocumentValue(String path) implements SortKey {
    }
}
