package io.dirsync.duo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Duo's request signing as the official clients do it (duo_client_python {@code canonicalize}/{@code sign},
 * duo_client_java {@code Http.canonRequest}): a canonical text of the request, HMAC'd with the secret key, sent as HTTP
 * Basic {@code ikey:hex}. The server does not know which version a client used, so it tries each one it accepts:
 * <ul>
 * <li>v2: {@code Date \n METHOD \n host \n path \n params}, HMAC-SHA1 (40 hex) or HMAC-SHA512 (128 hex);</li>
 * <li>v4: v2's lines plus the SHA-512 hex of the body, HMAC-SHA512;</li>
 * <li>v5: v4's lines plus the SHA-512 hex of the {@code X-Duo-*} headers (names lower-cased and sorted, names and values
 * joined by NUL), HMAC-SHA512.</li>
 * </ul>
 * v1 (no {@code Date}) is refused: nothing would bound its replay. Pure functions, no Keycloak.
 */
public final class DuoSignature {

    /** What a request says about itself, as the server received it. */
    public record Request(String date, String method, String host, String path, Map<String, List<String>> params,
                          byte[] body, Map<String, String> duoHeaders) {
    }

    private DuoSignature() {
    }

    /** {@code key=value&...}: names and values %-encoded with only {@code ~} kept (RFC 3986 unreserved), sorted. */
    public static String canonParams(Map<String, List<String>> params) {
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        params.forEach((k, vs) -> {
            List<String> encoded = new ArrayList<>();
            for (String v : vs) {
                encoded.add(encode(v));
            }
            sorted.computeIfAbsent(encode(k), x -> new ArrayList<>()).addAll(encoded);
        });
        List<String> args = new ArrayList<>();
        sorted.forEach((k, vs) -> vs.stream().sorted().forEach(v -> args.add(k + "=" + v)));
        return String.join("&", args);
    }

    /** Python's {@code urllib.parse.quote(s, '~')}: UTF-8, upper-case hex, {@code A-Za-z0-9_.-~} as they are. */
    public static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    public static String canonicalV2(Request r) {
        return String.join("\n", r.date(), r.method().toUpperCase(Locale.ROOT), r.host().toLowerCase(Locale.ROOT), r.path(),
            canonParams(r.params()));
    }

    public static String canonicalV4(Request r) {
        return canonicalV2(r) + "\n" + sha512Hex(r.body());
    }

    public static String canonicalV5(Request r) {
        return canonicalV4(r) + "\n" + sha512Hex(canonDuoHeaders(r.duoHeaders()).getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code X-Duo-*} headers: lower-cased names, sorted, names and values joined by NUL. */
    public static String canonDuoHeaders(Map<String, String> headers) {
        TreeMap<String, String> sorted = new TreeMap<>();
        headers.forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> {
            parts.add(k);
            parts.add(v);
        });
        return String.join("\0", parts);
    }

    public static String hmacHex(String algorithm, byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha512Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data == null ? new byte[0] : data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code signature} (hex, as sent) signs the request with {@code secretKey} in one of the accepted versions.
     * Every candidate is computed and compared in constant time, so the time taken says nothing about which one was near.
     */
    public static boolean verify(Request request, byte[] secretKey, String signature) {
        return verify(request, secretKey, signature, false);
    }

    /**
     * As {@link #verify(Request, byte[], String)}; with {@code bodyMustBeSigned} only the versions whose canonical text
     * covers the body (v4, v5) count. A JSON body is not in v2's parameters: accepting a v2 signature for it would
     * let anybody who can alter a request in flight change its body.
     */
    public static boolean verify(Request request, byte[] secretKey, String signature, boolean bodyMustBeSigned) {
        byte[] presented = signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        if (presented.length == 40) {
            match = !bodyMustBeSigned & same(presented, hmacHex("HmacSHA1", secretKey, canonicalV2(request)));
        } else if (presented.length == 128) {
            match |= !bodyMustBeSigned & same(presented, hmacHex("HmacSHA512", secretKey, canonicalV2(request)));
            match |= same(presented, hmacHex("HmacSHA512", secretKey, canonicalV4(request)));
            match |= same(presented, hmacHex("HmacSHA512", secretKey, canonicalV5(request)));
        }
        return match;
    }

    private static boolean same(byte[] presented, String expected) {
        return MessageDigest.isEqual(presented, expected.getBytes(StandardCharsets.US_ASCII));
    }

    private static final DateTimeFormatter RFC_2822 =
        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    /**
     * The epoch milliseconds of an RFC 2822 {@code Date} ({@code Fri, 07 Dec 2012 17:18:00 -0000} from Python,
     * {@code +0000} from Java, {@code GMT} from others), or null when it is not one.
     */
    public static Long parseDate(String date) {
        if (date == null || date.length() > 64) {
            return null;
        }
        String d = date.trim();
        for (DateTimeFormatter f : List.of(RFC_2822, DateTimeFormatter.RFC_1123_DATE_TIME)) {
            try {
                return ZonedDateTime.parse(d, f).toInstant().toEpochMilli();
            } catch (DateTimeParseException next) {
                // try the next form
            }
        }
        return null;
    }

    /** {@code application/x-www-form-urlencoded} or a query string, decoded, in order, repeated names kept. */
    public static Map<String, List<String>> parseForm(String text) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
