package io.dirsync.engine;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI {@code dirsync-engine}: the rules engine, configured with {@code --spi-dirsync-engine--default--...}. */
public class DirSyncEngineSpi implements Spi {

    @Override public boolean isInternal() { return false; }
    @Override public String getName() { return "dirsync-engine"; }
    @Override public Class<? extends Provider> getProviderClass() { return DirectorySyncEngine.class; }
    @Override public Class<? extends ProviderFactory> getProviderFactoryClass() { return DirectorySyncEngineFactory.class; }
}
