package io.dirsync.admin.representation;

/**
 * A realm's enrollment e-mail text: {@code subject} and {@code body} (which must contain {@code <enrollment-link>}), and
 * {@code contact}, named in the fixed header every mail carries. Null means the default (the e-mail theme's text; the
 * realm's reply-to or from address). {@code header} shows the fixed header as it reads now; it cannot be changed here.
 */
public record EnrollmentTemplateRepresentation(String subject, String body, String contact, String header) {
}
