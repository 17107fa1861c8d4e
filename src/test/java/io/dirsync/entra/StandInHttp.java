package io.dirsync.entra;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** HTTP plumbing shared by the stand-in's token endpoint and Graph: answers, URL coding, JSON, ids. */
final class StandInHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What Graph sends with a successful JSON answer. */
    static final String GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    private static final DateTimeFormatter GRAPH_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private StandInHttp() {
    }

    /** A complete answer, built before anything is sent (so it can be recorded first). */
    record Answer(int status, Map<String, String> headers, byte[] body) {

        Answer with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(header, value);
            return new Answer(status, h, body);
        }
    }

    static Answer json(int status, String contentType, Object body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        return new Answer(status, headers, write(body));
    }

    static byte[] write(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A Graph error body as Graph writes it: {"error":{"code","message","innerError":{...}}}.
     */
    static Answer graphError(int status, String code, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        String requestId = guid();
        inner.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(GRAPH_DATE));
        inner.put("request-id", requestId);
        inner.put("client-request-id", requestId);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("innerError", inner);
        return json(status, "application/json", Map.of("error", error));
    }

    /**
     * The query string as (name, value) pairs in order, both percent-decoded ('+' is a space, as HTML forms and
     * Java's URLEncoder write it). Throws IllegalArgumentException on a broken escape.
     */
    static List<Map.Entry<String, String>> parseQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(
                URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return Collections.unmodifiableList(pairs);
    }

    /** Percent-decodes one path segment; unlike a query, '+' is literal there. */
    static String decodeSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Percent-encodes a query value for the links we hand out: everything but unreserved characters and ',' (Graph's
     * own links keep $select lists readable) becomes %XX, so quotes and spaces in a $filter survive any client.
     */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == ',') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** "?$a=x&$b=y" from ordered pairs (names kept literal: Graph's links spell them "$select", "$skiptoken"). */
    static String queryString(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null) {
                sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=').append(encode(v));
            }
        });
        return sb.toString();
    }

    /** A random lower-case GUID (object ids, request ids). Not cryptographic: ids need only be unique. */
    static String guid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xf000L) | 0x4000L;                 // version 4
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L; // IETF variant
        return new UUID(hi, lo).toString();
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
