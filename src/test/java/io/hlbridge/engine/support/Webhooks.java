package io.hlbridge.engine.support;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A store's side of a webhook delivery, signed by a second implementation of Standard Webhooks
 * (written from the specification, not from the engine's code), so a wrong scheme in the engine
 * cannot pass its own tests.
 */
public final class Webhooks {
    private Webhooks() {
    }

    public static String sign(String whsecSecret, String id, long timestamp, String body) {
        try {
            byte[] key = Base64.getDecoder().decode(whsecSecret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String content = id + "." + timestamp + "." + body;
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static HttpRequest signed(String baseUrl, String marketplaceId, String secret, String id, String body) {
        return signedAt(baseUrl, marketplaceId, secret, id, body, Instant.now().getEpochSecond());
    }

    public static HttpRequest signedAt(String baseUrl, String marketplaceId, String secret, String id, String body,
                                       long timestamp) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks/" + marketplaceId))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", sign(secret, id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    /** A valid order.completed body for {@code email}. */
    public static String order(String email, String orderId, String productId) {
        return """
                {"type":"order.completed","occurred_at":"2026-11-26T10:00:00Z","test_mode":false,
                 "customer":{"id":"cus_1","email":"%s","first_name":"Ada","last_name":"Lovelace"},
                 "order":{"id":"%s","total_cents":4900,"currency":"USD"},
                 "items":[{"product_id":"%s","product_name":"Course X","role":"primary","price_cents":4900,"quantity":1}]}
                """.formatted(email, orderId, productId);
    }
}
