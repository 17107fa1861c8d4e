package io.dirsync.ldap;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Holds the LDAP sync scheduler's settings ({@code --spi-dirsync-ldap--default--tick-seconds}). */
public class LdapSchedulerSpi implements Spi {

    /** No per-session work: the provider only exists for its factory's start-up hook and options. */
    public interface LdapScheduler extends Provider {
    }

    @Override
    public boolean isInternal() {
        return true;
    }

    @Override
    public String getName() {
        return "dirsync-ldap";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return LdapScheduler.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return LdapSchedulerFactory.class;
    }
}
