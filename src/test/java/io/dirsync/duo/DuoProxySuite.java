package io.dirsync.duo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import com.duosecurity.client.Admin;
import com.duosecurity.client.Http;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;

/**
 * The reverse proxy of the README in front of a Duo Admin API directory, as an operator adds it: Debian's nginx with
 * the README's snippet (read from README.md between its {@code duo-nginx} markers; only the host name, the
 * certificate paths and the target (Keycloak's URL, realm, directory id) filled in), TLS on port 443 for {@code duo-api.example.test}; and both of Duo's official clients,
 * unmodified, through it: the Java client ({@code com.duosecurity:duo-client} 0.7.1, the test CA as its pin) and the
 * Node client ({@code @duosecurity/duo_api} 1.5.0, {@code src/test/node/duo-client.mjs}: HTTPS on 443 only).
 * <p>
 * Needs root, nginx and node, port 443 and a host name that resolves to 127.0.0.1: {@code .ci/duo-proxy.sh} runs it
 * in a private network namespace with a private /etc/hosts. Not in the default test run ({@code *Suite}).
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoProxySuite extends DirSyncIntegrationTest {

    static final String HOST = "duo-api.example.test";
    /** The host names of the README's snippet, replaced by this test's. */
    static final String README_HOST = "duo-api.example.com";
    static final String README_CERT = "/etc/nginx/tls/duo-api.crt";
    static final String README_KEY = "/etc/nginx/tls/duo-api.key";
    static final String README_TARGET = "http://keycloak:8080/realms/acme/dirsync/<directoryId>/duo/admin/";

    Path work;
    Process nginx;

    @AfterEach
    void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    @Test
    void bothOfficialClientsProvisionThroughTheReadmesNginxProxy() throws Exception {
        InetAddress resolved = resolve(HOST);
        assertTrue(resolved.isLoopbackAddress(), HOST + " must resolve to this machine: run .ci/duo-proxy.sh");

        var created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Proxied Duo",
            "settings", Map.of("apiHostname", HOST)));
        assertEquals(201, created.status(), created::toString);
        String id = created.json().get("id").asText();
        var setup = dirsync.admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        String ikey = setup.json().get("integrationKey").asText();
        String skey = setup.json().get("secretKey").asText();
        String endpoint = setup.json().get("endpoint").asText();
        assertTrue(endpoint.endsWith("/realms/" + realm.getName() + "/dirsync/" + id + "/duo"), endpoint);

        work = Files.createTempDirectory("duo-nginx");
        DuoTestCa ca = DuoTestCa.issue(HOST, "Directory Sync Duo proxy test CA");
        DuoTestCa.Files files = ca.writeTo(work, HOST);
        startNginx(id, files);

        javaClient(ikey, skey, ca, files);
        nodeClient(ikey, skey, files);
    }

    /** The README's snippet with this test's host, realm, id and certificate; nginx in the foreground. */
    private void startNginx(String directoryId, DuoTestCa.Files ca) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- duo-nginx:start[^>]*-->\\s*```nginx\\n(.*?)```\\s*<!-- duo-nginx:end -->", Pattern.DOTALL)
            .matcher(readme);
        assertTrue(m.find(), "README.md has the nginx snippet between <!-- duo-nginx:start --> and <!-- duo-nginx:end -->");
        String snippet = m.group(1);
        for (String placeholder : List.of(README_HOST, README_CERT, README_KEY, README_TARGET)) {
            assertTrue(snippet.contains(placeholder), "the README's snippet names " + placeholder + ":\n" + snippet);
        }
        String server = snippet
            .replace(README_CERT, ca.certificate().toString())
            .replace(README_KEY, ca.key().toString())
            .replace(README_HOST, HOST)
            // the test server's URL, realm and directory for the operator's
            .replace(README_TARGET, serverUrl() + "realms/" + realm.getName() + "/dirsync/" + directoryId + "/duo/admin/");
        Path temp = Files.createDirectories(work.resolve("temp"));
        temp.toFile().setWritable(true, false);
        String conf = "pid " + work.resolve("nginx.pid") + ";\n"
            + "error_log " + work.resolve("error.log") + " info;\n"
            + "events {}\n"
            + "http {\n"
            + "  access_log " + work.resolve("access.log") + ";\n"
            + "  client_body_temp_path " + temp + ";\n"
            + "  proxy_temp_path " + temp + ";\n"
            + server + "}\n";
        Path file = work.resolve("nginx.conf");
        Files.writeString(file, conf);
        System.out.println("nginx configuration:\n" + conf);
        String binary = System.getProperty("dirsync.nginx", "nginx");
        nginx = new ProcessBuilder(binary, "-p", work.toString(), "-c", file.toString(), "-g", "daemon off;")
            .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();
        for (int i = 0; i < 100; i++) {
            assertTrue(nginx.isAlive(), () -> "nginx stopped: " + read(work.resolve("nginx.out")) + read(work.resolve("error.log")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", 443), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("nginx did not listen on 443: " + read(work.resolve("error.log")));
    }

    private String serverUrl() {
        String base = urls.getBase();
        return base.endsWith("/") ? base : base + "/";
    }

    /** Duo's Java client as DuoAdminApiTest drives it, but straight to https://duo-api.example.test (443, nginx). */
    private void javaClient(String ikey, String skey, DuoTestCa ca, DuoTestCa.Files files) throws Exception {
        System.setProperty("javax.net.ssl.trustStore", files.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        JSONObject ann = ok(java(ikey, skey, ca, "POST", "/admin/v1/users", Map.of("username", "java.ann", "realname", "Ann Lee",
            "email", "java.ann@corp.test", "alias1", "java-alee", "alias2", "java-ann@corp.test"), 5)).getJSONObject("response");
        String id = ann.getString("user_id");
        assertEquals("java-alee", ann.getString("alias1"));
        assertEquals(id, ok(java(ikey, skey, ca, "GET", "/admin/v1/users", Map.of("username", "JAVA-ALEE"), 5))
            .getJSONArray("response").getJSONObject(0).getString("user_id"), "found by an alias");
        JSONObject updated = ok(java(ikey, skey, ca, "POST", "/admin/v1/users/" + id, Map.of("realname", "Ann B. Lee"), 2))
            .getJSONObject("response");
        assertEquals("Ann B. Lee", updated.getString("realname"), "v2-signed form body");
        assertEquals("Ann B. Lee", realm.admin().users().get(id).toRepresentation().firstAttribute("displayName"));
        String gid = ok(java(ikey, skey, ca, "POST", "/admin/v1/groups", Map.of("name", "Java Eng"), 5))
            .getJSONObject("response").getString("group_id");
        ok(java(ikey, skey, ca, "POST", "/admin/v1/users/" + id + "/groups", Map.of("group_id", gid), 5));
        ok(java(ikey, skey, ca, "POST", "/admin/v1/groups/" + gid, Map.of("name", "Java Engineering"), 5));
        assertEquals("Java Engineering from Duo Admin API Sync \"Proxied Duo\"",
            realm.admin().groups().group(gid).toRepresentation().getName());
        assertEquals(1, realm.admin().groups().group(gid).members().size());
        ok(java(ikey, skey, ca, "POST", "/admin/v1/users/" + id, Map.of("status", "bypass"), 5));
        assertEquals("bypass", dirsync.admin("GET", "/users/" + id, null).json().get("status").asText());
        ok(java(ikey, skey, ca, "DELETE", "/admin/v1/users/" + id, Map.of(), 5));
        assertEquals("pending deletion", dirsync.admin("GET", "/users/" + id, null).json().get("status").asText());

        // A wrong secret key through the proxy: Duo's 401, nothing written.
        int users = realm.admin().users().count();
        Answer forged = java(ikey, skey.substring(1) + "x", ca, "POST", "/admin/v1/users", Map.of("username", "java.forged"), 5);
        assertEquals(401, forged.status(), forged.body()::toString);
        assertEquals(40103, forged.body().getInt("code"));
        assertEquals(users, (int) realm.admin().users().count());
    }

    record Answer(int status, JSONObject body) {
    }

    private static JSONObject ok(Answer a) {
        assertEquals(200, a.status(), a.body()::toString);
        assertEquals("OK", a.body().getString("stat"), a.body()::toString);
        return a.body();
    }

    private static Answer java(String ikey, String skey, DuoTestCa ca, String method, String uri, Map<String, String> params,
            int version) throws Exception {
        Http client = new Admin.AdminBuilder(method, HOST, uri).build();
        client.useCustomCertificates(ca.pins());
        params.forEach(client::addParam);
        client.signRequest(ikey, skey, version);
        try (okhttp3.Response r = client.executeHttpRequest()) {
            return new Answer(r.code(), new JSONObject(r.body().string()));
        }
    }

    /** src/test/node/duo-client.mjs (its node_modules installed by .ci/duo-proxy.sh), then its deleted users' state. */
    private void nodeClient(String ikey, String skey, DuoTestCa.Files ca) throws Exception {
        Path script = Path.of("src/test/node/duo-client.mjs").toAbsolutePath();
        assertTrue(Files.isDirectory(script.getParent().resolve("node_modules/@duosecurity/duo_api")),
            "npm ci in src/test/node first (.ci/duo-proxy.sh does)");
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("dirsync.node", "node"), script.toString())
            .redirectError(work.resolve("node.err").toFile());
        pb.environment().putAll(Map.of("DUO_HOST", HOST, "DUO_IKEY", ikey, "DUO_SKEY", skey,
            "DUO_CA", ca.caPem().toString()));
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(5, TimeUnit.MINUTES), "the Node client ended");
        String err = read(work.resolve("node.err"));
        System.out.println(err);
        assertEquals(0, node.exitValue(), () -> "the Node client's calls: " + err + out);

        JsonNode result = new ObjectMapper().readTree(out.trim());
        assertEquals(2, result.get("deletedUserIds").size(), out);
        for (JsonNode deleted : result.get("deletedUserIds")) {
            assertEquals("pending deletion", dirsync.admin("GET", "/users/" + deleted.asText(), null).json().get("status").asText(),
                "DELETE through the Node client put the user in the trash: " + deleted);
            assertFalse(realm.admin().users().get(deleted.asText()).toRepresentation().isEnabled());
        }
        assertTrue(dirsync.admin("GET", "/trash", null).body().contains(result.get("deletedUserIds").get(0).asText()));
        String nodeUser = realm.admin().users().search("node-page-254", true).get(0).getId();
        assertEquals("active", dirsync.admin("GET", "/users/" + nodeUser, null).json().get("status").asText());
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new AssertionError(host + " does not resolve: run this suite through .ci/duo-proxy.sh", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
