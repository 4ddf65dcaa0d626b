package io.hlbridge.engine.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (webhook secrets, OAuth tokens) with AES-256-GCM.
 *
 * <p>The key comes from {@code ENGINE_SECRET_KEY}: the base64 of 32 random bytes, or any other
 * string, which is then stretched to 32 bytes with SHA-256. A sealed value is
 * {@code v1:<base64(12-byte nonce || ciphertext || tag)>}; the optional associated data binds a
 * ciphertext to its row so that it cannot be moved to another one.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Largest number of opened values kept; past it the memo starts over. */
    private static final int MEMO_LIMIT = 4096;

    private final SecretKeySpec key;
    /**
     * Opened values by (associated data, sealed value). A sealed value always opens to the same
     * plaintext, so this memo can never disagree with the database or another replica: a rotated
     * secret or refreshed token is a new sealed value. It saves an AES-GCM decryption on every
     * webhook (its marketplace's secret) and every action (its integration's token).
     */
    private final Map<String, String> opened = new ConcurrentHashMap<>();

    public SecretBox(String secretKey) {
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("ENGINE_SECRET_KEY is empty");
        }
        this.key = new SecretKeySpec(keyBytes(secretKey.trim()), "AES");
    }

    /** A fresh random key, in the form {@code ENGINE_SECRET_KEY} expects. */
    public static String generateKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    public String seal(String plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String open(String sealedValue, String associatedData) {
        if (sealedValue == null || !sealedValue.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed value");
        }
        String memoKey = associatedData + '\n' + sealedValue;
        String known = opened.get(memoKey);
        if (known != null) {
            return known;
        }
        String plain = decrypt(sealedValue, associatedData);
        if (opened.size() >= MEMO_LIMIT) {
            opened.clear();
        }
        opened.put(memoKey, plain);
        return plain;
    }

    private String decrypt(String sealedValue, String associatedData) {
        try {
            byte[] in = Base64.getDecoder().decode(sealedValue.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Deliberately vague: the message must never carry key or plaintext material.
            throw new IllegalStateException("a stored secret could not be decrypted (wrong ENGINE_SECRET_KEY?)");
        }
    }

    private static byte[] keyBytes(String secretKey) {
        try {
            byte[] decoded = Base64.getDecoder().decode(secretKey);
            if (decoded.length == 32) {
                return decoded;
            }
        } catch (IllegalArgumentException notBase64) {
            // fall through: any other string is stretched below
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(secretKey.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
