package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;
import io.dirsync.it.LoginPages;

/**
 * Issue 17 against a real KDC: Samba AD's, started with its service principal and keytab by .ci/ldap-suites.sh
 * ({@code -Ddirsync.ldap.target=samba}, {@code -Ddirsync.kerberos.keytab}, {@code -Ddirsync.kerberos.host}; the
 * Keycloak server and this JVM's kinit/curl read the same krb5.conf). Clients are MIT's {@code kinit} and
 * {@code curl --negotiate}, as a desktop's browser would be. Not run without that KDC.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class LdapKerberosTest extends DirSyncIntegrationTest {

    static final String PW = TestDirectory.PASSWORD;
    static final String REALM = "EXAMPLE.TEST";
    /** A realm whose KDC in the suite's krb5.conf is a closed port of this host. */
    static final String CLOSED_REALM = "CLOSED.TEST";
    static final String ACCOUNT_DISABLED = "Your account is disabled. Please contact your administrator.";
    static final String ACCOUNT_REMOVED = "Your account was removed from the directory. Please contact your administrator.";
    static final String GROUP_DISABLED =
        "Your account is disabled because a group you belong to is disabled. Please contact your administrator.";
    /** Keycloak's messages, unchanged. */
    static final String INVALID_CODE = "Invalid authenticator code.";
    /**
     * The form's message when Keycloak's Kerberos password check cannot reach the KDC (its ModelException "Kerberos
     * unreachable"); Keycloak's own answer was an error page about an identity provider.
     */
    static final String KDC_UNREACHABLE = "Your password cannot be checked right now because the sign-in server of your"
        + " organization does not answer.";
    static final String KEYCLOAK_GENERIC_ERROR = "Unexpected error when handling authentication request to identity provider.";
    static final String INVALID_CREDENTIALS = "Invalid username or password.";

    TestDirectory ldap;
    String host;
    String keyTab;
    String webClient;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        keyTab = System.getProperty("dirsync.kerberos.keytab", "");
        host = System.getProperty("dirsync.kerberos.host", "");
        Assumptions.assumeTrue("samba".equals(System.getProperty("dirsync.ldap.target")) && !keyTab.isBlank()
            && !host.isBlank(), "needs Samba AD's KDC (.ci/ldap-suites.sh samba)");
        ClientRepresentation cli = new ClientRepresentation();
        cli.setClientId("cli");
        cli.setPublicClient(true);
        cli.setDirectAccessGrantsEnabled(true);
        realm.admin().clients().create(cli).close();
        ClientRepresentation web = LoginPages.webClient();
        realm.admin().clients().create(web).close();
        webClient = web.getClientId();
        Http.Result flow = dirsync.admin("POST", "/login-flow", Map.of("bind", true));
        assertEquals(200, flow.status(), flow::toString);
        work = Files.createTempDirectory("krb-test");
        ldap = TestDirectory.start("memory-ad");
    }

    @AfterEach
    void tearDown() {
        if (ldap != null) {
            ldap.close();
        }
    }

    @Test
    void aBrowserWithATicketIsSignedInAsTheSyncedUserWithoutAPasswordForm() throws Exception {
        String alice = name("ka");
        String aliceDn = ldap.user(alice, "Alice", "Kerberos", null);
        String bob = name("kb");
        String bobDn = ldap.user(bob, "Bob", "Kerberos", null);
        String carol = name("kc");
        String carolDn = ldap.user(carol, "Carol", "Kerberos", null);
        String staff = ldap.group("Staff" + alice, aliceDn, bobDn, carolDn);
        Map<String, Object> settings = settings(staff, true, false);
        String id = createDirectory(settings);
        assertEquals("ALTERNATIVE", kerberosStep(), "a directory allowing Kerberos switches the flow's Kerberos step on");
        JsonNode run = sync(id);
        assertEquals(4, run.at("/counts/created").asInt(), "3 users and their managed group: " + run);
        UserRepresentation synced = user(alice);
        assertEquals(0, sessions(synced), "no session before the Kerberos sign-in");
        // bypass: no second factor after the ticket either (the others' is aTicketIsFollowedByTheSecondFactor...)
        setStatus("/users/" + synced.getId(), "bypass");

        // With a ticket: the browser flow signs alice in (redirect to the client with a code), no form shown.
        Path aliceCache = kinit(alice, PW);
        Curl signedIn = curl("alice", aliceCache, authUrl(), null);
        assertEquals(302, signedIn.status(), signedIn::toString);
        assertTrue(signedIn.location().startsWith(LoginPages.CALLBACK) && signedIn.location().contains("code="),
            signedIn::toString);
        // ... as the synced user: the same Keycloak account, no second one.
        assertEquals(1, realm.admin().users().search(alice, true).size());
        assertEquals(synced.getId(), user(alice).getId());
        assertEquals(1, sessions(synced), "the Kerberos sign-in opened a session of the synced user");

        // Without a ticket: Keycloak's 401 Negotiate page falls through to the password form.
        Curl challenge = curl("no ticket", null, authUrl(), null);
        assertEquals(401, challenge.status(), challenge::toString);
        assertTrue(challenge.headers().contains("WWW-Authenticate: Negotiate"), challenge::toString);
        Matcher action = Pattern.compile("ACTION=\"([^\"]+)\"").matcher(challenge.body());
        assertTrue(action.find(), challenge::toString);
        Curl form = curl("no ticket", null, action.group(1).replace("&amp;", "&"), "");
        assertEquals(200, form.status(), form::toString);
        assertTrue(form.body().contains("name=\"password\""), "the password form: " + form);

        // A disabled user with a valid ticket is refused after SPNEGO, by the directory status.
        Path bobCache = kinit(bob, PW);
        setStatus("/users/" + user(bob).getId(), "disabled");
        Curl disabled = curl("bob", bobCache, authUrl(), null);
        assertFalse(disabled.location().contains("code="), disabled::toString);
        // Its account is off (rule 11), which Keycloak's own Kerberos step would not take, falling through to the
        // password form: the flow's ticket step tells it why straight after the ticket, no password form. (The status
        // step after the ticket is for accounts still on: afterATicketTheStatusStepRefusesAUserWhoseAccountIsStillOn.)
        assertEquals(401, disabled.status(), disabled::toString);
        assertTrue(disabled.body().contains(ACCOUNT_DISABLED), "refused as disabled after the ticket: " + disabled);
        assertFalse(disabled.body().contains("name=\"password\""), "no password form: " + disabled);
        assertEquals(0, sessions(user(bob)));

        // A trashed user with a valid ticket is refused, and stays in the trash (Keycloak's LDAP provider would
        // delete the account it no longer finds in scope to re-create it).
        Path carolCache = kinit(carol, PW);
        ldap.removeMember(staff, carolDn);
        JsonNode trashing = sync(id);
        assertEquals(1, trashing.at("/counts/trashed").asInt(), trashing::toString);
        String carolId = user(carol).getId();
        Curl trashed = curl("carol", carolCache, authUrl(), null);
        assertFalse(trashed.location().contains("code="), trashed::toString);
        assertEquals(401, trashed.status(), trashed::toString);
        assertTrue(trashed.body().contains(ACCOUNT_REMOVED), "refused as removed after the ticket: " + trashed);
        assertFalse(trashed.body().contains("name=\"password\""), "no password form: " + trashed);
        assertEquals(carolId, user(carol).getId(), "the trashed account is kept");
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt(), "still in the trash");
        assertEquals(0, sessions(user(carol)));

        // SPNEGO off: the flow's Kerberos step goes off with it, and a ticket no longer signs anyone in.
        settings.put("kerberos", kerberos(false, false));
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", settings)).status());
        assertEquals("DISABLED", kerberosStep());
        Curl off = curl("alice again", aliceCache, authUrl(), null);
        assertEquals(200, off.status(), off::toString);
        assertTrue(off.body().contains("name=\"password\""), "straight to the password form: " + off);
    }

    @Test
    void passwordsAreCheckedByTheKdcWhenTheDirectorySaysSo() throws Exception {
        String dave = name("kd");
        String daveDn = ldap.user(dave, "Dave", "Kerberos", null);
        String staff = ldap.group("Staff" + dave, daveDn);
        Map<String, Object> settings = settings(staff, true, true);
        String id = createDirectory(settings);
        sync(id);

        assertEquals(200, login(dave, PW), "the AD password, accepted by the KDC");
        Http.Result wrong = loginResult(dave, "Wrong-Passw0rd!");
        assertNotEquals(200, wrong.status(), wrong::toString);
        assertTrue(wrong.body().contains("invalid_grant"), "a wrong one refused: " + wrong);

        // The KDC, not an LDAP bind, decides: moved to a realm no KDC serves (krb5.conf knows none; its keytab made
        // here holds a key of the service principal there, so the settings pass), the right password is refused
        // although an LDAP bind with it would pass.
        Path nowhereKeyTab = work.resolve("nowhere.keytab");
        Files.write(nowhereKeyTab, TestKeyTabs.of("HTTP", host, "NOWHERE.TEST"));
        Map<String, Object> nowhere = new LinkedHashMap<>(settings);
        Map<String, Object> krb = kerberos(true, true);
        krb.put("realm", "NOWHERE.TEST");
        krb.put("serverPrincipal", "HTTP/" + host + "@NOWHERE.TEST");
        krb.put("keyTab", nowhereKeyTab.toString());
        nowhere.put("kerberos", krb);
        Http.Result moved = dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", nowhere));
        assertEquals(200, moved.status(), moved::toString);
        Http.Result noKdc = loginResult(dave, PW);
        assertNotEquals(200, noKdc.status(), "no KDC for the realm, yet signed in: Keycloak bound to LDAP: " + noKdc);
        assertFalse(noKdc.body().contains("access_token"), noKdc::toString);

        // ... and with the KDC's realm back, accepted again; with the KDC off, the LDAP bind accepts it as well.
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", settings)).status());
        assertEquals(200, login(dave, PW), "back in the KDC's realm");
        nowhere.put("kerberos", Map.of("realm", "NOWHERE.TEST"));
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", nowhere)).status());
        assertEquals("false", realm.admin().components().component(id).toRepresentation().getConfig()
            .getFirst("useKerberosForPasswordAuthentication"));
        assertEquals(200, login(dave, PW), "Kerberos off: the LDAP bind, whatever the realm");

        // Passwords through the KDC without Kerberos authentication allowed: Keycloak would bind to LDAP, so refused.
        settings.put("kerberos", kerberos(false, true));
        Http.Result half = dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", settings));
        assertEquals(400, half.status(), half::toString);
        assertTrue(half.body().contains("useKerberosForPasswordAuthentication needs allowKerberosAuthentication true"),
            half::toString);
    }

    @Test
    void theSettingsAreShownAndCheckedAgainstTheServerSKeytab() throws Exception {
        Map<String, Object> settings = settings(ldap.group("Empty" + name("g")), true, true);
        String id = createDirectory(settings);
        JsonNode shown = dirsync.admin("GET", "/directories/" + id, null).json().at("/settings/kerberos");
        assertEquals(REALM, shown.get("realm").asText());
        assertEquals("HTTP/" + host + "@" + REALM, shown.get("serverPrincipal").asText());
        assertEquals(keyTab, shown.get("keyTab").asText(), "the keytab's path is shown, never its keys");
        assertTrue(shown.get("allowKerberosAuthentication").asBoolean());

        Map<String, String> component = realm.admin().components().component(id).toRepresentation().getConfig()
            .entrySet().stream().collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue().get(0)), Map::putAll);
        assertEquals("true", component.get("allowKerberosAuthentication"), component::toString);
        assertEquals("true", component.get("useKerberosForPasswordAuthentication"), component::toString);
        assertEquals(REALM, component.get("kerberosRealm"));
        assertEquals(keyTab, component.get("keyTab"));

        // The keytab holds HTTP/<host>, not HTTP/other.host: refused with what to do.
        Map<String, Object> other = new LinkedHashMap<>(settings);
        Map<String, Object> krb = kerberos(true, false);
        krb.put("serverPrincipal", "HTTP/other.example.test@" + REALM);
        other.put("kerberos", krb);
        Http.Result wrongPrincipal = dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", other));
        assertEquals(400, wrongPrincipal.status(), wrongPrincipal::toString);
        assertTrue(wrongPrincipal.body().contains("holds no key for HTTP/other.example.test@" + REALM), wrongPrincipal::toString);
        assertEquals("HTTP/" + host + "@" + REALM, realm.admin().components().component(id).toRepresentation().getConfig()
            .getFirst("serverPrincipal"), "nothing written");
    }

    @Test
    void aTicketIsFollowedByTheSecondFactorAsAPasswordIs() throws Exception {
        String olga = name("ko");
        String olgaDn = ldap.user(olga, "Olga", "Kerberos", null);
        String id = createDirectory(settings(ldap.group("Staff" + olga, olgaDn), true, false));
        sync(id);
        Path cache = kinit(olga, PW);

        // No OTP yet: after SPNEGO, Keycloak's OTP setup (as after a password), and no password form.
        Curl setup = follow("olga", curl("olga", cache, authUrl(), null));
        assertEquals(200, setup.status(), setup::toString);
        assertTrue(setup.body().contains("kc-totp-settings-form") && setup.body().contains("CONFIGURE_TOTP"),
            "a user without OTP signed in by a ticket is sent to the OTP setup: " + setup);
        assertFalse(setup.body().contains("name=\"password\""), setup::toString);
        assertEquals(0, sessions(user(olga)), "no session before the second factor");
        String secret = LoginPages.inputValue(new LoginPages.Page(200, setup.body(), null), "totpSecret");
        Curl enrolled = curl("olga", null, action(setup), form(Map.of("totp", LoginPages.totp(secret),
            "totpSecret", secret, "userLabel", "phone")));
        assertTrue(signedIn(enrolled), "the OTP set up, signed in: " + enrolled);

        // With OTP (another browser): the OTP form after SPNEGO; a wrong code refused, the right one signs in.
        Curl otp = follow("olga at work", curl("olga at work", cache, authUrl(), null));
        assertEquals(200, otp.status(), otp::toString);
        assertTrue(otp.body().contains("name=\"otp\""), "the OTP form after the ticket: " + otp);
        assertFalse(otp.body().contains("name=\"password\""), otp::toString);
        String right = LoginPages.totp(secret, 1); // the next step's code: the setup's own is not accepted twice
        String wrongCode = right.substring(0, 5) + (char) ('0' + (right.charAt(5) - '0' + 5) % 10);
        Curl wrong = curl("olga at work", null, action(otp), form(Map.of("otp", wrongCode)));
        assertFalse(signedIn(wrong), wrong::toString);
        assertTrue(wrong.body().contains(INVALID_CODE) && wrong.body().contains("name=\"otp\""),
            "a wrong code is refused, the form shown again: " + wrong);
        assertEquals(1, sessions(user(olga)), "only the first browser's session");
        Curl signed = curl("olga at work", null, action(wrong), form(Map.of("otp", right)));
        assertTrue(signedIn(signed), "the right code signs in: " + signed);
        assertEquals(2, sessions(user(olga)));
    }

    @Test
    void afterATicketTheStatusStepRefusesAUserWhoseAccountIsStillOn() throws Exception {
        String ivan = name("ki");
        String ivanDn = ldap.user(ivan, "Ivan", "Kerberos", null);
        String id = createDirectory(settings(ldap.group("Staff" + ivan, ivanDn), true, false));
        sync(id);
        // As in LoginPolicyTest#theStatusStepRefusesAUserWhoseAccountIsStillOn: a group moved under a disabled parent
        // leaves its members' accounts on, so Keycloak's SPNEGO step lets the ticket through and only the directory
        // status after it can refuse.
        String ivanId = user(ivan).getId();
        String night = localGroup("Night shift " + ivan);
        realm.admin().users().get(ivanId).joinGroup(night);
        String contractors = localGroup("Contractors " + ivan);
        setStatus("/groups/" + contractors, "disabled");
        GroupRepresentation moved = realm.admin().groups().group(night).toRepresentation();
        realm.admin().groups().group(contractors).subGroup(moved).close();
        assertEquals("disabled", dirsync.admin("GET", "/users/" + ivanId, null).json().get("effectiveStatus").asText());
        Assumptions.assumeTrue(realm.admin().users().get(ivanId).toRepresentation().isEnabled(),
            "the gap is closed: find another way to reach the status step with an account still on");

        Curl refused = follow("ivan", curl("ivan", kinit(ivan, PW), authUrl(), null));
        assertFalse(signedIn(refused), refused::toString);
        assertEquals(401, refused.status(), "the status step's error page: " + refused);
        assertTrue(refused.body().contains(GROUP_DISABLED), refused::toString);
        assertFalse(refused.body().contains("Contractors"), "the group is never named to the user");
        assertFalse(refused.body().contains("kc-totp-settings-form"), "refused before any second factor");
        assertEquals(0, sessions(user(ivan)));
    }

    @Test
    void aPasswordCheckedByAnUnreachableKdcGetsThisPage() throws Exception {
        String erin = name("ke");
        String erinDn = ldap.user(erin, "Erin", "Kerberos", null);
        Map<String, Object> settings = settings(ldap.group("Staff" + erin, erinDn), true, true);
        // The realm's KDC in krb5.conf is a closed port (.ci/ldap-suites.sh writes CLOSED.TEST); the keytab made here
        // holds the service principal's key there, so the settings pass.
        Path closedKeyTab = work.resolve("closed.keytab");
        Files.write(closedKeyTab, TestKeyTabs.of("HTTP", host, CLOSED_REALM));
        Map<String, Object> krb = kerberos(true, true);
        krb.put("realm", CLOSED_REALM);
        krb.put("serverPrincipal", "HTTP/" + host + "@" + CLOSED_REALM);
        krb.put("keyTab", closedKeyTab.toString());
        settings.put("kerberos", krb);
        String id = createDirectory(settings);
        sync(id);

        // The form again with a message that says the sign-in server does not answer (not Keycloak's error page about an
        // identity provider): the LDAP bind is not tried instead, and the user is not told its password is wrong.
        Curl page = passwordForm("erin", erin, PW);
        assertFalse(signedIn(page), page::toString);
        assertTrue(page.body().contains(KDC_UNREACHABLE), "what a user sees when the KDC cannot be reached: " + page);
        assertTrue(page.body().contains("name=\"password\""), "the form, to try again: " + page);
        assertFalse(page.body().contains(INVALID_CREDENTIALS) || page.body().contains(KEYCLOAK_GENERIC_ERROR),
            page::toString);
        assertEquals(0, sessions(user(erin)));

        // The same password through the reachable KDC: not that page, the second factor's setup.
        settings.put("kerberos", kerberos(true, true));
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("name", "Kerberos AD", "settings", settings))
            .status());
        Curl reachable = passwordForm("erin again", erin, PW);
        assertFalse(reachable.body().contains(KDC_UNREACHABLE), reachable::toString);
        assertTrue(reachable.body().contains("kc-totp-settings-form"), reachable::toString);
    }

    // ------------------------------------------------------------------ helpers

    static String name(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 6);
    }

    Map<String, Object> kerberos(boolean spnego, boolean passwords) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("realm", REALM);
        k.put("serverPrincipal", "HTTP/" + host + "@" + REALM);
        k.put("keyTab", keyTab);
        k.put("allowKerberosAuthentication", spnego);
        k.put("useKerberosForPasswordAuthentication", passwords);
        k.put("debug", false);
        return k;
    }

    Map<String, Object> settings(String group, boolean spnego, boolean passwords) {
        Map<String, Object> settings = ldap.settings("sAMAccountName");
        settings.put("syncedGroups", List.of(group));
        settings.put("kerberos", kerberos(spnego, passwords));
        return settings;
    }

    String createDirectory(Map<String, Object> settings) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", "Kerberos AD",
            "settings", settings));
        assertEquals(201, created.status(), created::toString);
        return created.json().get("id").asText();
    }

    JsonNode sync(String id) {
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "full"));
        assertEquals(200, r.status(), r::toString);
        assertEquals("completed", r.json().get("status").asText(), r::toString);
        return r.json();
    }

    UserRepresentation user(String username) {
        List<UserRepresentation> found = realm.admin().users().search(username, true);
        return found.isEmpty() ? null : found.get(0);
    }

    int sessions(UserRepresentation u) {
        return realm.admin().users().get(u.getId()).getUserSessions().size();
    }

    void setStatus(String subject, String status) {
        Http.Result r = dirsync.admin("PUT", subject + "/status", Map.of("status", status));
        assertEquals(200, r.status(), r::toString);
    }

    /** Follows the redirects of a page with the cookies of {@code browser}, up to a page or the return to the client. */
    Curl follow(String browser, Curl page) throws Exception {
        for (int hops = 0; page.status() / 100 == 3 && !page.location().startsWith(LoginPages.CALLBACK); hops++) {
            assertTrue(hops < 10, "too many redirects: " + page);
            page = curl(browser, null, page.location(), null);
        }
        return page;
    }

    /** The target of the page's login-actions form (an OTP form, the OTP setup, the password form). */
    static String action(Curl page) {
        Matcher m = Pattern.compile("action=\"([^\"]*login-actions[^\"]*)\"").matcher(page.body());
        assertTrue(m.find(), "no form on the page: " + page);
        return m.group(1).replace("&amp;", "&");
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }

    static boolean signedIn(Curl page) {
        return page.status() == 302 && page.location().startsWith(LoginPages.CALLBACK) && page.location().contains("code=");
    }

    /** A browser without a ticket: Keycloak's 401 Negotiate page, through to the password form, submitted. */
    Curl passwordForm(String browser, String username, String password) throws Exception {
        Curl challenge = curl(browser, null, authUrl(), null);
        assertEquals(401, challenge.status(), challenge::toString);
        Matcher negotiate = Pattern.compile("ACTION=\"([^\"]+)\"").matcher(challenge.body());
        assertTrue(negotiate.find(), challenge::toString);
        Curl login = curl(browser, null, negotiate.group(1).replace("&amp;", "&"), "");
        assertTrue(login.body().contains("name=\"password\""), login::toString);
        return follow(browser, curl(browser, null, action(login), form(Map.of("username", username, "password", password))));
    }

    String localGroup(String name) {
        GroupRepresentation g = new GroupRepresentation();
        g.setName(name);
        try (Response r = realm.admin().groups().add(g)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    /** The requirement of the login flow's Kerberos sub-flow. */
    String kerberosStep() {
        return realm.admin().flows().getExecutions("directory sync browser").stream()
            .filter(e -> "directory sync kerberos".equals(e.getDisplayName())).findFirst().orElseThrow().getRequirement();
    }

    int login(String username, String password) {
        return loginResult(username, password).status();
    }

    Http.Result loginResult(String username, String password) {
        String form = "grant_type=password&client_id=cli&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return Http.send("POST", urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token", null, form,
            Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    /** The browser flow's authorization request, on the host the service principal names. */
    String authUrl() {
        return base() + "/realms/" + realm.getName() + "/protocol/openid-connect/auth?response_type=code&scope=openid"
            + "&client_id=" + webClient + "&redirect_uri=" + URLEncoder.encode(LoginPages.CALLBACK, StandardCharsets.UTF_8);
    }

    String base() {
        return urls.getBase().replace("localhost", host);
    }

    /** {@code kinit} as {@code user}: a credential cache of its own holding the user's ticket-granting ticket. */
    Path kinit(String user, String password) throws Exception {
        Path cache = work.resolve("cc-" + user);
        Run r = run(List.of("kinit", user + "@" + REALM), Map.of("KRB5CCNAME", "FILE:" + cache), password + "\n");
        assertEquals(0, r.exit(), "kinit " + user + ": " + r.output());
        return cache;
    }

    record Curl(int status, String location, String headers, String body) {
    }

    /**
     * One request as a browser on a desktop signed in to AD makes it: {@code curl --negotiate} with the credential cache
     * (none: no ticket) and the cookies of its {@code browser}; a POST when {@code form} is given.
     */
    Curl curl(String browser, Path cache, String url, String form) throws Exception {
        Path cookies = work.resolve("cookies-" + browser.replace(' ', '-'));
        Path headers = work.resolve("headers");
        Path body = work.resolve("body");
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-D", headers.toString(), "-o", body.toString(),
            "-w", "%{http_code} %{redirect_url}", "-c", cookies.toString(), "-b", cookies.toString()));
        if (cache != null) {
            cmd.addAll(List.of("--negotiate", "-u", ":"));
        }
        if (form != null) {
            cmd.addAll(List.of("--data", form));
        }
        cmd.add(url);
        Run r = run(cmd, cache == null ? Map.of("KRB5CCNAME", "FILE:" + work.resolve("none")) : Map.of("KRB5CCNAME",
            "FILE:" + cache), null);
        assertEquals(0, r.exit(), "curl: " + r.output());
        String[] out = r.output().trim().split(" ", 2);
        return new Curl(Integer.parseInt(out[0]), out.length > 1 ? out[1] : "", Files.readString(headers),
            Files.readString(body));
    }

    record Run(int exit, String output) {
    }

    static Run run(List<String> cmd, Map<String, String> env, String input) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no answer: " + cmd);
        return new Run(p.exitValue(), out);
    }
}
