package io.dirsync.profile;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.requiredactions.VerifyUserProfile;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.userprofile.validator.AttributeRequiredByMetadataValidator;

import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.Guards;

/**
 * Keycloak's "Verify Profile" required action ({@code VERIFY_PROFILE}), except that a directory user is never asked for a
 * value its directory owns. Replaces Keycloak's own provider of that id (same id, higher {@link #order()}); every realm
 * keeps its required action, its user profile and its settings as they are.
 *
 * <p>Why: a realm's user profile requires {@code email} (and {@code firstName}, {@code lastName}) for role {@code user} by
 * default. At every sign-in, Keycloak's {@code VerifyUserProfile#evaluateTriggers} validates the user's profile in context
 * {@code UPDATE_PROFILE}; a missing required value fails {@code AttributeRequiredByMetadataValidator} and the sign-in stops
 * at the update-profile page (browser) or at "Account is not fully set up" (direct grant). Keycloak skips that check for
 * attributes the profile marks read-only (as for users of a read-only LDAP provider), but rule 4 makes a directory's
 * mapped attributes read-only through a validator ({@link ReadOnlySyncedAttributeValidator}), which Keycloak does not
 * see, and the only per-user hook into the profile ({@code UserProfileDecorator}) is asked only for the provider of the
 * user's own federation link: never for SCIM users (no link), nor for LDAP users (linked to Keycloak's LDAP provider).
 * The required flag cannot say "unless managed" either: {@code UPAttributeRequired} knows roles ({@code user},
 * {@code admin}: contexts, not the user) and requested scopes only.
 *
 * <p>So the rule is applied here, where the question is asked: a profile whose only failures are missing values of
 * attributes rule 4 makes read-only for this user ({@link Guards#readOnlyReason}, so it follows the owner directory's
 * current mappings, with nothing to undo when they change) passes, as Keycloak passes a read-only attribute. Anything
 * else (a local user, an unmapped attribute, a present but invalid or duplicate e-mail) goes through Keycloak's action
 * unchanged.
 */
public class DirectoryUserVerifyProfile extends VerifyUserProfile {

    /** Higher than Keycloak's own provider of the same id (0), so that this one is used. */
    @Override
    public int order() {
        return 1;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        if (missesOnlyWhatItsDirectoryOwns(context)) {
            context.getAuthenticationSession().removeRequiredAction(getId());
            context.getUser().removeRequiredAction(getId());
            return;
        }
        super.evaluateTriggers(context);
    }

    /** Also when an admin set the action on the user, or it was set before the user's directory sent its values. */
    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (missesOnlyWhatItsDirectoryOwns(context)) {
            context.success();
            return;
        }
        super.requiredActionChallenge(context);
    }

    /**
     * Whether the user's profile fails only by missing values of attributes its directory owns. A valid profile answers
     * false too: Keycloak's own action then finds it valid.
     */
    static boolean missesOnlyWhatItsDirectoryOwns(RequiredActionContext context) {
        UserModel user = context.getUser();
        try {
            context.getSession().getProvider(UserProfileProvider.class).create(UserProfileContext.UPDATE_PROFILE, user)
                .validate();
            return false;
        } catch (ValidationException invalid) {
            Guards guards = DirectorySyncEngine.of(context.getSession()).guards();
            return invalid.getErrors().stream().allMatch(error ->
                AttributeRequiredByMetadataValidator.ERROR_USER_ATTRIBUTE_REQUIRED.equals(error.getMessage())
                    && guards.readOnlyReason(user, error.getAttribute()).isPresent());
        }
    }
}
