package io.dirsync.profile;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

import io.dirsync.engine.DirectorySyncEngine;

/**
 * Rule 3 on the user-profile paths: a username or alias typed by an admin may not equal any other user's
 * username or alias (case-insensitive). Shares the engine's check, so the message names the other user.
 */
public class UniqueIdentifierValidator implements SimpleValidator {

    public static final String ID = "dirsync-unique-identifier";
    /** Validator option: 0 for the username, 1..8 for Username Alias 1..8. */
    public static final String SLOT = "slot";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        List<String> values = UserProfileSetup.normalise((List<String>) input, false);
        if (values.isEmpty()) {
            return context;
        }
        String value = values.get(0);
        KeycloakSession session = context.getSession();
        UserModel user = UserProfileAttributeValidationContext.from(context).getAttributeContext().getUser();
        if (user != null && value.equalsIgnoreCase(current(user, inputHint))) {
            return context; // unchanged: never block an unrelated edit
        }
        int slot = config.getIntOrDefault(SLOT, 0);
        DirectorySyncEngine.of(session).identifiers()
            .clash(session.getContext().getRealm(), user == null ? null : user.getId(), slot, value)
            .ifPresent(message -> context.addError(
                new ValidationError(ID, inputHint, message).setStatusCode(Response.Status.CONFLICT)));
        return context;
    }

    private static String current(UserModel user, String attribute) {
        return "username".equals(attribute) ? user.getUsername() : user.getFirstAttribute(attribute);
    }
}
