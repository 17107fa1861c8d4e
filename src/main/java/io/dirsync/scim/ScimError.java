package io.dirsync.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.core.Response;

import io.dirsync.engine.SyncConflictException;

/** A SCIM error (RFC 7644 §3.12): status, scimType and a detail that says what to fix. Never a stack trace. */
public class ScimError extends RuntimeException {

    public static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

    private final int status;
    private final String scimType;
    private final java.util.List<String[]> headers = new java.util.ArrayList<>();

    public ScimError(int status, String scimType, String detail) {
        super(detail);
        this.status = status;
        this.scimType = scimType;
    }

    public static ScimError badRequest(String scimType, String detail) {
        return new ScimError(400, scimType, detail);
    }

    public static ScimError notFound(String detail) {
        return new ScimError(404, null, detail);
    }

    /**
     * Translates a rule's refusal into the status its kind has everywhere; a conflict is {@code uniqueness} (RFC 7644
     * §3.3: "one or more of the attribute values are already in use"), bad input {@code invalidValue}; the message
     * unchanged.
     */
    public static ScimError of(SyncConflictException e) {
        int status = e.getKind().httpStatus();
        return new ScimError(status, status == 409 ? "uniqueness" : status == 400 ? "invalidValue" : null, e.getMessage());
    }

    public int status() {
        return status;
    }

    /** RFC 7644 §3.12's scimType (invalidFilter, uniqueness, ...), or null. */
    public String scimType() {
        return scimType;
    }

    /** Adds a response header (e.g. a 401's {@code WWW-Authenticate} challenges); may be given more than once. */
    public ScimError header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    public Response toResponse() {
        ObjectNode body = ScimJson.MAPPER.createObjectNode();
        body.putArray("schemas").add(ERROR_SCHEMA);
        body.put("status", String.valueOf(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", getMessage());
        Response.ResponseBuilder response = Response.status(status).type(ScimJson.SCIM_JSON).entity(body.toString());
        for (String[] h : headers) {
            response.header(h[0], h[1]);
        }
        return response.build();
    }
}
