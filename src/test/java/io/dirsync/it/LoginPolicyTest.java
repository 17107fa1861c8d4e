package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.login.LoginFlow;

/**
 * The login policy (SPEC §6, rule 11 at sign-in) through the ready browser flow "directory sync browser", installed and
 * bound with the admin API, and real sign-ins through Keycloak's HTML forms: active users set up and use a second factor
 * (OTP), bypass users (their own status or a group's) sign in without one, disabled and trashed users are told why —
 * only once their password is right — and a status change ends sessions and refresh tokens at once.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class LoginPolicyTest extends DirSyncIntegrationTest {

    static final String PW = "Login-policy-pw-1";
    static final String ACCOUNT_DISABLED = "Your account is disabled. Please contact your administrator.";
    static final String GROUP_DISABLED =
        "Your account is disabled because a group you belong to is disabled. Please contact your administrator.";
    static final String ACCOUNT_REMOVED = "Your account was removed from the directory. Please contact your administrator.";
    /** Keycloak's own messages, unchanged. */
    static final String INVALID_CREDENTIALS = "Invalid username or password.";
    static final String KEYCLOAK_DISABLED = "Account is disabled, contact your administrator.";

    /** The installed flow, as {@link #steps()} lists it: the same second factor after a ticket as after a password. */
    static final List<String> SHAPE = List.of(
        "0 auth-cookie ALTERNATIVE",
        "0 directory sync kerberos DISABLED",
        "1 directory sync kerberos ticket REQUIRED",
        "2 dirsync-kerberos-ticket ALTERNATIVE",
        "1 dirsync-directory-status REQUIRED",
        "1 directory sync kerberos second factor CONDITIONAL",
        "2 dirsync-condition-second-factor REQUIRED",
        "2 auth-otp-form REQUIRED",
        "0 identity-provider-redirector ALTERNATIVE",
        "0 directory sync forms ALTERNATIVE",
        "1 dirsync-auth-username-password-form REQUIRED",
        "1 dirsync-directory-status REQUIRED",
        "1 directory sync second factor CONDITIONAL",
        "2 dirsync-condition-second-factor REQUIRED",
        "2 auth-otp-form REQUIRED");
    /** The flow as the first version installed it (issue 11): Keycloak's Kerberos step at the top. */
    static final List<String> FIRST_SHAPE = List.of(
        "0 auth-cookie ALTERNATIVE",
        "0 auth-spnego DISABLED",
        "0 identity-provider-redirector ALTERNATIVE",
        "0 directory sync forms ALTERNATIVE",
        "1 dirsync-auth-username-password-form REQUIRED",
        "1 dirsync-directory-status REQUIRED",
        "1 directory sync second factor CONDITIONAL",
        "2 dirsync-condition-second-factor REQUIRED",
        "2 auth-otp-form REQUIRED");
    /** The flow as the previous version installed it: nothing after the status in the Kerberos sub-flow. */
    static final List<String> PREVIOUS_SHAPE = List.of(
        "0 auth-cookie ALTERNATIVE",
        "0 directory sync kerberos DISABLED",
        "1 directory sync kerberos ticket REQUIRED",
        "2 auth-spnego ALTERNATIVE",
        "1 dirsync-directory-status REQUIRED",
        "0 identity-provider-redirector ALTERNATIVE",
        "0 directory sync forms ALTERNATIVE",
        "1 dirsync-auth-username-password-form REQUIRED",
        "1 dirsync-directory-status REQUIRED",
        "1 directory sync second factor CONDITIONAL",
        "2 dirsync-condition-second-factor REQUIRED",
        "2 auth-otp-form REQUIRED");

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    DirSync.ScimDirectory okta;
    String webClient;

    @BeforeEach
    void loginPolicy() {
        directGrantClient();
        ClientRepresentation web = LoginPages.webClient();
        realm.admin().clients().create(web).close();
        webClient = web.getClientId();
        okta = dirsync.scimDirectory("Okta");
        Http.Result installed = dirsync.admin("POST", "/login-flow", Map.of());
        assertEquals(200, installed.status(), installed::toString);
        assertTrue(installed.json().get("bound").asBoolean(), installed::toString);
    }

    @Test
    void theAdminApiInstallsTheFlowOnceAndBindsItOnRequest() {
        Http.Result shown = dirsync.admin("GET", "/login-flow", null);
        assertEquals(200, shown.status(), shown::toString);
        assertEquals("directory sync browser", shown.json().get("alias").asText());
        assertTrue(shown.json().get("installed").asBoolean());
        assertTrue(shown.json().get("bound").asBoolean());
        assertEquals("directory sync browser", realm.admin().toRepresentation().getBrowserFlow());

        // Again, without binding: the existing flow is left as it is (one flow of that alias), the binding too.
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setBrowserFlow("browser");
        realm.admin().update(rep);
        Http.Result again = dirsync.admin("POST", "/login-flow", Map.of("bind", false));
        assertEquals(200, again.status(), again::toString);
        assertTrue(again.json().get("installed").asBoolean());
        assertFalse(again.json().get("bound").asBoolean());
        assertEquals(1, realm.admin().flows().getFlows().stream()
            .filter(f -> f.getAlias().equals("directory sync browser")).count());
        assertEquals("browser", realm.admin().toRepresentation().getBrowserFlow());

        assertEquals(SHAPE, steps());

        assertEquals(400, dirsync.admin("POST", "/login-flow", Map.of("bind", "yes")).status());
        Http.Result bound = dirsync.admin("POST", "/login-flow", null);
        assertTrue(bound.json().get("bound").asBoolean(), bound::toString);
        assertEquals("directory sync browser", realm.admin().toRepresentation().getBrowserFlow());
    }

    @Test
    void aFlowOfThePreviousShapeGetsTheKerberosSecondFactorWithoutAnAdmin() {
        // A realm upgraded with the previous version's flow: the Kerberos sub-flow ends with the status step, and its
        // ticket step is Keycloak's.
        removeKerberosSecondFactor();
        useKeycloaksKerberosStep();
        assertEquals(PREVIOUS_SHAPE, steps());

        // The start-up pass (as after an upgrade) adds the second factor, once.
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(SHAPE, steps());
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(SHAPE, steps(), "repaired once: a second pass adds nothing");
        // Installing again over the old shape repairs it too (the flow itself is kept).
        removeKerberosSecondFactor();
        assertEquals(200, dirsync.admin("POST", "/login-flow", Map.of()).status());
        assertEquals(SHAPE, steps());
        // The shape just before this one (second factor there, Keycloak's own ticket step) gets the ticket step only.
        useKeycloaksKerberosStep();
        assertEquals(SHAPE.stream().map(l -> l.replace("dirsync-kerberos-ticket", "auth-spnego")).toList(), steps());
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(SHAPE, steps());
    }

    /**
     * Issue 17: the first version's flow (Keycloak's Kerberos step at the top, so a ticket skipped the status and the
     * second factor) gets the Kerberos sub-flow in that step's place; built here through the admin API.
     */
    @Test
    void aFlowOfTheFirstShapeGetsTheKerberosSubFlowInPlaceOfItsTopLevelStep() {
        buildFirstShape();
        assertEquals(FIRST_SHAPE, steps());
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(SHAPE, steps());
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(SHAPE, steps(), "once");
    }

    /**
     * The repair's shape checks, each shown detecting a change that keeps the number of steps: a flow so changed is an
     * admin's and is left exactly as it is, at start-up and by an install. (Run with the checks loosened, this fails.)
     */
    @Test
    void theRepairLeavesAloneEveryFlowThatIsNotExactlyAnEarlierShape() {
        // The previous shape with the status step switched off.
        removeKerberosSecondFactor();
        useKeycloaksKerberosStep();
        setRequirement("1 dirsync-directory-status", 0, "DISABLED");
        assertLeftAlone();
        setRequirement("1 dirsync-directory-status", 0, "REQUIRED");
        // ... with a second step in the ticket sub-flow.
        realm.admin().flows().addExecution("directory sync kerberos ticket", Map.of("provider", "auth-otp-form"));
        assertLeftAlone();
        realm.admin().flows().removeExecution(execution("2 auth-otp-form", 0));
        // ... with the ticket sub-flow REQUIRED steps swapped for a CONDITIONAL one.
        setRequirement("1 directory sync kerberos ticket", 0, "CONDITIONAL");
        assertLeftAlone();
        setRequirement("1 directory sync kerberos ticket", 0, "REQUIRED");
        assertEquals(PREVIOUS_SHAPE, steps(), "back to the previous shape");

        // The first shape, with the forms' second factor changed (OTP off): the new Kerberos sub-flow's OTP would
        // differ from the admin's choice, so it is not added.
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        buildFirstShape();
        setRequirement("2 auth-otp-form", 0, "DISABLED");
        assertLeftAlone();
        setRequirement("2 auth-otp-form", 0, "REQUIRED");
        // ... or the identity-provider redirector turned off.
        setRequirement("0 identity-provider-redirector", 0, "DISABLED");
        assertLeftAlone();
        setRequirement("0 identity-provider-redirector", 0, "ALTERNATIVE");
        assertEquals(FIRST_SHAPE, steps(), "back to the first shape");
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(SHAPE, steps(), "and repaired once exactly of it");
    }

    /**
     * The warning about a tuned flow is logged once per shape (the repair runs at every start): a second pass is quiet,
     * a flow changed again is warned about again. The server's log as the test framework reads it; a marker line
     * logged after the passes says the capture has everything they logged.
     */
    @Test
    void aTunedFlowIsWarnedAboutOncePerShape() throws Exception {
        removeKerberosSecondFactor();
        realm.admin().flows().addExecution("directory sync kerberos", Map.of("provider", "auth-otp-form"));
        String warning = "Realm " + realm.getName() + ": the sub-flow 'directory sync kerberos' of the browser flow";
        SecretsNeverShownTest.LogCapture log = new SecretsNeverShownTest.LogCapture();
        java.util.logging.Logger.getLogger("").addHandler(log);
        try {
            onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
            onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
            assertEquals(1, warningsLogged(log, warning), "one warning for two passes over the same shape");
            setRequirement("1 auth-otp-form", 0, "REQUIRED");
            onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
            onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
            assertEquals(2, warningsLogged(log, warning), "changed again: warned again, once");
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(log);
        }
    }

    /** The warnings in the capture once a marker logged on the server now has reached it. */
    private long warningsLogged(SecretsNeverShownTest.LogCapture log, String warning) throws InterruptedException {
        String marker = "dirsync-test-marker-" + java.util.UUID.randomUUID();
        onServer.run(session -> java.util.logging.Logger.getLogger("io.dirsync.test").info(marker));
        waitUntil(() -> log.lines.stream().anyMatch(l -> l.contains(marker)), 60);
        // The framework logs each server line twice (as read, and parsed): the line as read holds its level.
        return log.lines.stream().filter(l -> l.contains(" WARN ") && l.contains(warning)).count();
    }

    private void assertLeftAlone() {
        List<String> tuned = steps();
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(tuned, steps(), "a changed flow is not touched at start-up");
        assertEquals(200, dirsync.admin("POST", "/login-flow", Map.of()).status());
        assertEquals(tuned, steps(), "nor by an install");
    }

    @Test
    void aKerberosSubFlowAnAdminChangedIsLeftAlone() {
        // Tuned by an admin (here a step added after the status: Keycloak's OTP form, left DISABLED, so no second
        // factor, which the server logs a warning about): left exactly as it is, at start-up and by an install.
        removeKerberosSecondFactor();
        realm.admin().flows().addExecution("directory sync kerberos", Map.of("provider", "auth-otp-form"));
        List<String> tuned = steps();
        assertEquals(PREVIOUS_SHAPE.size() + 1, tuned.size(), tuned::toString);
        assertEquals("1 auth-otp-form DISABLED", tuned.get(5), tuned::toString);
        onServer.run(session -> LoginFlow.repairAll(session.getKeycloakSessionFactory()));
        assertEquals(tuned, steps(), "a tuned Kerberos sub-flow is not touched");
        assertEquals(200, dirsync.admin("POST", "/login-flow", Map.of()).status());
        assertEquals(tuned, steps());
    }

    @Test
    void activeUsersSetUpASecondFactorAndBypassUsersSignInWithoutOne() throws Exception {
        user("ana");
        String ben = user("ben");
        String cleo = user("cleo");
        setStatus("/users/" + ben, "bypass");
        String contractors = group("Contractors");
        realm.admin().users().get(cleo).joinGroup(contractors);
        setStatus("/groups/" + contractors, "bypass");

        // Active: Keycloak's own OTP setup (CONFIGURE_TOTP), then signed in with a code computed from the secret.
        LoginPages pages = new LoginPages();
        LoginPages.Page setup = signIn(pages, "ana", PW);
        assertTrue(setup.body().contains("kc-totp-settings-form") && setup.body().contains("CONFIGURE_TOTP"),
            "an active user without OTP is sent to the OTP setup: " + setup);
        Matcher secret = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"").matcher(setup.body());
        assertTrue(secret.find(), "the setup page carries the secret");
        LoginPages.Page done = pages.submit(setup, Map.of("totp", LoginPages.totp(secret.group(1)),
            "totpSecret", secret.group(1), "userLabel", "phone"));
        assertTrue(done.signedIn(), "the OTP set up, the active user is signed in: " + done);
        // Next time, the code is asked for.
        LoginPages.Page otp = signIn(new LoginPages(), "ana", PW);
        assertFalse(otp.signedIn());
        assertTrue(otp.body().contains("name=\"otp\""), "an active user with OTP is asked for a code: " + otp);

        assertTrue(signIn(new LoginPages(), "ben", PW).signedIn(), "bypass: no second factor");
        assertTrue(signIn(new LoginPages(), "cleo", PW).signedIn(), "a bypass group's member: no second factor");
    }

    @Test
    void disabledAndTrashedUsersAreToldWhyButOnlyWithTheirPassword() throws Exception {
        RealmRepresentation events = realm.admin().toRepresentation();
        events.setEventsEnabled(true);
        realm.admin().update(events);
        String dora = user("dora");
        String eli = user("eli");
        String fay = user("fay");
        String gus = user("gus");
        setStatus("/users/" + dora, "disabled");
        String contractors = group("Night contractors");
        realm.admin().users().get(eli).joinGroup(contractors);
        setStatus("/groups/" + contractors, "disabled");
        assertEquals(204, okta.scim("DELETE", "/Users/" + fay, null).status());
        assertEquals(204, okta.scim("PATCH", "/Users/" + gus, ScimLifecycleTest.patch(
            Map.of("op", "replace", "value", Map.of("active", false)))).status());

        LoginPages.Page doraPage = signIn(new LoginPages(), "dora", PW);
        assertTrue(doraPage.body().contains(ACCOUNT_DISABLED), doraPage::toString);
        assertFalse(doraPage.body().contains(KEYCLOAK_DISABLED));
        LoginPages.Page eliPage = signIn(new LoginPages(), "eli", PW);
        assertTrue(eliPage.body().contains(GROUP_DISABLED), eliPage::toString);
        assertFalse(eliPage.body().contains("Night contractors"), "the group is never named to the user");
        LoginPages.Page fayPage = signIn(new LoginPages(), "fay", PW);
        assertTrue(fayPage.body().contains(ACCOUNT_REMOVED), "trashed by a SCIM DELETE: " + fayPage);
        LoginPages.Page gusPage = signIn(new LoginPages(), "gus", PW);
        assertTrue(gusPage.body().contains(ACCOUNT_REMOVED), "trashed by SCIM active=false: " + gusPage);

        // A wrong password learns nothing about the status: Keycloak's own answer.
        LoginPages.Page guess = signIn(new LoginPages(), "dora", "wrong-password");
        assertTrue(guess.body().contains(INVALID_CREDENTIALS), guess::toString);
        for (String ours : List.of(ACCOUNT_DISABLED, GROUP_DISABLED, ACCOUNT_REMOVED, KEYCLOAK_DISABLED)) {
            assertFalse(guess.body().contains(ours), "no status before the password is right");
        }
        LoginPages.Page guessTrashed = signIn(new LoginPages(), "fay", "wrong-password");
        assertTrue(guessTrashed.body().contains(INVALID_CREDENTIALS), guessTrashed::toString);
        assertFalse(guessTrashed.body().contains(ACCOUNT_REMOVED));

        // An account an admin turned off by hand is not the directory's: Keycloak's own message.
        String hal = localUser("hal");
        realm.admin().users().get(hal).resetPassword(password(PW));
        UserRepresentation halRep = realm.admin().users().get(hal).toRepresentation();
        halRep.setEnabled(false);
        realm.admin().users().get(hal).update(halRep);
        LoginPages.Page halPage = signIn(new LoginPages(), "hal", PW);
        assertTrue(halPage.body().contains(KEYCLOAK_DISABLED), halPage::toString);

        // Direct grant: refused all the same.
        assertFalse(signsIn("dora", PW));
        assertFalse(signsIn("eli", PW));
        assertFalse(signsIn("fay", PW));
        assertFalse(signsIn("gus", PW));

        // The refusal is in the login events, as Keycloak's user_disabled.
        List<EventRepresentation> errors = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, dora, null, null, null,
            0, 100);
        assertTrue(errors.stream().anyMatch(e -> "user_disabled".equals(e.getError())), errors::toString);
    }

    @Test
    void theStatusStepRefusesAUserWhoseAccountIsStillOn() throws Exception {
        // Moving a group under a disabled parent does not re-evaluate its members (rule 11's gap): the account stays
        // on, so the form lets the user through and dirsync-directory-status is the step that refuses.
        String ivy = user("ivy");
        String night = group("Night shift");
        realm.admin().users().get(ivy).joinGroup(night);
        String contractors = group("Contractors");
        setStatus("/groups/" + contractors, "disabled");
        GroupRepresentation moved = realm.admin().groups().group(night).toRepresentation();
        realm.admin().groups().group(contractors).subGroup(moved).close();
        assertEquals("disabled", dirsync.admin("GET", "/users/" + ivy, null).json().get("effectiveStatus").asText());
        assumeTrue(realm.admin().users().get(ivy).toRepresentation().isEnabled(),
            "the gap is closed: find another way to reach the status step with an account still on");

        LoginPages.Page page = signIn(new LoginPages(), "ivy", PW);
        assertFalse(page.signedIn(), page::toString);
        assertEquals(401, page.status(), "the status step's error page: " + page);
        assertTrue(page.body().contains(GROUP_DISABLED), page::toString);
        assertFalse(page.body().contains("Contractors"), "the group is never named to the user");
    }

    @Test
    void aStatusChangeEndsSessionsAndRefreshTokensAtOnce() {
        String jan = user("jan");
        String kim = user("kim");
        String lou = user("lou");
        String crew = group("Crew");
        realm.admin().users().get(kim).joinGroup(crew);
        Map<String, String> refreshTokens = new HashMap<>();
        for (String name : List.of("jan", "kim", "lou")) {
            Http.Result tokens = directGrant(name, PW);
            assertEquals(200, tokens.status(), tokens::toString);
            refreshTokens.put(name, tokens.json().get("refresh_token").asText());
        }
        assertFalse(realm.admin().users().get(jan).getUserSessions().isEmpty());

        setStatus("/users/" + jan, "disabled");
        setStatus("/groups/" + crew, "disabled");
        assertEquals(204, okta.scim("DELETE", "/Users/" + lou, null).status());

        for (String id : List.of(jan, kim, lou)) {
            assertTrue(realm.admin().users().get(id).getUserSessions().isEmpty(), "sessions ended: " + id);
        }
        for (String name : List.of("jan", "kim", "lou")) {
            Http.Result refresh = Http.form(tokenUrl(), Map.of("grant_type", "refresh_token", "client_id", "cli",
                "refresh_token", refreshTokens.get(name)));
            assertEquals(400, refresh.status(), name + "'s refresh token from before the change: " + refresh);
            assertTrue(refresh.body().contains("invalid_grant"), refresh::toString);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The login flow's executions: level, sub-flow name or authenticator, requirement. */
    private List<String> steps() {
        return realm.admin().flows().getExecutions("directory sync browser").stream()
            .map(e -> e.getLevel() + " " + (Boolean.TRUE.equals(e.getAuthenticationFlow()) ? e.getDisplayName()
                : e.getProviderId())
                + " " + e.getRequirement()).toList();
    }

    /** The id of the {@code n}th execution whose {@link #steps()} line starts with {@code line}. */
    private String execution(String line, int n) {
        return realm.admin().flows().getExecutions("directory sync browser").stream()
            .filter(e -> (e.getLevel() + " " + (Boolean.TRUE.equals(e.getAuthenticationFlow()) ? e.getDisplayName()
                : e.getProviderId()) + " ").startsWith(line + " "))
            .skip(n).findFirst().orElseThrow(() -> new AssertionError(line + " in " + steps())).getId();
    }

    private void setRequirement(String line, int n, String requirement) {
        String id = execution(line, n);
        var rep = realm.admin().flows().getExecutions("directory sync browser").stream()
            .filter(e -> e.getId().equals(id)).findFirst().orElseThrow();
        rep.setRequirement(requirement);
        realm.admin().flows().updateExecutions("directory sync browser", rep);
    }

    /** The ticket sub-flow with Keycloak's own Kerberos step, as the versions before ours installed it. */
    private void useKeycloaksKerberosStep() {
        realm.admin().flows().removeExecution(execution("2 dirsync-kerberos-ticket", 0));
        realm.admin().flows().addExecution("directory sync kerberos ticket", Map.of("provider", "auth-spnego"));
        setRequirement("2 auth-spnego", 0, "ALTERNATIVE");
    }

    /**
     * The first version's flow, from the installed one: the Kerberos sub-flow out, Keycloak's step at the top in its
     * place (added last, then moved up past the forms and the redirector).
     */
    private void buildFirstShape() {
        realm.admin().flows().removeExecution(execution("0 directory sync kerberos", 0));
        realm.admin().flows().addExecution("directory sync browser", Map.of("provider", "auth-spnego"));
        String spnego = execution("0 auth-spnego", 0);
        realm.admin().flows().raisePriority(spnego);
        realm.admin().flows().raisePriority(spnego);
    }

    /** Takes the Kerberos sub-flow's second factor out, as an admin can: the flow the previous version installed. */
    private void removeKerberosSecondFactor() {
        String id = realm.admin().flows().getExecutions("directory sync browser").stream()
            .filter(e -> "directory sync kerberos second factor".equals(e.getDisplayName())).findFirst().orElseThrow()
            .getId();
        realm.admin().flows().removeExecution(id);
    }

    /** A managed user pushed by SCIM with a password; its id. */
    private String user(String name) {
        Map<String, Object> body = new HashMap<>(DirSync.scimUser(name, name, "Test", name + "@corp.test"));
        body.put("password", PW);
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        return DirSync.id(created);
    }

    private String group(String name) {
        GroupRepresentation g = new GroupRepresentation();
        g.setName(name);
        try (Response r = realm.admin().groups().add(g)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    private void setStatus(String subject, String status) {
        Http.Result r = dirsync.admin("PUT", subject + "/status", Map.of("status", status));
        assertEquals(200, r.status(), r::toString);
    }

    private LoginPages.Page signIn(LoginPages pages, String username, String password) throws Exception {
        LoginPages.Page login = pages.open(urls.getBase(), realm.getName(), webClient);
        assertEquals(200, login.status(), login::toString);
        return pages.submit(login, Map.of("username", username, "password", password));
    }

    private static org.keycloak.representations.idm.CredentialRepresentation password(String value) {
        org.keycloak.representations.idm.CredentialRepresentation c = new org.keycloak.representations.idm.CredentialRepresentation();
        c.setType("password");
        c.setValue(value);
        c.setTemporary(false);
        return c;
    }

    private String tokenUrl() {
        return urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token";
    }
}
