package io.dirsync.ldap;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** Keytab files for tests that need one on the Keycloak server without a KDC: the MIT format, one random key. */
public final class TestKeyTabs {

    private TestKeyTabs() {
    }

    /** A keytab (format 0x0502) with one random AES-128 key of service/host@realm. */
    public static byte[] of(String service, String host, String realm) throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        DataOutputStream e = new DataOutputStream(entry);
        e.writeShort(2); // components
        counted(e, realm);
        counted(e, service);
        counted(e, host);
        e.writeInt(1); // KRB_NT_PRINCIPAL
        e.writeInt((int) (System.currentTimeMillis() / 1000));
        e.writeByte(1); // key version
        e.writeShort(17); // aes128-cts-hmac-sha1-96
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        e.writeShort(key.length);
        e.write(key);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(file);
        f.writeShort(0x0502);
        f.writeInt(entry.size());
        f.write(entry.toByteArray());
        return file.toByteArray();
    }

    private static void counted(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }
}
