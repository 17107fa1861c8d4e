package io.dirsync.entra;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;

/**
 * The Entra type's admin actions, on settings an admin is typing (the wizard) or a saved directory's:
 * <ul>
 * <li>{@code test-connection}: the app's token, then one read per permission a sync needs; the answer names what is
 * wrong (tenant, client id, secret, the missing permission, the network);</li>
 * <li>{@code search-groups}: the tenant's groups whose name starts with {@code search} (object id and name), for the
 * synced and admin groups.</li>
 * </ul>
 * A stored client secret (or certificate key) stands in for one not typed only with the saved tenant, client id and hosts,
 * so that it (or an assertion signed with it) is never sent anywhere else. A typed certificate and key are checked as
 * when saved (a mismatch is a 400 that says so, not a question to Entra).
 */
final class EntraAdminActions {

    static final String TEST_CONNECTION = "test-connection";
    static final String SEARCH_GROUPS = "search-groups";
    static final List<String> ACTIONS = List.of(TEST_CONNECTION, SEARCH_GROUPS);
    static final int DEFAULT_MAX = 20;
    static final int MAX_MAX = 100;
    private static final int MAX_SEARCH_LENGTH = 120;

    /** The answer of the test: {@code ok}, what it found or what to fix, and each check. */
    record TestResult(boolean ok, String message, List<Check> checks) {
    }

    /** One check of the test: what it needed ({@code User.Read.All}, ...), whether it passed, what Graph said. */
    record Check(String name, boolean ok, String message) {
    }

    /** A group of the tenant: its object id (what {@code syncedGroups} and {@code adminGroups} name) and name. */
    record FoundGroup(String id, String name, String description) {
    }

    record GroupSearch(List<FoundGroup> groups, boolean more) {
    }

    private final KeycloakSession session;

    EntraAdminActions(KeycloakSession session) {
        this.session = session;
    }

    Object run(String action, ObjectNode body, Directory existing) {
        return switch (action) {
            case TEST_CONNECTION -> test(body, existing);
            case SEARCH_GROUPS -> search(body, existing);
            default -> null;
        };
    }

    private TestResult test(ObjectNode body, Directory existing) {
        GraphClient graph = client(body, existing);
        List<Check> checks = new ArrayList<>();
        try {
            graph.token(true);
            checks.add(new Check("token", true, "The app signed in to tenant '" + settings(body, existing).tenantId + "'"));
        } catch (GraphClient.GraphException e) {
            checks.add(new Check("token", false, e.getMessage()));
            return new TestResult(false, e.getMessage(), checks);
        }
        checks.add(probe(graph, "User.Read.All", graph.url("/users", "$select", "id", "$top", "1")));
        Check groups = probe(graph, "GroupMember.Read.All", graph.url("/groups", "$select", "id", "$top", "1"));
        checks.add(groups);
        if (groups.ok()) {
            String first = firstGroup(graph);
            if (first != null) {
                checks.add(probe(graph, "GroupMember.Read.All (members)",
                    graph.url("/groups/" + first + "/members", "$select", "id", "$top", "1")));
            }
        }
        List<String> failed = checks.stream().filter(c -> !c.ok()).map(Check::message).toList();
        return failed.isEmpty()
            ? new TestResult(true, "Connected: the app can read the tenant's users, groups and members", checks)
            : new TestResult(false, String.join("; ", failed), checks);
    }

    private static Check probe(GraphClient graph, String permission, String url) {
        try {
            graph.page(url, false);
            return new Check(permission, true, "granted");
        } catch (GraphClient.GraphException e) {
            String message = e.status == 403 ? "The app lacks the application permission " + permission.split(" ")[0]
                + " (grant it in the app registration's API permissions, then admin consent)" : e.getMessage();
            return new Check(permission, false, message);
        }
    }

    private static String firstGroup(GraphClient graph) {
        try {
            GraphClient.Page page = graph.page(graph.url("/groups", "$select", "id", "$top", "1"), false);
            return page.values().isEmpty() ? null : EntraSync.id(page.values().get(0));
        } catch (GraphClient.GraphException e) {
            return null;
        }
    }

