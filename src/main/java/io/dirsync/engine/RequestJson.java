package io.dirsync.engine;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one reader of the JSON that clients and admins send (SCIM and Duo bodies and parameters, the admin API): one JSON
 * value and nothing after it but white space — Jackson alone stops at the value's end and ignores the rest, so
 * {@code {...}xyz} or {@code {...}{...}} would be read as the value before the garbage. Every refusal is worded for the
 * client who sent it (what and where, "Malformed JSON: ..."), never Jackson's text with its class and setting names;
 * each front door answers {@link Malformed} in its own error form (SCIM error, Duo envelope, Keycloak's error JSON).
 */
public final class RequestJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A body or parameter that is not exactly one JSON value; the message is the client's to read. */
    public static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private RequestJson() {
    }

    /** The one JSON value of {@code text}. */
    public static JsonNode read(String text) {
        if (text == null) {
            throw empty();
        }
        try (JsonParser parser = MAPPER.getFactory().createParser(text)) {
            return readOne(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** The one JSON value of a body's bytes (UTF-8, or what JSON's encoding detection finds). */
    public static JsonNode read(byte[] body) {
        if (body == null) {
            throw empty();
        }
        try (JsonParser parser = MAPPER.getFactory().createParser(body)) {
            return readOne(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static JsonNode readOne(JsonParser parser) throws IOException {
        JsonNode value = MAPPER.readTree(parser);
        if (value == null || value.isMissingNode()) {
            throw empty();
        }
        JsonToken next;
        try {
            next = parser.nextToken();
        } catch (JsonProcessingException e) {
            next = JsonToken.NOT_AVAILABLE; // something that is not even a JSON token follows: "{...}xyz"
        }
        if (next != null) {
            // The token's location is where what follows starts, also when it could not be read.
            throw new Malformed("Malformed JSON: something follows the JSON " + (value.isObject() ? "object" : "value")
                + at(parser.currentTokenLocation()) + "; send one JSON " + (value.isObject() ? "object" : "value"));
        }
        return value;
    }

    private static Malformed empty() {
        return new Malformed("Malformed JSON: there is no JSON value; send one JSON object");
    }

    private static Malformed malformed(IOException e) {
        if (e instanceof JsonProcessingException j) {
            return new Malformed("Malformed JSON" + at(j.getLocation()) + ": " + clientWords(j.getOriginalMessage()));
        }
        return new Malformed("Malformed JSON: it cannot be read");
    }

    /**
     * Jackson's own words without what only its developers can use: the source excerpt and location (said once, by
     * {@link #at}), and the names of its classes and settings, which it quotes in backticks.
     */
    static String clientWords(String jacksonMessage) {
        if (jacksonMessage == null || jacksonMessage.isBlank()) {
            return "it cannot be read";
        }
        String m = jacksonMessage;
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        m = m.replaceAll("\\s*\\[Source:[^\\]]*\\]", "")
            .replaceAll("\\s*\\(start marker at\\s*\\)", "")
            .replaceAll(",?\\s*from\\s*`[^`]*`", "")
            .replaceAll("`[^`]*`", "")
            .replaceAll("\\(\\s*\\)", "")
            .trim();
        return m.isEmpty() ? "it cannot be read" : m;
    }

    private static String at(JsonLocation where) {
        return where == null || where.getLineNr() < 1 ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }
}
