package io.dirsync.profile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

import io.dirsync.engine.DirSyncEvent;
import io.dirsync.storage.DirSyncStore;

/**
 * Puts the directory-sync rules into a realm's user profile: the Username Alias 1..8 attributes, the
 * uniqueness validator on usernames and aliases (rule 3), the read-only validator on every attribute a
 * directory maps (rule 4), and any new attribute a mapping targets. Idempotent; only saves when it changes.
 * It never changes whether an attribute is required: a directory user is not asked for a missing value its directory
 * owns by {@link DirectoryUserVerifyProfile}, at sign-in, so the realm keeps requiring it from local users.
 */
public final class UserProfileSetup {

    private UserProfileSetup() {
    }

    /** A directory was created or changed: its mapped attributes exist in the realm's user profile and are guarded. */
    static void onDirectorySaved(DirSyncEvent.DirectorySaved saved) {
        ensure(saved.session(), saved.realm(), saved.directory().mappedAttributes());
    }

    public static void ensure(KeycloakSession session, RealmModel realm, Set<String> mappedAttributes) {
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            UserProfileProvider provider = session.getProvider(UserProfileProvider.class);
            UPConfig config = provider.getConfiguration();
            String before = config.toString();
            for (int slot = 1; slot <= DirSyncStore.ALIAS_ATTRIBUTES.size(); slot++) {
                UPAttribute alias = attribute(config, "alias" + slot, "Username Alias " + slot);
                addValidation(alias, UniqueIdentifierValidator.ID, Map.of(UniqueIdentifierValidator.SLOT, slot));
                addValidation(alias, "length", Map.of("max", 255));
            }
            addValidation(config.getAttribute("username"), UniqueIdentifierValidator.ID, Map.of(UniqueIdentifierValidator.SLOT, 0));
            for (String name : mappedAttributes) {
                UPAttribute attr = config.getAttribute(name);
                if (attr == null) {
                    attr = attribute(config, name, name);
                }
                addValidation(attr, ReadOnlySyncedAttributeValidator.ID, Map.of());
            }
            for (String name : DirSyncStore.ALIAS_ATTRIBUTES) {
                addValidation(config.getAttribute(name), ReadOnlySyncedAttributeValidator.ID, Map.of());
            }
            // Attributes earlier versions guarded for other directories of the realm get their annotations map too.
            for (UPAttribute attr : config.getAttributes()) {
                if (attr.getAnnotations() == null && attr.getValidations() != null
                        && (attr.getValidations().containsKey(ReadOnlySyncedAttributeValidator.ID)
                            || attr.getValidations().containsKey(UniqueIdentifierValidator.ID))) {
                    attr.setAnnotations(new HashMap<>());
                }
            }
            if (!before.equals(config.toString())) {
                provider.setConfiguration(config);
            }
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /**
     * The attribute, added as the admin console adds one when missing. Its {@code annotations} map is never null:
     * Keycloak's own SCIM server (26.7) reads it on every attribute and answered 500 to every user create while an
     * attribute we had added had none; realms set up by earlier versions are repaired here.
     */
    private static UPAttribute attribute(UPConfig config, String name, String displayName) {
        UPAttribute attr = config.getAttribute(name);
        if (attr == null) {
            attr = new UPAttribute(name, new UPAttributePermissions(Set.of("admin", "user"), Set.of("admin")));
            attr.setDisplayName(displayName);
            attr.setMultivalued(false);
            config.addOrReplaceAttribute(attr);
        }
        if (attr.getAnnotations() == null) {
            attr.setAnnotations(new HashMap<>());
        }
        return attr;
    }

    private static void addValidation(UPAttribute attr, String validator, Map<String, Object> validatorConfig) {
        if (attr == null) {
            return;
        }
        if (attr.getAnnotations() == null) {
            attr.setAnnotations(new HashMap<>());
        }
        Map<String, Map<String, Object>> validations = attr.getValidations() == null
            ? new HashMap<>() : new HashMap<>(attr.getValidations());
        if (!validations.containsKey(validator)) {
            validations.put(validator, new HashMap<>(validatorConfig));
            attr.setValidations(validations);
        }
    }

    /** Normalised values for comparison: trimmed, blanks dropped, empty list = no value. */
    static List<String> normalise(List<String> values, boolean caseInsensitive) {
        if (values == null) {
            return List.of();
        }
        return values.stream().filter(v -> v != null && !v.isBlank())
            .map(v -> caseInsensitive ? v.trim().toLowerCase(java.util.Locale.ROOT) : v.trim()).toList();
    }
}
