package io.dirsync.entra;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.Groups;
import io.dirsync.engine.SyncConflictException;

/**
 * The settings of a Microsoft Entra ID directory (type {@code entra}), read from the directory's settings JSON.
 *
 * <pre>
 * tenantId             the tenant's id (a GUID) or one of its verified domains (contoso.onmicrosoft.com)
 * clientId             the app registration's application (client) id; its application permissions: User.Read.All and
 *                      GroupMember.Read.All (Group.Read.All or Directory.Read.All also do), admin-consented
 * clientCredential     "secret" (default) or "certificate": how the app signs in
 * clientSecret         the app's client secret (kept beside the directory, never shown again; write-only)
 * certificate          with "certificate": the PEM certificate uploaded to the app registration (public; shown back
 *                      with its thumbprint, subject and dates)
 * privateKey           with "certificate": its unencrypted RSA private key, PEM PKCS#8 or PKCS#1 (kept beside the
 *                      directory like the secret; write-only)
 * authorityHost        https://login.microsoftonline.com (default; US Gov https://login.microsoftonline.us,
 *                      China https://login.chinacloudapi.cn)
 * graphEndpoint        https://graph.microsoft.com (default; US Gov https://graph.microsoft.us,
 *                      China https://microsoftgraph.chinacloudapi.cn)
 * syncedGroups         object ids of the groups whose members are synced
 * transitiveMembers    true: members of groups nested in a synced (or admin) group are in scope too (default false)
 * adminGroups          [{"group": object id, "role": ...}]: rule 12, the engine's setting
 * usernameAttribute    userPrincipalName (default), mail, onPremisesSamAccountName, employeeId, ... (fixed after the
 *                      first successful sync)
 * emailAttribute, firstNameAttribute, lastNameAttribute   defaults mail, givenName, surname
 * mappings             [{"source": Graph user property, "target": Keycloak attribute}]: e.g. otherMails → alias1,
 *                      mobilePhone → mobile, businessPhones → phone, extension_&lt;appId&gt;_costCenter → costCenter
 * identityProvider     alias of the realm's identity provider its users sign in with (Keycloak's "Microsoft" provider,
 *                      whose user id is the Entra object id); each synced user is linked to it by object id
 * passwordSignIn       whether its users may sign in with a Keycloak password, a JSON boolean (default: only without
 *                      identityProvider; read by {@link EntraDirectoryTypeFactory#passwordSignIn})
 * pageSize             users per Graph page (default and maximum 999)
 * fullSyncMinutes, incrementalSyncMinutes, adminSyncMinutes   schedule (720, 15, 30); schedulePaused: true stops all
 * </pre>
 */
