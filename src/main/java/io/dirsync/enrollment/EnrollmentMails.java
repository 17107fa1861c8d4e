package io.dirsync.enrollment;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Renders and sends an enrollment e-mail through Keycloak's e-mail machinery (the realm's SMTP settings and e-mail
 * theme): template {@code dirsync-enrollment.ftl} (HTML and text) and its messages ship in the JAR as theme resources,
 * so every e-mail theme has them and a realm's own theme can override them. The fixed header (automated message, whom
 * to contact) is part of the template, not of the text admins edit.
 */
final class EnrollmentMails {

    static final String TEMPLATE = "dirsync-enrollment.ftl";
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private EnrollmentMails() {
    }

    static void send(KeycloakSession session, RealmModel realm, UserModel user, String address, String link, long expiresAt,
                     Enrollments.Mail kind) throws EmailException {
        EnrollmentTemplate template = EnrollmentTemplate.of(realm);
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("enrollmentLink", link);
        attributes.put("linkExpiry", EXPIRY.format(Instant.ofEpochMilli(expiresAt)));
        attributes.put("organization", realmName);
        String contact = template.contactOr(realm);
        if (contact != null) {
            attributes.put("supportContact", contact);
        }
        if (template.body() != null) {
            attributes.put("enrollmentBody", template.body());
        }
        attributes.put("reminder", kind == Enrollments.Mail.REMINDER);
        String subjectKey;
        if (template.subject() == null) {
            subjectKey = kind == Enrollments.Mail.REMINDER ? "dirsyncEnrollmentReminderSubject" : "dirsyncEnrollmentSubject";
        } else {
            // Keycloak formats the subject with MessageFormat: quote the admin's text so that it is taken literally.
            String literal = "'" + template.subject().replace("'", "''") + "'";
            subjectKey = kind == Enrollments.Mail.REMINDER ? "'Reminder: '" + literal : literal;
        }
        session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
            .send(subjectKey, List.of(realmName), TEMPLATE, attributes, address);
    }
}
