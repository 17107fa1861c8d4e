package io.dirsync.login;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;

/** The authenticator {@code dirsync-directory-status} ({@link DirectoryStatusAuthenticator}). */
public class DirectoryStatusAuthenticatorFactory implements AuthenticatorFactory {

    public static final String ID = "dirsync-directory-status";

    private static final Requirement[] REQUIREMENTS = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Directory Sync: directory status";
    }

    @Override
    public String getHelpText() {
        return "Refuses users whose directory status is disabled (their own or a group's) or pending deletion, saying"
            + " why; lets active and bypass users go on. Place it after the step that identifies the user.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return DirectoryStatusAuthenticator.SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Realms whose login flow predates the Kerberos sub-flow's second factor get it without an admin acting.
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                LoginFlow.repairAll(factory);
            }
        });
    }

    @Override
    public void close() {
    }
}
