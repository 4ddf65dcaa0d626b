package io.hlbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/** Identifier and token generation: HighLevel-style 20-character alphanumeric ids. */
final class SandboxIds {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SandboxIds() {
    }

    /** A random id like HighLevel's (20 alphanumeric characters). */
    static String randomId() {
        return random(20);
    }

    /** An opaque random secret (access/refresh tokens, codes). */
    static String secret() {
        return random(40);
    }

    /** The same input always yields the same 20-character id (fake locations, company, user). */
    static String stable(String seed) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(20);
            for (int i = 0; i < 20; i++) {
                sb.append(ALPHABET.charAt((hash[i] & 0xff) % ALPHABET.length()));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String traceId() {
        return UUID.randomUUID().toString();
    }

    private static String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
