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

    /**
     * {@code length} random base-36 characters, uniform: bytes from one {@code nextBytes} call, each
     * below 252 (7 × 36) taken modulo 36 and the others drawn again. One call per id, where a
     * {@code nextInt} per character took the generator's lock and read the system's source each time
     * (0.5 % of the engine's CPU in bench/deliver, for the ids of three log entries per event).
     */
    public static String random(int length) {
        char[] out = new char[length];
        byte[] bytes = new byte[length + length / 4 + 4];
        int n = 0;
        while (n < length) {
            RANDOM.nextBytes(bytes);
            for (int i = 0; i < bytes.length && n < length; i++) {
                int b = bytes[i] & 0xff;
                if (b < 252) {
                    out[n++] = ALPHABET[b % 36];
                }
            }
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