public final class EntraSettings {

    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    static final String DEFAULT_GRAPH = "https://graph.microsoft.com";
    /** Graph's largest page. */
    static final int MAX_PAGE = 999;

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");
    /** A Graph property name as $select takes it (extension attributes included). */
    private static final Pattern PROPERTY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,127}");

    final String tenantId;
    final String clientId;
    /** {@link AppCredential#SECRET} or {@link AppCredential#CERTIFICATE}. */
    final String clientCredential;
    /** The PEM certificate of a certificate credential, else null. */
    final String certificate;
    final String authorityHost;
    final String graphEndpoint;
    final List<String> syncedGroups;
    final boolean transitiveMembers;
    final String usernameAttribute;
    final String emailAttribute;
    final String firstNameAttribute;
    final String lastNameAttribute;
    final List<AttributeMapping> mappings;
    final String identityProvider;
    final int pageSize;

    private EntraSettings(ObjectNode s, List<AttributeMapping> mappings) {
        tenantId = text(s, "tenantId", null);
        clientId = text(s, "clientId", null);
        clientCredential = text(s, "clientCredential", AppCredential.SECRET);
        certificate = text(s, "certificate", null);
        authorityHost = stripSlash(text(s, "authorityHost", DEFAULT_AUTHORITY));
        graphEndpoint = stripSlash(text(s, "graphEndpoint", DEFAULT_GRAPH));
        Set<String> groups = new LinkedHashSet<>();
        for (JsonNode g : s.path("syncedGroups")) {
            if (g.isTextual() && !g.asText().isBlank()) {
                groups.add(g.asText().trim().toLowerCase(Locale.ROOT));
            }
        }
        syncedGroups = List.copyOf(groups);
        transitiveMembers = s.path("transitiveMembers").asBoolean(false);
        usernameAttribute = text(s, "usernameAttribute", "userPrincipalName");
        emailAttribute = text(s, "emailAttribute", "mail");
        firstNameAttribute = text(s, "firstNameAttribute", "givenName");
        lastNameAttribute = text(s, "lastNameAttribute", "surname");
        this.mappings = mappings;
        identityProvider = text(s, "identityProvider", null);
        pageSize = Math.min(MAX_PAGE, Math.max(1, s.path("pageSize").asInt(MAX_PAGE)));
    }

    public static EntraSettings of(Directory directory) {
        return new EntraSettings(directory.settings(), directory.mappings());
    }

    /** Settings an admin typed (not saved yet), for the admin actions. */
    static EntraSettings typed(ObjectNode settings) {
        return new EntraSettings(settings == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : settings, List.of());
    }

    /** Checks what a new or changed Entra directory needs before anything is written; the message says what to fix. */
    static void validate(ObjectNode settings, List<AttributeMapping> mappings) {
        EntraSettings s = new EntraSettings(settings, mappings);
        if (s.tenantId == null || !(GUID.matcher(s.tenantId).matches() || DOMAIN.matcher(s.tenantId).matches())) {
            throw invalid("settings.tenantId is required: the tenant's id (a GUID, Entra admin center → Overview → Tenant ID)"
                + " or one of its verified domains");
        }
        if (s.clientId == null || !GUID.matcher(s.clientId).matches()) {
            throw invalid("settings.clientId is required: the app registration's Application (client) ID, a GUID");
        }
        if (!AppCredential.SECRET.equals(s.clientCredential) && !AppCredential.CERTIFICATE.equals(s.clientCredential)) {
            throw invalid("settings.clientCredential must be \"secret\" or \"certificate\"; it is '" + s.clientCredential + "'");
        }
        url("settings.authorityHost", s.authorityHost);
        url("settings.graphEndpoint", s.graphEndpoint);
        for (JsonNode g : settings.path("syncedGroups")) {
            groupId("settings.syncedGroups", g.asText());
        }
        if (settings.has("syncedGroups") && !settings.get("syncedGroups").isArray()) {
            throw invalid("settings.syncedGroups must be a list of group object ids");
        }
        for (String p : s.properties()) {
            if (!PROPERTY.matcher(p).matches()) {
                throw invalid("'" + p + "' is not a Microsoft Graph user property name (letters, digits and _, e.g. "
                    + "mail, employeeId, extension_<appId>_costCenter)");
            }
        }
        // Read with a default (EntraDirectoryTypeFactory#passwordSignIn): "yes" or "on" would silently mean the default,
        // e.g. no password sign-in with an identity provider when one was meant; strings and numbers Jackson would read
        // as booleans ("true", 1) are refused as well, so the saved setting is what the console and the API show.
        JsonNode passwordSignIn = settings.path("passwordSignIn");
        if (!passwordSignIn.isMissingNode() && !passwordSignIn.isNull() && !passwordSignIn.isBoolean()) {
            throw invalid("settings.passwordSignIn must be true or false (a JSON boolean); it is " + passwordSignIn);
        }
        int page = settings.path("pageSize").asInt(MAX_PAGE);
        if (page < 1 || page > MAX_PAGE) {
            throw invalid("settings.pageSize must be between 1 and " + MAX_PAGE + " (Graph's largest page)");
        }
    }

    /** Rule 6 and 8's comparison of group object ids: trimmed, lower-cased (Graph answers ids in lower case). */
    static final Groups.ExternalIds GROUP_IDS = id -> id.trim().toLowerCase(Locale.ROOT);

    /** A group's object id in its canonical (lower-case) form; says why a value is not one. */
    static String groupId(String where, String value) {
        String v = value == null ? "" : value.trim();
        if (!GUID.matcher(v).matches()) {
            throw invalid(where + ": '" + value + "' is not a group object id (a GUID such as "
                + "0b4f0a5e-1c2d-4e3f-8a9b-0c1d2e3f4a5b; search the tenant's groups to find it)");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /** The Graph user properties a run reads ($select): id, the enabled flag and every mapped source. */
    List<String> properties() {
        Set<String> p = new LinkedHashSet<>(List.of("id", "accountEnabled", "userPrincipalName"));
        p.add(usernameAttribute);
        p.add(emailAttribute);
        p.add(firstNameAttribute);
        p.add(lastNameAttribute);
        mappings.forEach(m -> p.add(m.source()));
        return new ArrayList<>(p);
    }

    boolean usesCertificate() {
        return AppCredential.CERTIFICATE.equals(clientCredential);
    }

    /** The token endpoint of the tenant: where the token is asked for, and the audience of a client assertion. */
    String tokenUrl() {
        return authorityHost + "/" + java.net.URLEncoder.encode(tenantId, java.nio.charset.StandardCharsets.UTF_8)
            + "/oauth2/v2.0/token";
    }

    /** The token scope of the Graph endpoint: its {@code /.default} (the app's granted application permissions). */
    String scope() {
        return graphEndpoint + "/.default";
    }

    private static void url(String where, String value) {
        try {
            URI u = URI.create(value);
            if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw invalid(where + " must be an https URL such as https://login.microsoftonline.com; it is '" + value + "'");
        }
    }

    private static String stripSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String text(ObjectNode s, String key, String fallback) {
        JsonNode n = s.get(key);
        return n == null || n.isNull() || n.asText().isBlank() ? fallback : n.asText().trim();
    }

    static SyncConflictException invalid(String message) {
        return new SyncConflictException(SyncConflictException.Kind.INVALID, message);
    }
}
