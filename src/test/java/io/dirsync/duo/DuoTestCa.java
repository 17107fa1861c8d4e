package io.dirsync.duo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA made for a Duo test and the server certificate it issues for the API host, for the TLS in front of the
 * directory (the in-JVM proxy {@link DuoTlsProxy}, nginx in {@link DuoProxySuite}); Duo's clients are given the CA as
 * their trust anchor and pin. Valid from an hour ago for two days (the real clock: the clients check it).
 */
record DuoTestCa(X509Certificate ca, X509Certificate server, KeyPair serverKeys) {

    /** The CA and server certificate as PEM files (nginx's certificate chain and key, Node's CA) and a trust store. */
    record Files(Path caPem, Path certificate, Path key, Path trustStore) {
    }

    static DuoTestCa issue(String host, String caName) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair caKeys = rsa.generateKeyPair();
        KeyPair serverKeys = rsa.generateKeyPair();
        Date from = new Date(System.currentTimeMillis() - 3_600_000L);
        Date to = new Date(System.currentTimeMillis() + 2 * 86_400_000L);
        X500Name issuer = new X500Name("CN=" + caName);
        JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(issuer, BigInteger.ONE, from, to, issuer,
            caKeys.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate ca = new JcaX509CertificateConverter().getCertificate(
            caBuilder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        JcaX509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(issuer, BigInteger.TWO, from, to,
            new X500Name("CN=" + host), serverKeys.getPublic());
        leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        leaf.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate server = new JcaX509CertificateConverter().getCertificate(
            leaf.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        return new DuoTestCa(ca, server, serverKeys);
    }

    /** OkHttp's pin of the CA (Duo's Java client): {@code sha256/<base64 of the SHA-256 of its public key info>}. */
    String[] pins() throws Exception {
        byte[] spki = MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded());
        return new String[] {"sha256/" + Base64.getEncoder().encodeToString(spki)};
    }

    /** A server's TLS with the certificate (and the CA in its chain). */
    SSLContext serverTls() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverKeys.getPrivate(), "pw".toCharArray(), new X509Certificate[] {server, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    /** A PKCS#12 trust store (password {@code changeit}) holding the CA, for the JVM's default trust manager. */
    Path writeTrustStore(Path file) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("duo-test-ca", ca);
        try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            trust.store(out, "changeit".toCharArray());
        }
        return file;
    }

    /** The PEM files and the trust store in {@code dir}, named for the host. */
    Files writeTo(Path dir, String host) throws Exception {
        Path caPem = dir.resolve("ca.pem");
        Path crt = dir.resolve(host + ".crt");
        Path key = dir.resolve(host + ".key");
        java.nio.file.Files.writeString(caPem, pem(ca));
        java.nio.file.Files.writeString(crt, pem(server) + pem(ca));
        java.nio.file.Files.writeString(key, pem(serverKeys.getPrivate()));
        return new Files(caPem, crt, key, writeTrustStore(dir.resolve("trust.p12")));
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
