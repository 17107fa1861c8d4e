package io.dirsync.ldap;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;

/** Registers {@link DirectoryPasswordPolicy} as the password policy {@value DirectoryPasswordPolicy#ID}. */
public final class DirectoryPasswordPolicyFactory implements PasswordPolicyProviderFactory {

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return new DirectoryPasswordPolicy(session);
    }

    @Override
    public String getId() {
        return DirectoryPasswordPolicy.ID;
    }

    @Override
    public String getDisplayName() {
        return "Directory sync: passwords stay in the directory";
    }

    @Override
    public String getConfigType() {
        return null;
    }

    @Override
    public String getDefaultConfigValue() {
        return null;
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
