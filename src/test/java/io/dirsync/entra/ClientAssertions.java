package io.dirsync.entra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The token endpoint's check of a client assertion (the Microsoft identity platform's certificate credentials): a JWT
 * signed with the private key of a certificate registered on the app. Checked in this order, each refusal with the
 * AADSTS code Entra answers:
 * <ol>
 * <li>three base64url parts, a JSON header and claims, {@code alg} RS256 or PS256: else AADSTS50027 (invalid or
 * malformed JWT);</li>
 * <li>{@code iss} and {@code sub} equal to the client id: else AADSTS700021;</li>
 * <li>{@code aud} the tenant's token endpoint URL: else AADSTS700023;</li>
 * <li>{@code exp} in the future, {@code nbf} not more than 5 minutes ahead (clock skew), at most 10 minutes from
 * {@code nbf} (or {@code iat}) to {@code exp}: else AADSTS700024 (not within its valid time range);</li>
 * <li>{@code x5t#S256} (SHA-256) or {@code x5t} (SHA-1 thumbprint, base64url; when both are sent they must name the same
 * certificate) of a registered certificate: else AADSTS700027 "not registered on application [Reason - The key was not
 * found.]"; that certificate expired: AADSTS700027 "[Reason - The key used is expired.]";</li>
 * <li>the signature verifies with that certificate's key (a forged or re-signed assertion does not): else
 * AADSTS700027 "invalid signature";</li>
 * <li>{@code jti} present and not used before by this app: else AADSTS50027. Entra documents {@code jti} as required
 * and unique but names no code for a replay; 50027 is this stand-in's choice.</li>
 * </ol>
 * A jti is remembered only once the assertion passed every other check, so that a refused one does not burn it.
 */
final class ClientAssertions {

    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final long MAX_LIFETIME_SECONDS = 600;
    static final long SKEW_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Refusal(int status, String error, int code, String description) {
    }

    private final List<X509Certificate> registered = new ArrayList<>();
    private final Set<String> usedJti = new HashSet<>();

    synchronized void register(X509Certificate certificate) {
        registered.add(certificate);
    }

    synchronized void unregisterAll() {
        registered.clear();
    }

    /** Null when the assertion authenticates {@code clientId}; else what Entra answers. */
    synchronized Refusal verify(String jwt, String clientId, List<String> audiences, Instant now) {
        String[] parts = jwt.split("\\.", -1);
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("not three parts");
            }
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
            if (!header.isObject() || !claims.isObject()) {
                throw new IllegalArgumentException("not JSON objects");
            }
        } catch (IllegalArgumentException | IOException e) {
            return malformed("JWT token is invalid or malformed.");
        }
        String alg = header.path("alg").asText("");
        if (!alg.equals("RS256") && !alg.equals("PS256")) {
            return malformed("JWT token is invalid or malformed (alg '" + alg + "' is not supported; use RS256 or PS256).");
        }
        if (!clientId.equalsIgnoreCase(claims.path("iss").asText("")) || !clientId.equalsIgnoreCase(claims.path("sub").asText(""))) {
            return invalid(700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the "
                + "documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }
        if (!audiences.contains(claims.path("aud").asText(""))) {
            return invalid(700023, "Client assertion audience claim does not match Realm issuer. Review the documentation at "
                + "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }
        long seconds = now.getEpochSecond();
        long exp = claims.path("exp").asLong(0);
        long start = claims.has("nbf") ? claims.path("nbf").asLong(0) : claims.path("iat").asLong(seconds);
        if (exp <= seconds || start > seconds + SKEW_SECONDS || exp - start > MAX_LIFETIME_SECONDS) {
            return invalid(700024, "Client assertion is not within its valid time range. Current time: " + now
                + ", assertion valid from " + Instant.ofEpochSecond(start) + ", expiry time of assertion "
                + Instant.ofEpochSecond(exp) + ".");
        }
        String s256 = header.path("x5t#S256").asText(null);
        String s1 = header.path("x5t").asText(null);
        X509Certificate certificate = null;
        for (X509Certificate c : registered) {
            boolean bySha256 = s256 != null && s256.equals(thumbprint("SHA-256", c));
            boolean bySha1 = s1 != null && s1.equals(thumbprint("SHA-1", c));
            if ((bySha256 || bySha1) && (s256 == null || bySha256) && (s1 == null || bySha1)) {
                certificate = c;
            }
        }
        if (certificate == null) {
            String used = s256 != null ? hex(s256) : s1 != null ? hex(s1) : "";
            return invalid(700027, "The certificate with identifier used to sign the client assertion is not registered on "
                + "application. [Reason - The key was not found., Thumbprint of key used by client: '" + used + "', Please "
                + "visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '"
                + clientId + "'.]");
        }
        if (certificate.getNotAfter().toInstant().isBefore(now)) {
            return invalid(700027, "Client assertion failed signature validation. [Reason - The key used is expired., "
                + "Thumbprint of key used by client: '" + hex(thumbprint("SHA-1", certificate)) + "']");
        }
        if (!verifies(alg, certificate, parts[0] + "." + parts[1], signature)) {
            return invalid(700027, "Client assertion contains an invalid signature. [Reason - The provided signature value "
                + "did not match the expected signature value., Thumbprint of key used by client: '"
                + hex(thumbprint("SHA-1", certificate)) + "']");
        }
        String jti = claims.path("jti").asText("");
        if (jti.isEmpty()) {
            return malformed("JWT token is invalid or malformed (the client assertion has no 'jti').");
        }
        if (!usedJti.add(clientId.toLowerCase() + "/" + jti)) {
            return malformed("JWT token is invalid or malformed (the client assertion's jti '" + jti + "' was already used).");
        }
        return null;
    }

    private static boolean verifies(String alg, X509Certificate certificate, String signed, byte[] signature) {
        try {
            Signature v;
            if (alg.equals("PS256")) {
                v = Signature.getInstance("RSASSA-PSS");
                v.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            } else {
                v = Signature.getInstance("SHA256withRSA");
            }
            v.initVerify(certificate.getPublicKey());
            v.update(signed.getBytes(StandardCharsets.US_ASCII));
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The base64url thumbprint of the DER certificate, as x5t / x5t#S256 carry it. */
    static String thumbprint(String algorithm, X509Certificate certificate) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hex form Entra's messages print. */
    private static String hex(String base64Url) {
        try {
            return HexFormat.of().withUpperCase().formatHex(Base64.getUrlDecoder().decode(base64Url));
        } catch (IllegalArgumentException e) {
            return base64Url;
        }
    }

    private static Refusal malformed(String description) {
        return new Refusal(400, "invalid_request", 50027, description);
    }

    private static Refusal invalid(int code, String description) {
        return new Refusal(401, "invalid_client", code, description);
    }
}
