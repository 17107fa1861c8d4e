package io.dirsync.enrollment;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * The token in an enrollment link: whose enrollment ({@code enr}), which cycle ({@code cyc}), and a nonce only the
 * server can compute from the row ({@link EnrollmentLinks}). Its expiry is the cycle's: 30 days after sending.
 */
public class EnrollmentActionToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "dirsync-enrollment";

    @JsonProperty("enr")
    private String enrollmentId;

    @JsonProperty("cyc")
    private int cycle;

    EnrollmentActionToken(String userId, int expiresAtSeconds, UUID nonce, String enrollmentId, int cycle) {
        super(userId, TOKEN_TYPE, expiresAtSeconds, nonce);
        this.enrollmentId = enrollmentId;
        this.cycle = cycle;
    }

    /** For the token parser. */
    @SuppressWarnings("unused")
    private EnrollmentActionToken() {
    }

    public String getEnrollmentId() {
        return enrollmentId;
    }

    public int getCycle() {
        return cycle;
    }
}
