package io.dirsync.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 of a list of strings, each length-prefixed (so that no two lists give the same input) and null told apart
 * from "null": what {@link PullRun#digest} keeps of an applied entry, and what the enrollment job's sweep marks keep of a
 * directory's settings. Not a secret, only a fingerprint.
 */
public final class EntryDigest {

    private EntryDigest() {
    }

    public static String of(List<String> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                if (part == null) {
                    sha.update((byte) 0);
                    continue;
                }
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) 1);
                sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                    (byte) (bytes.length >>> 8), (byte) bytes.length});
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
