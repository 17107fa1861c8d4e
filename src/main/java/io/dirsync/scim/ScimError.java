package io.dirsync.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.core.Response;

import io.dirsync.engine.SyncConflictException;

/** A SCIM error (RFC 7644 §3.12): status, scimType and a detail that says what to fix. Never a stack trace. */
public class ScimError extends RuntimeException {

    public static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

    private final int status;
    private final String scimType;

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
     * Translates a rule's refusal: ownership, uniqueness and a privileged same-named account (rule 2) are 409
     * uniqueness (RFC 7644 §3.3: "one or more of the attribute values are already in use"), the message unchanged.
     */
    public static ScimError of(SyncConflictException e) {
        return switch (e.getKind()) {
            case OWNERSHIP, UNIQUENESS, PRIVILEGED -> new ScimError(409, "uniqueness", e.getMessage());
            case NOT_FOUND -> new ScimError(404, null, e.getMessage());
            case INVALID -> new ScimError(400, "invalidValue", e.getMessage());
        };
    }

    public int status() {
        return status;
    }

    public Response toResponse() {
        ObjectNode body = ScimJson.MAPPER.createObjectNode();
        body.putArray("schemas").add(ERROR_SCHEMA);
        body.put("status", String.valueOf(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", getMessage());
        return Response.status(status).type(ScimJson.SCIM_JSON).entity(body.toString()).build();
    }
}
