package io.dirsync.enrollment;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;

import io.dirsync.engine.InputLimits;
import io.dirsync.engine.SyncConflictException;

/**
 * A realm's enrollment e-mail text (SPEC §4): subject and body an admin may change, and the contact named in the fixed
 * header. Null means the default of the e-mail theme's messages ({@code dirsyncEnrollmentSubject},
 * {@code dirsyncEnrollmentBody}) and the realm's reply-to or from address. Kept as realm attributes.
 */
public record EnrollmentTemplate(String subject, String body, String contact) {

    public static final String PLACEHOLDER = "<enrollment-link>";
    static final String SUBJECT = "dirsync.enrollment.subject";
    static final String BODY = "dirsync.enrollment.body";
    static final String CONTACT = "dirsync.enrollment.contact";

    public static EnrollmentTemplate of(RealmModel realm) {
        return new EnrollmentTemplate(realm.getAttribute(SUBJECT), realm.getAttribute(BODY), realm.getAttribute(CONTACT));
    }

    /** Checks and stores an admin's template; a blank value goes back to the default. */
    public static EnrollmentTemplate save(RealmModel realm, EnrollmentTemplate t) {
        String subject = blankToNull(t.subject());
        String body = blankToNull(t.body());
        String contact = blankToNull(t.contact());
        if (subject != null && (subject.length() > InputLimits.ENROLLMENT_SUBJECT || subject.contains("\n") || subject.contains("\r"))) {
            throw invalid("subject must be one line of at most " + InputLimits.ENROLLMENT_SUBJECT + " characters");
        }
        if (body != null && !body.contains(PLACEHOLDER)) {
            throw invalid("body must contain " + PLACEHOLDER + ", which is replaced by the enrollment link");
        }
        if (body != null && body.length() > InputLimits.ENROLLMENT_BODY) {
            throw invalid("body must be at most " + InputLimits.ENROLLMENT_BODY + " characters");
        }
        if (contact != null && contact.length() > InputLimits.ENROLLMENT_CONTACT) {
            throw invalid("contact must be at most " + InputLimits.ENROLLMENT_CONTACT + " characters");
        }
        set(realm, SUBJECT, subject);
        set(realm, BODY, body);
        set(realm, CONTACT, contact);
        return new EnrollmentTemplate(subject, body, contact);
    }

    /** Whom the fixed header names: the admin's contact, else the realm's reply-to or from address. */
    String contactOr(RealmModel realm) {
        if (contact != null) {
            return contact;
        }
        String replyTo = realm.getSmtpConfig().get("replyTo");
        return replyTo != null && !replyTo.isBlank() ? replyTo : realm.getSmtpConfig().get("from");
    }

    /** The fixed header as every mail of the realm carries it now (English), for admins to see. */
    public String header(KeycloakSession session, RealmModel realm) {
        try {
            Properties messages = session.theme().getTheme(Theme.Type.EMAIL).getEnhancedMessages(realm, Locale.ENGLISH);
            String organization = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName()
                : realm.getDisplayName();
            String contact = contactOr(realm);
            String key = contact == null ? "dirsyncEnrollmentHeaderNoContact" : "dirsyncEnrollmentHeader";
            return new MessageFormat(messages.getProperty(key, key), Locale.ENGLISH).format(new Object[] {organization, contact});
        } catch (IOException e) {
            return null;
        }
    }

    private static void set(RealmModel realm, String name, String value) {
        if (value == null) {
            realm.removeAttribute(name);
        } else {
            realm.setAttribute(name, value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static SyncConflictException invalid(String message) {
        return new SyncConflictException(SyncConflictException.Kind.INVALID, message);
    }
}
