package io.dirsync.engine;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Stands in for a directory type this server does not have (its provider was removed, or a later version made the
 * directory): the directory still lists and can be deleted, but not changed.
 */
final class MissingDirectoryType implements DirectoryTypeFactory, DirectoryTypeProvider {

    private final String id;

    MissingDirectoryType(String id) {
        this.id = id;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public DirectoryTypeProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String defaultName() {
        return "New directory";
    }

    @Override
    public String groupLabel(Directory directory) {
        return id;
    }

    @Override
    public List<AttributeMapping> requiredMappings(Directory directory) {
        return List.of();
    }

    @Override
    public List<String> offeredSources() {
        return List.of();
    }

    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        throw new SyncConflictException(SyncConflictException.Kind.INVALID,
            "Directories of type '" + id + "' cannot be changed: this server has no such directory type");
    }

    @Override
    public void close() {
    }
}
