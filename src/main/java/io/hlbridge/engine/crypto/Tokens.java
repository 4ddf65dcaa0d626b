package io.hlbridge.engine.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random identifiers and credentials, and the one-way hash under which API keys are stored. */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private Tokens() {
    }

    /** An id such as {@code mkt_k3x9...}: a prefix and 20 random base-36 characters (~103 bits). */
    public static String id(String prefix) {
        return prefix + "_" + random(20);
    }

    /**
     * An id of the same shape whose first 9 characters are the time (milliseconds, base 36, so ids sort
     * by when they were made) and the other 11 random (~57 bits): rows keyed by it are added at the end
     * of their index instead of at a random page of it, which after each checkpoint cost a full-page
     * image in the WAL per insert once the index outgrew what the checkpoint had just written.
     */
    public static String timeOrderedId(String prefix) {
        String time = Long.toString(System.currentTimeMillis(), 36);
        return prefix + "_" + "0".repeat(Math.max(0, 9 - time.length())) + time + random(11);
    }

    public static String random(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    public static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** SHA-256 hex. Enough for high-entropy random keys (no dictionary to attack, so no slow KDF). */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
