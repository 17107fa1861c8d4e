package io.dirsync.storage;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers the extension's entities and Liquibase changelog with Keycloak's persistence unit. */
public class DirSyncJpaEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String ID = "dirsync-jpa";

    private static final List<Class<?>> ENTITIES = List.of(
        DirectoryEntity.class, ManagedUserEntity.class, IdentifierEntity.class, ManagedGroupEntity.class,
        SubjectStatusEntity.class, SourceValueEntity.class, SyncRunEntity.class, SyncRunItemEntity.class,
        ScimTokenEntity.class, EnrollmentEntity.class, DirectoryStateEntity.class,
        PurgeRunEntity.class);

    @Override public JpaEntityProvider create(KeycloakSession session) { return this; }
    @Override public List<Class<?>> getEntities() { return ENTITIES; }
    @Override public String getChangelogLocation() { return "META-INF/dirsync-changelog.xml"; }
    @Override public String getFactoryId() { return ID; }
    @Override public String getId() { return ID; }
    @Override public void init(Config.Scope config) { }
    @Override public void postInit(KeycloakSessionFactory factory) { }
    @Override public void close() { }
}
