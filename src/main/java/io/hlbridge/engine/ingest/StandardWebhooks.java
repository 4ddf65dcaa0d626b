package io.hlbridge.engine.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 verification (https://www.standardwebhooks.com): HMAC-SHA256 over
 * {@code {webhook-id}.{webhook-timestamp}.{body}} keyed with the base64-decoded bytes of the
 * {@code whsec_} secret; {@code webhook-signature} lists {@code v1,<base64>} entries, any of which may
 * match; the timestamp must lie within five minutes of now. Plain Java, no Camel.
 */
public final class StandardWebhooks {
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String SECRET_PREFIX = "whsec_";

    /** Why a delivery failed verification, in words safe to return to the caller. */
    public static final class Rejected extends Exception {
        public Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private StandardWebhooks() {
    }

    public static void verify(List<String> secrets, String id, String timestamp, String signatureHeader,
                              byte[] body, Instant now) throws Rejected {
        if (id == null || id.isBlank()) {
            throw new Rejected("missing webhook-id header");
        }
        if (timestamp == null || timestamp.isBlank()) {
            throw new Rejected("missing webhook-timestamp header");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new Rejected("missing webhook-signature header");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Rejected("webhook-timestamp must be Unix seconds");
        }
        // compared without subtracting from the given value: now - seconds overflows for seconds near
        // Long.MIN_VALUE, and Math.abs(Long.MIN_VALUE) is negative, which once counted as fresh
        long nowSeconds = now.getEpochSecond();
        if (seconds < nowSeconds - TOLERANCE.toSeconds() || seconds > nowSeconds + TOLERANCE.toSeconds()) {
            throw new Rejected("webhook-timestamp is more than 5 minutes away from now");
        }
        for (String secret : secrets) {
            byte[] expected = sign(secret, id, timestamp.trim(), body);
            for (String entry : signatureHeader.trim().split(" ")) { // one space: split's fast path, no regex
                int comma = entry.indexOf(',');
                if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
                    continue;
                }
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(entry.substring(comma + 1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return;
                }
            }
        }
        throw new Rejected("no webhook-signature entry matches");
    }

    /** The raw v1 signature bytes of one delivery. */
    public static byte[] sign(String secret, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey(secret), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code v1,<base64>}, the header value a sender puts in {@code webhook-signature}. */
    public static String signatureHeader(String secret, String id, String timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(sign(secret, id, timestamp, body));
    }

    static byte[] secretKey(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
