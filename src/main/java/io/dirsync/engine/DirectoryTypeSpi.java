package io.dirsync.engine;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI {@code dirsync-directory-type}: one provider per kind of directory ({@code scim}, {@code ldap}, ...), each in its
 * own package. The engine and the admin API reach a type only through it, so that a new source is a new provider and
 * no code outside its package branches on the type.
 */
public class DirectoryTypeSpi implements Spi {

    public static final String NAME = "dirsync-directory-type";

    @Override public boolean isInternal() { return false; }
    @Override public String getName() { return NAME; }
    @Override public Class<? extends Provider> getProviderClass() { return DirectoryTypeProvider.class; }
    @Override public Class<? extends ProviderFactory> getProviderFactoryClass() { return DirectoryTypeFactory.class; }
}
