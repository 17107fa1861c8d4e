package io.dirsync.duo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.dirsync.engine.SyncConflictException;

/**
 * Duo's error envelope, {@code {"stat":"FAIL","code":40002,"message":"...","message_detail":"..."}}, whose code is the
 * HTTP status × 100 + n (Duo's documented codes: 40002 invalid parameter, 40101/40103 credentials, 40401 not found,
 * 42901 too many requests).
 */
final class DuoError extends RuntimeException {

    /** Writes Duo's JSON and reads the documents this server stored; clients' JSON is read by {@code RequestJson}. */
    static final ObjectMapper JSON = new ObjectMapper();

    final int status;
    final int code;
    final String detail;
    private long retryAfterSeconds;

    DuoError(int status, int code, String message, String detail) {
        super(message);
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    /** Adds {@code Retry-After} (seconds) to the answer. */
    DuoError retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** 400 40002, naming the parameter in {@code message_detail} as Duo does. */
    static DuoError invalidParameter(String parameter, String why) {
        return new DuoError(400, 40002, "Invalid request parameters", parameter + (why == null ? "" : ": " + why));
    }

    static DuoError missingParameter(String parameter) {
        return new DuoError(400, 40001, "Missing required request parameters", parameter);
    }

    static DuoError notFound() {
        return new DuoError(404, 40401, "Resource not found", null);
    }

    /** Every authentication failure answers the same, so that a caller learns nothing about which part was wrong. */
    static DuoError invalidSignature() {
        return new DuoError(401, 40103, "Invalid signature in request credentials", null);
    }

    static DuoError missingCredentials() {
        return new DuoError(401, 40101, "Missing request credentials", null);
    }

    static DuoError tooManyRequests() {
        return new DuoError(429, 42901, "Too Many Requests", null);
    }

    /**
     * A refusal of the engine (a rule of SPEC §2) in Duo's envelope: 404 for what does not exist, else 400 (Duo answers
     * its conflicts with 400), the engine's message as the message and the subject as the detail.
     */
    static DuoError of(SyncConflictException e) {
        if (e.getKind() == SyncConflictException.Kind.NOT_FOUND) {
            return new DuoError(404, 40401, "Resource not found", e.getMessage());
        }
        int code = e.getKind() == SyncConflictException.Kind.INVALID ? 40002 : 40003;
        return new DuoError(400, code, e.getMessage(), e.getSubject());
    }

    Response toResponse() {
        ObjectNode body = JSON.createObjectNode();
        body.put("stat", "FAIL");
        body.put("code", code);
        body.put("message", getMessage());
        if (detail != null) {
            body.put("message_detail", detail);
        }
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body.toString());
        if (retryAfterSeconds > 0) {
            response.header("Retry-After", String.valueOf(retryAfterSeconds));
        }
        return response.build();
    }
}
