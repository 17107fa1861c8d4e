package io.dirsync.profile;

import java.util.List;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

import io.dirsync.engine.DirSyncEvent;
import io.dirsync.engine.DirectorySyncEngine;

/**
 * Rule 4 on the user-profile paths (admin console, Admin REST API, account console): a value a directory
 * syncs cannot be changed by hand. The error names the owning directory. Unchanged values always pass, so
 * an edit of another attribute is never blocked.
 */
public class ReadOnlySyncedAttributeValidator implements SimpleValidator {

    public static final String ID = "dirsync-read-only";

    @Override
    public String getId() {
        return ID;
    }

    /** The realm's user profile follows each directory's mappings ({@link UserProfileSetup#onDirectorySaved}). */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof DirSyncEvent.DirectorySaved saved) {
                UserProfileSetup.onDirectorySaved(saved);
            }
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        UserModel user = UserProfileAttributeValidationContext.from(context).getAttributeContext().getUser();
        if (user == null) {
            return context; // a new user is not managed yet
        }
        boolean caseInsensitive = "username".equals(inputHint) || "email".equals(inputHint);
        List<String> submitted = UserProfileSetup.normalise((List<String>) input, caseInsensitive);
        List<String> current = UserProfileSetup.normalise(currentValues(user, inputHint), caseInsensitive);
        if (submitted.equals(current)) {
            return context;
        }
        DirectorySyncEngine.of(context.getSession()).guards().readOnlyReason(user, inputHint)
            .ifPresent(reason -> context.addError(new ValidationError(ID, inputHint, reason)));
        return context;
    }

    private static List<String> currentValues(UserModel user, String attribute) {
        return switch (attribute) {
            case "username" -> java.util.Collections.singletonList(user.getUsername());
            case "email" -> java.util.Collections.singletonList(user.getEmail());
            case "firstName" -> java.util.Collections.singletonList(user.getFirstName());
            case "lastName" -> java.util.Collections.singletonList(user.getLastName());
            default -> user.getAttributeStream(attribute).toList();
        };
    }
}
