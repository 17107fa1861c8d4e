package io.dirsync.engine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

/** The directory types the server has, by id. */
public final class DirectoryTypes {

    private DirectoryTypes() {
    }

    /** The type of this id, or null when the server has none (e.g. the directory was made by a later version). */
    static DirectoryTypeFactory find(KeycloakSessionFactory factory, String id) {
        return id == null ? null
            : (DirectoryTypeFactory) factory.getProviderFactory(DirectoryTypeProvider.class, id.trim().toLowerCase(Locale.ROOT));
    }

    /** The type of this id; an unknown one is refused with the list of known ones. */
    public static DirectoryTypeFactory require(KeycloakSessionFactory factory, String id) {
        DirectoryTypeFactory type = find(factory, id);
        if (type == null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "Unknown directory type '" + id + "'; use one of " + String.join(", ", ids(factory)));
        }
        return type;
    }

    /** The type of this id, if this server has it. */
    public static Optional<DirectoryTypeFactory> byId(KeycloakSessionFactory factory, String id) {
        return Optional.ofNullable(find(factory, id));
    }

    public static List<String> ids(KeycloakSessionFactory factory) {
        return factory.getProviderFactoriesStream(DirectoryTypeProvider.class).map(ProviderFactory::getId).sorted().toList();
    }

    /** The type of a stored directory; a type the server lacks stands in as {@link MissingDirectoryType}. */
    static DirectoryTypeFactory of(KeycloakSessionFactory factory, String id) {
        DirectoryTypeFactory type = find(factory, id);
        return type != null ? type : new MissingDirectoryType(id);
    }

    /** The session-bound part of a directory's type. */
    public static DirectoryTypeProvider provider(KeycloakSession session, Directory directory) {
        DirectoryTypeProvider p = directory.type() instanceof MissingDirectoryType missing ? missing
            : session.getProvider(DirectoryTypeProvider.class, directory.type().getId());
        return p != null ? p : new MissingDirectoryType(directory.typeId());
    }
}
