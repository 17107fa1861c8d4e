package io.dirsync.enrollment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.UserModel;

import io.dirsync.engine.Directory;
import io.dirsync.engine.SyncConflictException;

/**
 * A directory's enrollment e-mail settings (SPEC §4): {@code enrollmentEmails} (off by default) and
 * {@code enrollmentFactors}, the second factors the link sets up ({@code otp} by default; {@code webauthn},
 * {@code recovery-codes}), each one of Keycloak's required actions.
 */
public record EnrollmentSettings(boolean enabled, List<String> requiredActions) {

    public static final String ENABLED = "enrollmentEmails";
    public static final String FACTORS = "enrollmentFactors";

    /** Factor names admins use, and the Keycloak required action that sets each one up. */
    static final Map<String, String> FACTOR_ACTIONS = new LinkedHashMap<>();
    static {
        FACTOR_ACTIONS.put("otp", UserModel.RequiredAction.CONFIGURE_TOTP.name());
        FACTOR_ACTIONS.put("webauthn", "webauthn-register");
        FACTOR_ACTIONS.put("recovery-codes", UserModel.RequiredAction.CONFIGURE_RECOVERY_AUTHN_CODES.name());
    }

    /** Whether the directory sends enrollment e-mails; asked for every user a sync applies, so it copies nothing. */
    public static boolean enabled(Directory directory) {
        return Boolean.parseBoolean(directory.setting(ENABLED));
    }

    public static EnrollmentSettings of(Directory directory) {
        ObjectNode settings = directory.settings();
        JsonNode on = settings.get(ENABLED);
        List<String> actions = new ArrayList<>();
        JsonNode factors = settings.get(FACTORS);
        if (factors != null && factors.isArray()) {
            factors.forEach(f -> {
                String action = FACTOR_ACTIONS.get(f.asText());
                if (action != null && !actions.contains(action)) {
                    actions.add(action);
                }
            });
        }
        if (actions.isEmpty()) {
            actions.add(FACTOR_ACTIONS.get("otp"));
        }
        return new EnrollmentSettings(on != null && on.asBoolean(false), List.copyOf(actions));
    }

    /** Refuses settings an admin sent with a 400 that says what to fix. */
    static void validate(ObjectNode settings) {
        JsonNode on = settings.get(ENABLED);
        if (on != null && !on.isNull() && !on.isBoolean()) {
            throw invalid("settings." + ENABLED + " must be true or false (default false: no enrollment e-mails)");
        }
        JsonNode factors = settings.get(FACTORS);
        if (factors == null || factors.isNull()) {
            return;
        }
        if (!factors.isArray() || factors.isEmpty()) {
            throw invalid("settings." + FACTORS + " must be a non-empty list of " + FACTOR_ACTIONS.keySet()
                + " (default [\"otp\"])");
        }
        for (JsonNode f : factors) {
            if (!f.isTextual() || !FACTOR_ACTIONS.containsKey(f.asText())) {
                throw invalid("settings." + FACTORS + ": unknown factor " + f + "; use " + FACTOR_ACTIONS.keySet());
            }
        }
    }

    private static SyncConflictException invalid(String message) {
        return new SyncConflictException(SyncConflictException.Kind.INVALID, message);
    }
}
