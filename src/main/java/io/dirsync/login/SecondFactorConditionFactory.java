package io.dirsync.login;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** The condition {@code dirsync-condition-second-factor} ({@link SecondFactorCondition}). */
public class SecondFactorConditionFactory implements ConditionalAuthenticatorFactory {

    public static final String ID = "dirsync-condition-second-factor";

    private static final Requirement[] REQUIREMENTS = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Condition - directory status requires a second factor";
    }

    @Override
    public String getHelpText() {
        return "Matches unless the user's directory status is bypass (the user's own or one of its groups'): put it"
            + " first in a conditional sub-flow holding the second factor.";
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
    public ConditionalAuthenticator getSingleton() {
        return SecondFactorCondition.SINGLETON;
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
