package io.dirsync.entra;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed certificates and their RSA keys for the certificate-credential tests, as an admin would create them with
 * openssl. BouncyCastle only builds the certificate here (it is on the test classpath through Keycloak; the extension
 * itself reads and signs with the JDK alone).
 */
public record TestCertificates(KeyPair keys, X509Certificate certificate) {

    /** A 2048-bit key and a certificate valid from an hour ago for a year. */
    public static TestCertificates create(String commonName) {
        return create(commonName, 2048, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(365)));
    }

    public static TestCertificates create(String commonName, int bits, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()),
                Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
            X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new TestCertificates(keys, certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8, what {@code openssl req -newkey} writes. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** PKCS#1, what {@code openssl genrsa -traditional} (and OpenSSL 1.x genrsa) writes. */
    public String rsaPrivateKeyPem() {
        try {
            return pem("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded()).parsePrivateKey()
                .toASN1Primitive().getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-1 thumbprint in upper-case hex, as Entra's portal (and the console) show it. */
    public String thumbprint() {
        try {
            return java.util.HexFormat.of().withUpperCase()
                .formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
