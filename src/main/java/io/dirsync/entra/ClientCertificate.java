package io.dirsync.entra;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A certificate credential of the app registration: the certificate (public; uploaded to the app's "Certificates &amp;
 * secrets") and its RSA private key (kept beside the directory like a client secret). Each token request carries a new
 * client assertion (RFC 7523 / OpenID Connect's {@code private_key_jwt}) as the Microsoft identity platform asks:
 * header {@code alg RS256}, {@code typ JWT}, {@code x5t} (SHA-1) and {@code x5t#S256} (SHA-256 thumbprint of the DER
 * certificate, base64url); claims {@code aud} = the token endpoint, {@code iss} = {@code sub} = the client id, a unique
 * {@code jti}, {@code nbf}/{@code iat} now and {@code exp} five minutes later (Entra takes at most ten). The JDK signs;
 * no MSAL.
 */
final class ClientCertificate implements AppCredential {

    /** The secret's name beside the directory ({@code directories().keepSecrets}); also the write-only settings key. */
    static final String PRIVATE_KEY = "privateKey";
    static final int MIN_RSA_BITS = 2048;
    /** Lifetime of one client assertion; each token request signs a new one. */
    static final long ASSERTION_SECONDS = 300;
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** DER prefix of a PKCS#8 wrapping for rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters), version 0. */
    private static final byte[] RSA_ALGORITHM = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
        (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    final X509Certificate certificate;
    private final PrivateKey key;

    private ClientCertificate(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A checked pair (see {@link #check}); PEM texts as an admin pastes them. */
    static ClientCertificate of(String certificatePem, String privateKeyPem) {
        X509Certificate certificate = certificate(certificatePem);
        PrivateKey key = privateKey(privateKeyPem);
        check(certificate, key, System.currentTimeMillis());
        return new ClientCertificate(certificate, key);
    }

    @Override
    public Map<String, String> tokenParameters(String clientId, String tokenUrl) {
        return Map.of("client_assertion_type", ASSERTION_TYPE, "client_assertion", assertion(clientId, tokenUrl,
            System.currentTimeMillis() / 1000));
    }

    /** A signed client assertion for one token request, issued at {@code now} (epoch seconds). */
    String assertion(String clientId, String tokenUrl, long now) {
        ObjectNode header = GraphClient.JSON.createObjectNode();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("x5t", base64Url(digest("SHA-1", encoded(certificate))));
        header.put("x5t#S256", base64Url(digest("SHA-256", encoded(certificate))));
        ObjectNode claims = GraphClient.JSON.createObjectNode();
        claims.put("aud", tokenUrl);
        claims.put("iss", clientId);
        claims.put("sub", clientId);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("nbf", now);
        claims.put("iat", now);
        claims.put("exp", now + ASSERTION_SECONDS);
        try {
            String signed = base64Url(GraphClient.JSON.writeValueAsBytes(header)) + "."
                + base64Url(GraphClient.JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64Url(rsa.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new GraphClient.GraphException(0, "credential", "Cannot sign the client assertion: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ reading and checking what an admin pasted

    /** The first certificate of a PEM text (a chain may follow; Entra needs only the app's own certificate). */
    static X509Certificate certificate(String pem) {
        if (pem == null || pem.isBlank()) {
            throw EntraSettings.invalid("settings.certificate is required with clientCredential \"certificate\": the PEM "
                + "text of the certificate uploaded to the app registration (-----BEGIN CERTIFICATE----- ...)");
        }
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                try {
                    return (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(base64(m.group(2), "settings.certificate")));
                } catch (GeneralSecurityException | ClassCastException e) {
                    throw EntraSettings.invalid("settings.certificate is not a readable X.509 certificate: " + e.getMessage());
                }
            }
        }
        throw EntraSettings.invalid("settings.certificate must be a PEM certificate (-----BEGIN CERTIFICATE----- ...); "
            + "convert a binary .cer with: openssl x509 -inform der -in app.cer -out app.pem");
    }

    /** An unencrypted RSA private key: PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}). */
    static PrivateKey privateKey(String pem) {
        if (pem == null || pem.isBlank()) {
            throw EntraSettings.invalid("settings.privateKey is required with clientCredential \"certificate\": the PEM "
                + "private key of the certificate (-----BEGIN PRIVATE KEY----- ...)");
        }
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            switch (type) {
                case "PRIVATE KEY" -> der = base64(m.group(2), "settings.privateKey");
                case "RSA PRIVATE KEY" -> {
                    if (m.group(2).contains("ENCRYPTED")) {
                        throw encrypted();
                    }
                    der = pkcs8(base64(m.group(2), "settings.privateKey"));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted();
                case "EC PRIVATE KEY" -> throw notRsa();
                default -> {
                    continue;
                }
            }
            try {
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                throw notRsa();
            }
        }
        throw EntraSettings.invalid("settings.privateKey must be a PEM private key (-----BEGIN PRIVATE KEY----- or "
            + "-----BEGIN RSA PRIVATE KEY-----)");
    }

    /** What Entra needs of the pair: an RSA key of 2048 bits or more, the certificate's own, and a certificate in date. */
    static void check(X509Certificate certificate, PrivateKey key, long nowMillis) {
        if (!(certificate.getPublicKey() instanceof RSAPublicKey publicKey)) {
            throw EntraSettings.invalid("settings.certificate: the certificate's key is " + certificate.getPublicKey()
                .getAlgorithm() + "; Entra ID's client assertions need an RSA certificate");
        }
        int bits = publicKey.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw EntraSettings.invalid("settings.certificate: its RSA key has " + bits + " bits; Entra ID needs at least "
                + MIN_RSA_BITS + " (create one with openssl req -x509 -newkey rsa:2048 ...)");
        }
        if (!matches(publicKey, key)) {
            throw EntraSettings.invalid("settings.privateKey is not the private key of settings.certificate (a signature made "
                + "with it does not verify with the certificate): send the key the certificate was created with");
        }
        try {
            certificate.checkValidity(new Date(nowMillis));
        } catch (CertificateExpiredException e) {
            throw EntraSettings.invalid("settings.certificate expired on " + certificate.getNotAfter().toInstant()
                + ": create a new certificate, upload it to the app registration and send it with its key");
        } catch (CertificateNotYetValidException e) {
            throw EntraSettings.invalid("settings.certificate is not valid before " + certificate.getNotBefore().toInstant()
                + ": check its dates (and this server's clock)");
        }
    }

    private static boolean matches(RSAPublicKey publicKey, PrivateKey key) {
        if (!(key instanceof RSAKey rsa) || !rsa.getModulus().equals(publicKey.getModulus())) {
            return false;
        }
        byte[] probe = new byte[32];
        RANDOM.nextBytes(probe);
        try {
            Signature sign = Signature.getInstance("SHA256withRSA");
            sign.initSign(key);
            sign.update(probe);
            Signature verify = Signature.getInstance("SHA256withRSA");
            verify.initVerify(publicKey);
            verify.update(probe);
            return verify.verify(sign.sign());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** What an admin is shown of a stored certificate: never the key. */
    static Map<String, Object> describe(X509Certificate certificate) {
        Map<String, Object> d = new LinkedHashMap<>();
        // The portal lists a certificate by its SHA-1 thumbprint in upper-case hex
        d.put("thumbprint", HexFormat.of().withUpperCase().formatHex(digest("SHA-1", encoded(certificate))));
        d.put("thumbprintSha256", HexFormat.of().withUpperCase().formatHex(digest("SHA-256", encoded(certificate))));
        d.put("subject", certificate.getSubjectX500Principal().getName());
        d.put("issuer", certificate.getIssuerX500Principal().getName());
        d.put("notBefore", certificate.getNotBefore().toInstant().toString());
        d.put("notAfter", certificate.getNotAfter().toInstant().toString());
        d.put("expired", certificate.getNotAfter().toInstant().isBefore(Instant.now()));
        return d;
    }

    /** The certificate as one PEM block, what settings.certificate keeps. */
    static String pem(X509Certificate certificate) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded(certificate))
            + "\n-----END CERTIFICATE-----\n";
    }

    /** The key as PKCS#8 PEM, what is kept beside the directory whatever form the admin sent. */
    static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    }

    // ------------------------------------------------------------------ bytes

    private static RuntimeException encrypted() {
        return EntraSettings.invalid("settings.privateKey is encrypted; send it unencrypted (it is kept like a client "
            + "secret): openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-plain.pem");
    }

    private static RuntimeException notRsa() {
        return EntraSettings.invalid("settings.privateKey is not a readable RSA private key; Entra ID's client assertions "
            + "need RSA (openssl req -x509 -newkey rsa:2048 ...)");
    }

    /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo: SEQUENCE { 0, rsaEncryption, OCTET STRING { the key } }. */
    private static byte[] pkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        byte[] n = BigInteger.valueOf(length).toByteArray();
        int skip = n[0] == 0 ? 1 : 0;
        byte[] out = new byte[n.length - skip + 1];
        out[0] = (byte) (0x80 | (n.length - skip));
        System.arraycopy(n, skip, out, 1, n.length - skip);
        return out;
    }

    private static byte[] base64(String body, String where) {
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("(?m)^[A-Za-z-]+:.*$", "").trim());
        } catch (IllegalArgumentException e) {
            throw EntraSettings.invalid(where + " is not valid PEM (its base64 does not decode)");
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "ClientCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
