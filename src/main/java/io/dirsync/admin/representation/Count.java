package io.dirsync.admin.representation;

/** A bare count (the trash badge), as an object so that fields can be added without breaking clients. */
public record Count(long count) {
}