    private GroupSearch search(ObjectNode body, Directory existing) {
        String search = body.path("search").asText("").trim();
        if (search.length() > MAX_SEARCH_LENGTH) {
            throw EntraSettings.invalid("'search' is at most " + MAX_SEARCH_LENGTH + " characters");
        }
        int max = body.path("max").asInt(DEFAULT_MAX);
        if (max < 1 || max > MAX_MAX) {
            throw EntraSettings.invalid("'max' must be between 1 and " + MAX_MAX);
        }
        GraphClient graph = client(body, existing);
        List<String> query = new ArrayList<>(List.of("$select", "id,displayName,description", "$top", String.valueOf(max + 1)));
        if (!search.isEmpty()) {
            query.add("$filter");
            query.add("startswith(displayName,'" + search.replace("'", "''") + "')");
        }
        GraphClient.Page page;
        try {
            page = graph.page(graph.url("/groups", query.toArray(String[]::new)), false);
        } catch (GraphClient.GraphException e) {
            throw EntraSettings.invalid("Could not search the tenant's groups: " + e.getMessage());
        }
        List<FoundGroup> found = new ArrayList<>();
        for (ObjectNode g : page.values()) {
            if (found.size() == max) {
                break;
            }
            found.add(new FoundGroup(EntraSync.id(g), g.path("displayName").asText(""),
                GraphClient.textOrNull(g.get("description"))));
        }
        return new GroupSearch(found, page.values().size() > max || page.nextLink() != null);
    }

    // ------------------------------------------------------------------ what to connect with

    private static EntraSettings settings(ObjectNode body, Directory existing) {
        JsonNode typed = body.get("settings");
        if (typed != null && !typed.isNull() && !typed.isObject()) {
            throw EntraSettings.invalid("'settings' must be a JSON object: the directory's settings as they would be saved");
        }
        ObjectNode settings = typed instanceof ObjectNode o ? o : existing != null ? existing.settings() : null;
        if (settings == null) {
            throw EntraSettings.invalid("Send {\"settings\": {\"tenantId\": ..., \"clientId\": ..., \"clientSecret\": ...}}: "
                + "the settings to test");
        }
        ObjectNode copy = settings.deepCopy();
        copy.remove(EntraSync.CLIENT_SECRET);
        copy.remove(ClientCertificate.PRIVATE_KEY);
        EntraSettings.validate(copy, List.of());
        return EntraSettings.typed(copy);
    }

    private GraphClient client(ObjectNode body, Directory existing) {
        EntraSettings s = settings(body, existing);
        return new GraphClient(session.getProvider(HttpClientProvider.class).getHttpClient(), s, credential(body, s, existing));
    }

    /** The typed secret or certificate key, else the saved directory's, only for its saved tenant, client and hosts. */
    private AppCredential credential(ObjectNode body, EntraSettings typed, Directory existing) {
        JsonNode settings = body.path("settings");
        String name = typed.usesCertificate() ? ClientCertificate.PRIVATE_KEY : EntraSync.CLIENT_SECRET;
        JsonNode value = settings.get(name);
        String given = value == null || value.isNull() ? null : value.asText();
        if (EntraDirectoryTypeProvider.unchanged(given)) {
            String stored = existing == null ? null : DirectorySyncEngine.of(session).directories().secret(existing, name);
            if (stored == null || stored.isEmpty()) {
                throw EntraSettings.invalid(typed.usesCertificate()
                    ? "settings.privateKey is required: the PEM private key of the certificate"
                    : "settings.clientSecret is required: the Value of a client secret of the app");
            }
            EntraDirectoryTypeProvider.requireSameApp(typed, EntraSettings.of(existing));
            given = stored;
        }
        return typed.usesCertificate() ? ClientCertificate.of(typed.certificate, given) : AppCredential.secret(given);
    }
}
