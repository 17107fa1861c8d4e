import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * The demo's mail catcher, started by ./run.sh: an SMTP server (GreenMail, from its standalone JAR fetched through
 * Maven) that keeps every mail Keycloak sends, and a web page listing them, newest first, with their text and clickable
 * links (the enrollment links of the demo directories' users). Run as a single-file program:
 *   java -cp greenmail-standalone.jar scripts/DemoMail.java [smtpPort] [webPort]
 * Listens on 127.0.0.1 only; mails live in memory.
 */
public class DemoMail {

    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");

    public static void main(String[] args) throws Exception {
        int smtpPort = args.length > 0 ? Integer.parseInt(args[0]) : 3025;
        int webPort = args.length > 1 ? Integer.parseInt(args[1]) : 8025;
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), webPort), 0);
        web.createContext("/", exchange -> page(exchange, mail));
        web.start();
        System.out.println("[demo-mail] SMTP on 127.0.0.1:" + smtpPort + ", mails on http://localhost:" + webPort + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.stop(0);
            mail.stop();
        }));
        Thread.currentThread().join();
    }

    private static void page(HttpExchange exchange, GreenMail mail) throws IOException {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Demo mail catcher</title>"
            + "<style>body{font-family:sans-serif;margin:2em;max-width:60em}article{border:1px solid #ccc;border-radius:6px;"
            + "padding:1em;margin:1em 0}pre{white-space:pre-wrap;word-break:break-all}.meta{color:#555}</style></head><body>"
            + "<h1>Demo mail catcher</h1><p class=\"meta\">Every mail Keycloak sent in this demo (newest first). Reload to see new ones.</p>");
        MimeMessage[] messages = mail.getReceivedMessages();
        if (messages.length == 0) {
            html.append("<p>No mail yet. Enrollment e-mails arrive a minute after a directory syncs a user.</p>");
        }
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss 'UTC'");
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        for (int i = messages.length - 1; i >= 0; i--) {
            MimeMessage m = messages[i];
            try {
                Date sent = m.getSentDate();
                html.append("<article><h2>").append(escape(m.getSubject())).append("</h2><p class=\"meta\">To ")
                    .append(escape(String.valueOf(m.getRecipients(Message.RecipientType.TO)[0])))
                    .append(sent == null ? "" : " &middot; " + format.format(sent)).append("</p><pre>")
                    .append(linked(escape(text(m)))).append("</pre></article>");
            } catch (Exception unreadable) {
                html.append("<article><p>Unreadable mail: ").append(escape(unreadable.toString())).append("</p></article>");
            }
        }
        byte[] body = html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The plain-text part (Keycloak sends text and HTML). */
    private static String text(MimeMessage m) throws Exception {
        Object content = m.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    return part.getContent().toString();
                }
            }
            return multipart.getBodyPart(0).getContent().toString();
        }
        return String.valueOf(content);
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Makes the (escaped) URLs of a text clickable. */
    private static String linked(String escaped) {
        Matcher m = URL.matcher(escaped);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String url = m.group();
            m.appendReplacement(out, Matcher.quoteReplacement("<a href=\"" + url + "\">" + url + "</a>"));
        }
        return m.appendTail(out).toString();
    }
}
