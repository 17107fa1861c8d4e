package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link GraphClient}'s own promises that a sync run cannot show without timing it: pacing near Graph's limit (the
 * waits are recorded by the client's {@code Sleeper}, not measured) and links to another host never followed (the
 * bearer token stays with the configured Graph endpoint). Against the Graph stand-in; no Keycloak needed.
 */
class GraphClientTest {

    private static CloseableHttpClient apache;

    private GraphStandIn graph;
    private final List<Long> waits = new ArrayList<>();

    @BeforeAll
    static void http() {
        apache = HttpClients.createDefault();
    }

    @AfterAll
    static void close() throws Exception {
        apache.close();
    }

    @BeforeEach
    void start() {
        graph = GraphStandIn.start();
        graph.addUser("ada@contoso.com", Map.of("displayName", "Ada"));
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private GraphClient client() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        return new GraphClient(apache, EntraSettings.typed(s), AppCredential.secret(GraphStandIn.CLIENT_SECRET), waits::add);
    }

    @Test
    void nearTheAppsLimitRequestsArePacedBeforeGraphAnswers429() {
        GraphClient client = client();
        String users = client.url("/users");

        client.page(users, false);
        client.page(users, false);
        assertEquals(List.of(), waits, "no x-ms-throttle-limit-percentage: no pacing");

        graph.throttleLimitPercentage(0.9);
        client.page(users, false); // answered at 90% of the limit: the next request waits
        assertEquals(List.of(), waits);
        client.page(users, false);
        assertEquals(List.of(550L), waits, "0.8 → 100 ms, 1.0 → 1 s: 0.9 → 550 ms");

        graph.throttleLimitPercentage(1.0);
        client.page(users, false); // still paced by the last answer (0.9); this one says 1.0
        client.page(users, false);
        assertEquals(List.of(550L, 550L, 1000L), waits);

        graph.throttleLimitPercentage(0.5);
        client.page(users, false); // paced by 1.0; this answer is below 0.8
        client.page(users, false);
        assertEquals(List.of(550L, 550L, 1000L, 1000L), waits, "below 0.8: full speed again");
        assertEquals(0, client.throttled(), "slowed down before Graph answered any 429");
    }

    @Test
    void aLinkToAnotherHostIsNotFollowedAndNothingIsSentAnywhere() throws Exception {
        try (ServerSocketChannel foreign = ServerSocketChannel.open()) {
            foreign.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            foreign.configureBlocking(false);
            int port = ((InetSocketAddress) foreign.getLocalAddress()).getPort();
            GraphClient client = client();

            for (String link : List.of("http://127.0.0.1:" + port + "/v1.0/users?$skiptoken=x",
                    // starts with the Graph endpoint's text, yet its host is the other one (what a prefix check lets through)
                    graph.url() + "@127.0.0.1:" + port + "/v1.0/users")) {
                GraphClient.GraphException e = assertThrows(GraphClient.GraphException.class, () -> client.page(link, false));
                assertEquals("foreign_link", e.code, e::getMessage);
            }
            // Refused before any I/O: no connection is waiting at the other host, and not even a token was asked for.
            assertNull(foreign.accept(), "a connection reached the other host");
            assertEquals(List.of(), graph.requests(), "the client sent something for a link it refused");
        }
    }
}
