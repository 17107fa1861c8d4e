package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import io.dirsync.enrollment.EnrollmentTask;
import io.dirsync.ldap.TestDirectory;

/**
 * Enrollment e-mails (SPEC §4, seed 001) against the real server, with mails caught by GreenMail and read back: who
 * gets one, the 30-day cycle by Keycloak's clock, Resend and Delete, the job's idempotence and SMTP failures, the
 * template rules. The job's own timer ticks every 2 s in tests; assertions that nothing more was sent run the job on
 * the server first, then count.
 *
 * <p>Tuned setup: the test realm's Frontend URL is set to the test server's URL, since links made by a background job
 * need a public URL (without one nothing is sent: {@link #withoutAPublicUrlNothingIsSentAndThePendingListSaysWhy}).
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EnrollmentTest extends DirSyncIntegrationTest {

    private static final long DAY = 86_400;

    @InjectMailServer
    MailServer mail;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    @BeforeEach
    void publicUrl(org.junit.jupiter.api.TestInfo test) {
        if (!test.getDisplayName().startsWith("withoutAPublicUrl")) {
            setFrontendUrl(urls.getBase());
        }
    }

    // ------------------------------------------------------------------ who gets an e-mail

    @Test
    void onlyEligibleUsersGetOneMailAndEachExcludedCaseIsReportedWithItsReason() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        String enrolledId = localUser("olga");
        addOtpCredential(enrolledId);

        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("ann", "Ann", "Able", "ann@corp.test")).status());
        Map<String, Object> inactive = new LinkedHashMap<>(DirSync.scimUser("ivan", "Ivan", "Idle", "ivan@corp.test"));
        inactive.put("active", false);
        assertEquals(201, okta.scim("POST", "/Users", inactive).status());
        Map<String, Object> noMail = new LinkedHashMap<>(DirSync.scimUser("nora", "Nora", "None", "x@y.z"));
        noMail.remove("emails");
        assertEquals(201, okta.scim("POST", "/Users", noMail).status());
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("vic", "Vic", "Bad", "not-an-address")).status());
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("olga", "Olga", "Otp", "olga@corp.test")).status(),
            "olga, a local user with OTP, is adopted");

        List<MimeMessage> mails = waitForMails(1);
        runJob();
        mails = mails();
        assertEquals(1, mails.size(), "only ann is eligible: " + recipients(mails));
        assertEquals("ann@corp.test", recipients(mails).get(0));

        JsonNode run = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().get(0);
        Map<String, String> warnings = new LinkedHashMap<>();
        run.get("warnings").forEach(w -> warnings.merge(w.get("subject").asText(), w.get("message").asText(), (a, b) -> a + " | " + b));
        assertTrue(warnings.get("ivan").contains("no enrollment e-mail: not active in the directory"), warnings::toString);
        assertTrue(warnings.get("nora").contains("no enrollment e-mail: no e-mail address"), warnings::toString);
        assertTrue(warnings.get("vic").contains("no enrollment e-mail: no e-mail address"),
            "the invalid address was dropped with its own warning, so vic has none: " + warnings);
        assertTrue(warnings.get("vic").contains("not-an-address"), warnings::toString);
        assertTrue(warnings.get("olga").contains("no enrollment e-mail: already enrolled"), warnings::toString);
        assertFalse(warnings.containsKey("ann"), warnings::toString);

        JsonNode pending = dirsync.admin("GET", "/enrollments", null).json();
        assertEquals(1, pending.get("count").asInt(), pending::toString);
        assertEquals("ann", pending.at("/enrollments/0/username").asText());
        assertEquals("Okta", pending.at("/enrollments/0/directoryName").asText());
        assertEquals(0, pending.at("/enrollments/0/remindersSent").asInt());
    }

    @Test
    void anEligibleLdapSyncedUserGetsExactlyOneMail() throws Exception {
        try (TestDirectory ldap = TestDirectory.start("memory-openldap")) {
            String lena = ldap.user("lena", "Lena", "Ldap", "lena@example.org");
            String staff = ldap.group("Staff", lena);
            Map<String, Object> settings = ldap.settings("uid");
            settings.put("syncedGroups", List.of(staff));
            settings.put("enrollmentEmails", true);
            String id = dirsync.ldapDirectory("Corp LDAP", settings);
            for (int i = 0; i < 2; i++) {
                JsonNode run = dirsync.fullSync(id);
                assertEquals("completed", run.get("status").asText(), run::toString);
                runJob();
            }
            List<MimeMessage> mails = waitForMails(1);
            assertEquals(List.of("lena@example.org"), recipients(mails), "two syncs and two jobs, one mail");
            assertTrue(text(mails.get(0)).contains("Directory Sync") || text(mails.get(0)).contains("automated message"));
        }
    }

    /**
     * Users already in a directory are queued when its enrollment e-mails are turned on (the job's sweep for users
     * without an enrollment row). Once a sweep found none left, later ticks do not read the directory's users again
     * (EnrollmentBench: 16.8 ms a tick at 11,000 users on H2 against 0.6 ms for the rest): a user can only lack a row
     * again through a sync, which queues it itself. An hour later the job sweeps again, as a safety net for what no
     * sync tells.
     */
    @Test
    void turningEnrollmentOnQueuesTheUsersAlreadyThereAndTheSweepRepeatsOnlyOnAChangeOrAfterAnHour() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta Later", Map.of());
        String ann = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("ann", "Ann", "Able", "ann@corp.test")));
        String bob = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("bob", "Bob", "Baker", "bob@corp.test")));
        runJob();
        assertEquals(0, mails().size(), "enrollment e-mails are off by default");
        assertFalse(hasEnrollment(ann));

        JsonNode directory = dirsync.admin("GET", "/directories/" + okta.id(), null).json();
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = new LinkedHashMap<>(Http.JSON.convertValue(directory.get("settings"), Map.class));
        settings.put("enrollmentEmails", true);
        assertEquals(200, dirsync.admin("PUT", "/directories/" + okta.id(), Map.of("settings", settings)).status());
        List<MimeMessage> mails = waitForMails(2);
        runJob();
        assertEquals(List.of("ann@corp.test", "bob@corp.test"), recipients(mails()).stream().sorted().toList(),
            "the users already there were queued and mailed once: " + recipients(mails));

        // A row lost outside any sync (here deleted on the server) is not looked for on every tick ...
        deleteEnrollment(bob);
        runJob();
        assertFalse(hasEnrollment(bob), "no sweep while nothing about the directory changed");
        assertTrue(hasEnrollment(ann));

        // ... but an hour after the last complete sweep.
        moveClock(3_601);
        runJob();
        assertTrue(hasEnrollment(bob), "the hourly sweep queued bob again");
    }

    // ------------------------------------------------------------------ the cycle

    @Test
    void theCycleRemindsAtDays2And10SendsANewLinkAtDay30AndEndsWhenTheUserEnrols() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("cy", "Cy", "Cycle", "cy@corp.test")).status());
        String firstLink = LoginPages.enrollmentLink(waitForMails(1).get(0));
        assertTrue(firstLink.startsWith(urls.getBase()), "the link uses the realm's Frontend URL: " + firstLink);
        assertTrue(text(mails().get(0)).contains("This is an automated message from"), "the fixed header");

        moveClock(2 * DAY + 60);
        runJob();
        assertEquals(2, mails().size(), "first reminder at day 2");
        assertEquals(firstLink, LoginPages.enrollmentLink(mails().get(1)), "a reminder carries the same link");
        assertTrue(subject(mails().get(1)).startsWith("Reminder"), subject(mails().get(1)));

        moveClock(9 * DAY);
        runJob();
        assertEquals(2, mails().size(), "nothing at day 9");
        moveClock(10 * DAY + 60);
        runJob();
        assertEquals(3, mails().size(), "second reminder 8 days after the first");
        moveClock(20 * DAY);
        runJob();
        assertEquals(3, mails().size(), "no third reminder");

        moveClock(30 * DAY + 60);
        LoginPages expired = new LoginPages();
        LoginPages.Page old = expired.get(firstLink);
        assertFalse(old.body().contains("totp"), "the 30-day link is refused: " + old.body());
        runJob();
        assertEquals(4, mails().size(), "a new link at day 30");
        String newLink = LoginPages.enrollmentLink(mails().get(3));
        assertNotEquals(firstLink, newLink);
        LoginPages.Page stillOld = new LoginPages().get(firstLink);
        assertFalse(stillOld.body().contains("totpSecret"), "the old cycle's link stays dead");

        // The new link: Keycloak's confirmation, then its OTP set-up, then "update password" (cy had no way to sign in).
        LoginPages browser = new LoginPages();
        LoginPages.Page confirm = browser.get(newLink);
        LoginPages.Page otp = browser.get(LoginPages.linkOf(confirm, "proceed"));
        String secret = LoginPages.inputValue(otp, "totpSecret");
        assertNotNull(secret, "Keycloak's OTP set-up page: " + otp.body());
        LoginPages.Page password = browser.submit(otp, Map.of("totp", LoginPages.totp(secret), "totpSecret", secret,
            "userLabel", "phone"));
        assertTrue(password.body().contains("password-new"), "then update password: " + password.body());
        LoginPages.Page done = browser.submit(password, Map.of("password-new", "Cy-pass-1!", "password-confirm", "Cy-pass-1!"));
        assertFalse(done.body().contains("password-new") || done.body().contains("totpSecret"), "all set up: " + done.body());
        LoginPages.Page again = new LoginPages().get(newLink);
        assertTrue(again.body().contains("no longer valid"), "enrolled: the link sets up nothing more, at once: " + again.body());

        for (MimeMessage m : mails()) {
            assertTrue(text(m).startsWith("This is an automated message from"), "the fixed header in every mail: " + text(m));
            assertTrue(part(m, "text/html").contains("This is an automated message from"), "in the HTML part too");
        }
        runJob();
        assertEquals(0, dirsync.admin("GET", "/enrollments", null).json().get("count").asInt(), "enrolled: the cycle ended");
        moveClock(33 * DAY);
        runJob();
        moveClock(61 * DAY);
        runJob();
        assertEquals(4, mails().size(), "no mail after enrolling");
        String cyId = realm.admin().users().search("cy", true).get(0).getId();
        List<String> credentials = realm.admin().users().get(cyId).credentials().stream().map(c -> c.getType()).sorted().toList();
        assertEquals(List.of("otp", "password"), credentials, "the invitation let cy set a password and an OTP device");
    }

    // ------------------------------------------------------------------ what admins do

    @Test
    void resendSendsTheSameLinkWithTheSameExpiryToTheOriginalAddressAndDeleteKillsTheLink() throws Exception {
        RealmRepresentation events = realm.admin().toRepresentation();
        events.setAdminEventsEnabled(true);
        events.setAdminEventsDetailsEnabled(true);
        realm.admin().update(events);
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        Http.Result created = okta.scim("POST", "/Users", DirSync.scimUser("rae", "Rae", "Resend", "rae@corp.test"));
        String userId = DirSync.id(created);
        String link = LoginPages.enrollmentLink(waitForMails(1).get(0));
        JsonNode before = dirsync.admin("GET", "/enrollments?search=RAE", null).json().at("/enrollments/0");
        String enrollmentId = before.get("id").asText();

        Http.Result patched = okta.scim("PATCH", "/Users/" + userId, Map.of(
            "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            "Operations", List.of(Map.of("op", "replace", "path", "emails[type eq \"work\"].value", "value", "rae.new@corp.test"))));
        assertTrue(patched.status() == 200 || patched.status() == 204, patched::toString);

        moveClock(DAY);
        assertEquals(204, dirsync.admin("POST", "/enrollments/" + enrollmentId + "/resend", null).status());
        List<MimeMessage> mails = mails();
        assertEquals(2, mails.size());
        assertEquals("rae@corp.test", recipients(mails).get(1), "the address it was first sent to");
        assertEquals(link, LoginPages.enrollmentLink(mails.get(1)), "byte-identical link");
        JsonNode after = dirsync.admin("GET", "/enrollments?search=rae", null).json().at("/enrollments/0");
        assertEquals(before.get("expiresAt").asLong(), after.get("expiresAt").asLong(), "unchanged expiry");

        assertEquals(204, dirsync.admin("DELETE", "/enrollments/" + enrollmentId, null).status());
        LoginPages.Page refused = new LoginPages().get(link);
        assertTrue(refused.body().contains("no longer valid"), "deleted: the link is refused at once: " + refused.body());
        assertEquals(0, dirsync.admin("GET", "/enrollments", null).json().get("count").asInt());
        runJob();
        assertEquals(2, mails().size(), "no new mail before the next sync");

        // The directory's next sync of the user starts a new cycle.
        Http.Result retitled = okta.scim("PATCH", "/Users/" + userId, Map.of(
            "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            "Operations", List.of(Map.of("op", "replace", "path", "title", "value", "Engineer"))));
        assertTrue(retitled.status() == 200 || retitled.status() == 204, retitled::toString);
        mails = waitForMails(3);
        assertEquals("rae.new@corp.test", recipients(mails).get(2), "a new cycle goes to the current address");
        assertNotEquals(link, LoginPages.enrollmentLink(mails.get(2)));

        assertEquals(404, dirsync.admin("POST", "/enrollments/" + enrollmentId + "x/resend", null).status());
        JsonNode all = dirsync.admin("POST", "/enrollments/resend-all?directory=" + okta.id(), null).json();
        assertEquals(1, all.get("sent").asInt(), all::toString);
        assertEquals(4, mails().size());

        List<String> adminEvents = realm.admin().getAdminEvents().stream()
            .filter(e -> e.getResourcePath() != null && e.getResourcePath().contains("enrollments"))
            .map(e -> e.getOperationType() + " " + e.getResourcePath().replaceAll(".*dirsync/", "")).toList();
        assertTrue(adminEvents.contains("ACTION enrollments/" + enrollmentId + "/resend"), adminEvents::toString);
        assertTrue(adminEvents.contains("DELETE enrollments/" + enrollmentId), adminEvents::toString);
        assertTrue(adminEvents.stream().anyMatch(e -> e.startsWith("ACTION enrollments/resend-all")), adminEvents::toString);
    }

    @Test
    void jobsRunTwiceAtOnceSendOneMailAndAnSmtpFailureIsRetriedAndShown() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        Map<String, String> smtp = realm.admin().toRepresentation().getSmtpServer();
        Map<String, String> broken = new LinkedHashMap<>(smtp);
        broken.put("port", "1");
        setSmtp(broken);
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("ida", "Ida", "Idem", "ida@corp.test")).status());
        runJob();
        JsonNode pending = dirsync.admin("GET", "/enrollments", null).json().at("/enrollments/0");
        assertTrue(pending.hasNonNull("lastError"), "the SMTP failure is shown: " + pending);
        assertFalse(pending.hasNonNull("sentAt"), pending::toString);
        assertEquals(0, mails().size());

        setSmtp(smtp);
        CompletableFuture<Void> a = CompletableFuture.runAsync(this::runJob);
        CompletableFuture<Void> b = CompletableFuture.runAsync(this::runJob);
        a.join();
        b.join();
        runJob();
        assertEquals(1, mails().size(), "two jobs at the same instant, then a third: one mail");
        JsonNode sent = dirsync.admin("GET", "/enrollments", null).json().at("/enrollments/0");
        assertFalse(sent.hasNonNull("lastError"), sent::toString);
        assertTrue(sent.hasNonNull("sentAt"), sent::toString);
    }

    @Test
    void withoutAPublicUrlNothingIsSentAndThePendingListSaysWhy() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("pat", "Pat", "Nourl", "pat@corp.test")).status());
        runJob();
        JsonNode pending = dirsync.admin("GET", "/enrollments", null).json().at("/enrollments/0");
        assertTrue(pending.path("lastError").asText().contains("Frontend URL"), pending::toString);
        assertEquals(0, mails().size(), "never a link to a node's localhost by accident");
    }

    @Test
    void templatesNeedTheLinkPlaceholderAndEveryMailCarriesTheFixedHeader() throws Exception {
        Http.Result refused = dirsync.admin("PUT", "/enrollment-template", Map.of("subject", "Hi", "body", "No link here"));
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("<enrollment-link>"), refused::toString);
        Http.Result saved = dirsync.admin("PUT", "/enrollment-template", Map.of("subject", "Welcome to {Acme}'s MFA",
            "body", "Dear colleague,\n\nopen <enrollment-link> to start.", "contact", "helpdesk@acme.test"));
        assertEquals(200, saved.status(), saved::toString);
        assertTrue(saved.json().get("header").asText().contains("helpdesk@acme.test"), saved::toString);
        assertEquals(400, dirsync.admin("POST", "/directories", Map.of("type", "scim", "name", "Bad",
            "settings", Map.of("enrollmentFactors", List.of("sms")))).status(), "unknown factor");

        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("enrollmentEmails", true));
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("tia", "Tia", "Template", "tia@corp.test")).status());
        MimeMessage m = waitForMails(1).get(0);
        assertEquals("Welcome to {Acme}'s MFA", subject(m), "the admin's subject, taken literally");
        String text = text(m);
        assertTrue(text.startsWith("This is an automated message from"), text);
        assertTrue(text.contains("helpdesk@acme.test"), text);
        assertTrue(text.contains("Dear colleague,"), text);
        assertTrue(text.contains("open " + LoginPages.enrollmentLink(m) + " to start."), text);
        String html = part(m, "text/html");
        assertTrue(html.contains("<a href=\"" + LoginPages.enrollmentLink(m).replace("&", "&amp;") + "\">"), html);
    }

    // ------------------------------------------------------------------ helpers

    private void setFrontendUrl(String url) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> attributes = rep.getAttributes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(rep.getAttributes());
        attributes.put("frontendUrl", url);
        rep.setAttributes(attributes);
        realm.admin().update(rep);
    }

    private void setSmtp(Map<String, String> smtp) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setSmtpServer(smtp);
        realm.admin().update(rep);
    }

    private void moveClock(long seconds) {
        timeOffSet.set((int) seconds);
    }

    /** Runs the enrollment job on the server now (besides its own timer). */
    private void runJob() {
        onServer.run(session -> new EnrollmentTask().run(session));
    }

    private boolean hasEnrollment(String userId) {
        return Boolean.parseBoolean(onServer.fetch(session -> String.valueOf(io.dirsync.engine.DirectorySyncEngine.of(session)
            .store().enrollmentOfUser(userId).isPresent()), String.class));
    }

    private void deleteEnrollment(String userId) {
        onServer.run(session -> {
            io.dirsync.storage.DirSyncStore store = io.dirsync.engine.DirectorySyncEngine.of(session).store();
            store.remove(store.enrollmentOfUser(userId).orElseThrow());
        });
    }

    private void addOtpCredential(String userId) {
        String realmName = realm.getName();
        onServer.run(session -> {
            org.keycloak.models.RealmModel r = session.realms().getRealmByName(realmName);
            session.getContext().setRealm(r);
            org.keycloak.models.UserModel u = session.users().getUserById(r, userId);
            u.credentialManager().createStoredCredential(
                org.keycloak.models.credential.OTPCredentialModel.createTOTP("olga-secret", 6, 30, "HmacSHA1"));
        });
    }

    private List<MimeMessage> waitForMails(int count) throws InterruptedException {
        waitUntil(() -> mail.getReceivedMessages().length >= count, 30);
        return mails();
    }

    private List<MimeMessage> mails() {
        return List.of(mail.getReceivedMessages());
    }

    private static List<String> recipients(List<MimeMessage> mails) throws Exception {
        List<String> to = new ArrayList<>();
        for (MimeMessage m : mails) {
            to.add(m.getRecipients(Message.RecipientType.TO)[0].toString());
        }
        return to;
    }

    private static String subject(MimeMessage m) throws Exception {
        return m.getSubject();
    }

    private static String text(MimeMessage m) throws Exception {
        return part(m, "text/plain").trim();
    }

    private static String part(MimeMessage m, String type) throws Exception {
        Object content = m.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart p = multipart.getBodyPart(i);
                if (p.isMimeType(type)) {
                    return p.getContent().toString();
                }
            }
        }
        return content.toString();
    }
}
