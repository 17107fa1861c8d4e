package io.dirsync.duo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import com.duosecurity.client.Admin;
import com.duosecurity.client.Http;

/**
 * The operator's reverse proxy of the README, in the test JVM: {@code https://<apiHostname>/admin/...} →
 * {@code <endpoint>/admin/...} (the directory's prefix, path tail and query preserved), TLS with a certificate for the
 * API host name issued by a CA made for the test. Duo's clients build {@code https://<host>/...} on port 443 only, and
 * Duo's Java client pins its CA; so the client is given this CA as its pin and trust anchor, and reaches the TLS server
 * through the client's own HTTP proxy option (a CONNECT tunnel here), which needs no DNS name and no port 443.
 * Reusable: {@link #httpsPort()} can be fronted by anything (a later step binds 443 in a network namespace).
 * <p>
 * Test hooks: {@link #tamper} rewrites the next request body on its way (the client signed the original), and
 * {@link #replayLast} sends the last forwarded request again as it was.
 */
final class DuoTlsProxy implements AutoCloseable {

    private final String apiHost;
    private final String target;
    private final HttpsServer https;
    private final ServerSocket connect;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "duo-test-proxy");
        t.setDaemon(true);
        return t;
    });
    private final DuoTestCa ca;
    private final Path trustStore;
    private volatile UnaryOperator<byte[]> tamper;
    private volatile Forwarded last;

    /** A request as forwarded to Keycloak. */
    record Forwarded(String method, String url, Map<String, String> headers, byte[] body) {
    }

    /** Keycloak's answer. */
    record Answer(int status, String body) {
    }

    /** One request the proxy forwarded and the status Keycloak answered, in order. */
    record Exchange(Forwarded request, int status) {
    }

    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    DuoTlsProxy(String apiHost, String target) throws Exception {
        this.apiHost = apiHost;
        this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        ca = DuoTestCa.issue(apiHost, "Directory Sync Duo test CA");
        trustStore = ca.writeTrustStore(Files.createTempFile("duo-test-ca", ".p12"));
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        https.setHttpsConfigurator(new HttpsConfigurator(ca.serverTls()));
        https.setExecutor(threads);
        https.createContext("/", this::forward);
        https.start();

        connect = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        threads.submit(this::acceptTunnels);
    }

    String apiHost() {
        return apiHost;
    }

    int httpsPort() {
        return https.getAddress().getPort();
    }

    /** The trust store holding the test CA (for the JVM's default trust manager, which OkHttp uses). */
    Path trustStore() {
        return trustStore;
    }

    /**
     * Duo's official Java client for {@code method uri} on the API host, configured as a customer would: host, CA pin,
     * and its HTTP proxy option (the CONNECT tunnel to this TLS server).
     */
    Http client(String method, String uri) throws Exception {
        Admin.AdminBuilder builder = new Admin.AdminBuilder(method, apiHost, uri);
        Http client = builder.build();
        client.useCustomCertificates(ca.pins());
        client.setProxy("127.0.0.1", connect.getLocalPort());
        return client;
    }

    void tamperNext(UnaryOperator<byte[]> rewrite) {
        this.tamper = rewrite;
    }

    Forwarded last() {
        return last;
    }

    /** Every request forwarded so far with Keycloak's status (e.g. to see a client resend a request after 429). */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Sends the last forwarded request again, byte for byte (a replay by someone who saw it). */
    Answer replayLast() throws IOException {
        Forwarded f = last;
        return send(f);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            UnaryOperator<byte[]> rewrite = tamper;
            if (rewrite != null) {
                tamper = null;
                body = rewrite.apply(body);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals("authorization") || n.equals("date") || n.equals("content-type") || n.startsWith("x-duo-")
                        || n.equals("user-agent")) {
                    headers.put(name, values.get(0));
                }
            });
            URI uri = exchange.getRequestURI();
            String url = target + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            Forwarded f = new Forwarded(exchange.getRequestMethod(), url, headers, body);
            last = f;
            Answer answer = send(f);
            exchanges.add(new Exchange(f, answer.status()));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    static Answer send(Forwarded f) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(f.url()).toURL().openConnection();
        c.setRequestMethod(f.method());
        f.headers().forEach(c::setRequestProperty);
        if (f.body().length > 0) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(f.body());
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Answer(status, text);
    }

    /** An HTTP CONNECT proxy whose every tunnel ends at the TLS server, whatever host it names (no DNS needed). */
    private void acceptTunnels() {
        while (!connect.isClosed()) {
            try {
                Socket client = connect.accept();
                threads.submit(() -> tunnel(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client; Socket upstream = new Socket("127.0.0.1", httpsPort())) {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) {
                    break;
                }
            }
            if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("CONNECT ")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            var up = threads.submit(() -> pipe(upstream.getInputStream(), client.getOutputStream()));
            pipe(in, upstream.getOutputStream());
            up.get();
        } catch (Exception ignored) {
            // a closed tunnel
        }
    }

    private static Void pipe(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16384];
        int n;
        try {
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // the other side closed
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // already closed
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        https.stop(0);
        connect.close();
        threads.shutdownNow();
        Files.deleteIfExists(trustStore);
    }
}
