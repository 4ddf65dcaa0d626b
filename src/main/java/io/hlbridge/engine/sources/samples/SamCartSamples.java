package io.hlbridge.engine.sources.samples;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SamCart Notify URL deliveries as third-party receivers show them (docs/store-platforms.md): one flat JSON object
 * with a {@code type}, the unexplained {@code api_key}, {@code product}, {@code customer} (phone as
 * {@code phone_number}, billing address as {@code billing_*}), {@code order} (with {@code subscription_id}),
 * {@code affiliate}; prices as decimal strings, ids as numbers. SamCart sends only a Content-Type of its own and
 * signs nothing. Ids are derived from the buyer's tag, so a scenario's deliveries refer to one order and one
 * subscription; charges and refunds carry Stripe-style transaction ids, one per attempt.
 */
public final class SamCartSamples implements SourceSamples {

    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

    @Override
    public String platform() {
        return "samcart";
    }

    @Override
    public Sample purchase(Buyer buyer) {
        return sample(buyer, "Order", orderId(buyer), null, null, Map.of());
    }

    @Override
    public Sample fullRefund(Buyer buyer) {
        return sample(buyer, "Refund", orderId(buyer), null, null,
                Map.of("refund_transaction_id", "re_" + hex(buyer.tag(), "refund-full")));
    }

    @Override
    public Sample partialRefund(Buyer buyer) {
        Map<String, String> refund = new LinkedHashMap<>();
        refund.put("refund_transaction_id", "re_" + hex(buyer.tag(), "refund-partial"));
        refund.put("refund_amount", decimal(buyer.priceCents() / 3));
        return sample(buyer, "PartialRefund", orderId(buyer), null, null, refund);
    }

    @Override
    public Sample renewal(Buyer buyer, int chargeNumber) {
        return sample(buyer, "RecurringPaymentSucceeded", subscriptionOrderId(buyer), subscriptionId(buyer),
                "ch_" + hex(buyer.tag(), "renewal-" + chargeNumber), Map.of());
    }

    @Override
    public Sample failedRenewal(Buyer buyer, int attempt) {
        return sample(buyer, "RecurringPaymentFailed", subscriptionOrderId(buyer), subscriptionId(buyer),
                "ch_" + hex(buyer.tag(), "failed-" + attempt), Map.of());
    }

    @Override
    public Sample cancellation(Buyer buyer) {
        return sample(buyer, "Cancel", subscriptionOrderId(buyer), subscriptionId(buyer), null, Map.of());
    }

    /** Null: SamCart's Notify URL has no abandoned-checkout (prospect) notification in any known receiver. */
    @Override
    public Sample abandonedCheckout(Buyer buyer) {
        return null;
    }

    /** A type the engine does not use; no such SamCart type is documented, so this name is illustrative. */
    @Override
    public Sample ignored(Buyer buyer) {
        return sample(buyer, "SubscriptionPaused", subscriptionOrderId(buyer), subscriptionId(buyer), null, Map.of());
    }

    /** Null: SamCart sends nothing when the Notify URL is added. */
    @Override
    public Sample ping() {
        return null;
    }

    /** Unchanged: SamCart signs nothing; the URL's key is its only credential. */
    @Override
    public Sample signed(Sample sample, String signingSecret, long epochSeconds) {
        return sample;
    }

    /** Null: a SamCart source has no signing secret. */
    @Override
    public String exampleSecret() {
        return null;
    }

    // ---- the body ----

    private static Sample sample(Buyer b, String type, String orderId, String subscriptionId, String transactionId,
                                 Map<String, String> extra) {
        StringBuilder json = new StringBuilder("{");
        json.append("\"type\":").append(str(type));
        json.append(",\"api_key\":").append(str("sc_" + hex("samples", "api-key")));
        json.append(",\"product\":{\"id\":").append(id(b.productId()))
                .append(",\"name\":").append(str(b.productName()))
                .append(",\"price\":").append(str(decimal(b.priceCents())))
                .append(",\"quantity\":1");
        if (transactionId != null) {
            json.append(",\"transaction_id\":").append(str(transactionId));
        }
        json.append("},\"customer\":{\"customer_id\":").append(numericId(b.tag(), "customer"))
                .append(",\"first_name\":").append(str(b.firstName()))
                .append(",\"last_name\":").append(str(b.lastName()))
                .append(",\"email\":").append(str(b.email()))
                .append(",\"phone_number\":\"+14155550100\"")
                .append(",\"billing_address\":\"1 Main St\",\"billing_city\":\"Springfield\"")
                .append(",\"billing_state\":\"IL\",\"billing_zip\":\"62701\",\"billing_country\":\"US\"}");
        json.append(",\"order\":{\"id\":").append(orderId)
                .append(",\"total\":").append(str(decimal(b.priceCents())))
                .append(",\"ip_address\":\"203.0.113.7\"")
                .append(",\"stripe_id\":").append(str("cus_" + hex(b.tag(), "stripe-customer")))
                .append(",\"subscription_id\":").append(subscriptionId == null ? "null" : subscriptionId)
                .append(",\"shipping_address\":\"\",\"shipping_city\":\"\",\"shipping_state\":\"\"")
                .append(",\"shipping_zip\":\"\",\"shipping_country\":\"\"}");
        json.append(",\"affiliate\":{\"id\":null,\"token\":null}");
        json.append(",\"processor\":\"Stripe\"");
        extra.forEach((k, v) -> json.append(',').append(str(k)).append(':').append(str(v)));
        json.append('}');
        return new Sample("POST", HEADERS, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String orderId(Buyer b) {
        return numericId(b.tag(), "order");
    }

    /** The order that started the buyer's subscription (SamCart repeats it on every subscription notification). */
    private static String subscriptionOrderId(Buyer b) {
        return numericId(b.tag(), "subscription-order");
    }

    private static String subscriptionId(Buyer b) {
        return numericId(b.tag(), "subscription");
    }

    /** "9700" → "97.00", as SamCart writes prices. */
    private static String decimal(long cents) {
        return (cents / 100) + "." + String.format("%02d", cents % 100);
    }

    /** A product id as SamCart would send it: a JSON number when it is one, else a string. */
    private static String id(String productId) {
        return productId.matches("[1-9][0-9]{0,17}") ? productId : str(productId);
    }

    /** A nine-digit id like SamCart's, stable for (tag, what). */
    private static String numericId(String tag, String what) {
        return Long.toString(Math.floorMod(fnv(tag, what), 900_000_000L) + 100_000_000L);
    }

    /** Sixteen hex digits, stable for (tag, what): the tail of a Stripe-style id. */
    private static String hex(String tag, String what) {
        return String.format("%016x", fnv(tag, what));
    }

    /** FNV-1a 64 over "tag/what". */
    private static long fnv(String tag, String what) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : (tag + "/" + what).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** A JSON string literal (or null), escaped. */
    private static String str(String s) {
        return JsonText.quote(s);
    }
}
