package io.hlbridge.engine.sources.samples;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe webhook events as Stripe sends them, built from the documented object shapes (the event
 * envelope, Checkout Session, Invoice of API version 2025-03-31 "basil", Charge, Subscription) and
 * signed as Stripe's documentation says: {@code Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "t.body" keyed with the whsec_ string>}.
 *
 * <p>Every id derives from the buyer's tag: the purchase's payment intent {@code pi_<tag>} is the
 * charge the refunds name; renewals, failures and the cancellation concern {@code sub_<tag>}, whose
 * items and invoice lines are the buyer's product; the failed attempts are attempts 1, 2 … of the
 * one invoice {@code in_<tag>_dunning}. As the setup steps advise merchants, {@code
 * metadata.product_id} is the buyer's product everywhere and the subscription's {@code metadata.email}
 * is the buyer's email (Stripe's subscription object names its customer only by id).
 */
public final class StripeSamples implements SourceSamples {
    private static final String API_VERSION = "2025-03-31.basil";
    /** 2026-01-01T00:00:00Z: the samples' clock, so that a sample built twice is the same delivery. */
    private static final long BASE = 1_767_225_600L;
    private static final long DAY = 86_400L;

    @Override
    public String platform() {
        return "stripe";
    }

    @Override
    public Sample purchase(Buyer buyer) {
        Map<String, Object> session = checkoutSession(buyer, "cs_test_" + id(buyer) + "_paid");
        session.put("payment_intent", "pi_" + id(buyer));
        session.put("payment_status", "paid");
        session.put("status", "complete");
        return event(buyer, "purchase", "checkout.session.completed", BASE + 600, session, null);
    }

    @Override
    public Sample fullRefund(Buyer buyer) {
        return refund(buyer, "refund_full", buyer.priceCents());
    }

    @Override
    public Sample partialRefund(Buyer buyer) {
        return refund(buyer, "refund_partial", buyer.priceCents() / 3);
    }

    @Override
    public Sample renewal(Buyer buyer, int chargeNumber) {
        Map<String, Object> invoice = invoice(buyer, "in_" + id(buyer) + "_c" + chargeNumber, BASE + chargeNumber * 30 * DAY);
        invoice.put("amount_paid", buyer.priceCents());
        invoice.put("amount_remaining", 0);
        invoice.put("attempt_count", 1);
        invoice.put("status", "paid");
        return event(buyer, "renewal_" + chargeNumber, "invoice.paid", BASE + chargeNumber * 30 * DAY, invoice, null);
    }

    @Override
    public Sample failedRenewal(Buyer buyer, int attempt) {
        long created = BASE + 90 * DAY;
        Map<String, Object> invoice = invoice(buyer, "in_" + id(buyer) + "_dunning", created);
        invoice.put("amount_paid", 0);
        invoice.put("amount_remaining", buyer.priceCents());
        invoice.put("attempt_count", attempt);
        invoice.put("status", "open");
        invoice.put("next_payment_attempt", created + (attempt + 2) * DAY);
        return event(buyer, "failed_" + attempt, "invoice.payment_failed", created + attempt * 3 * DAY, invoice, null);
    }

    @Override
    public Sample cancellation(Buyer buyer) {
        Map<String, Object> subscription = object("sub_" + id(buyer), "subscription");
        subscription.put("customer", "cus_" + id(buyer));
        subscription.put("status", "canceled");
        subscription.put("canceled_at", BASE + 120 * DAY);
        subscription.put("ended_at", BASE + 120 * DAY);
        subscription.put("cancellation_details", map("reason", "cancellation_requested", "comment", null, "feedback", null));
        subscription.put("items", list(List.of(subscriptionItem(buyer)), "/v1/subscription_items?subscription=sub_" + id(buyer)));
        subscription.put("latest_invoice", "in_" + id(buyer) + "_dunning");
        subscription.put("livemode", false);
        subscription.put("metadata", map("product_id", buyer.productId(), "email", buyer.email()));
        subscription.put("created", BASE);
        return event(buyer, "canceled", "customer.subscription.deleted", BASE + 120 * DAY, subscription, null);
    }

    @Override
    public Sample abandonedCheckout(Buyer buyer) {
        Map<String, Object> session = checkoutSession(buyer, "cs_test_" + id(buyer) + "_abandoned");
        session.put("payment_intent", null);
        session.put("payment_status", "unpaid");
        session.put("status", "expired");
        return event(buyer, "expired", "checkout.session.expired", BASE, session, null);
    }

    /** {@code payment_intent.succeeded}: fires for invoices too, so the engine leaves it to Checkout's event. */
    @Override
    public Sample ignored(Buyer buyer) {
        Map<String, Object> intent = object("pi_" + id(buyer), "payment_intent");
        intent.put("amount", buyer.priceCents());
        intent.put("amount_received", buyer.priceCents());
        intent.put("currency", "usd");
        intent.put("customer", "cus_" + id(buyer));
        intent.put("latest_charge", "ch_" + id(buyer));
        intent.put("livemode", false);
        intent.put("metadata", map("product_id", buyer.productId()));
        intent.put("receipt_email", buyer.email());
        intent.put("status", "succeeded");
        intent.put("created", BASE + 590);
        return event(buyer, "pi_succeeded", "payment_intent.succeeded", BASE + 600, intent, null);
    }

    /** Stripe sends no set-up ping: the Dashboard's "Send test event" sends an ordinary event. */
    @Override
    public Sample ping() {
        return null;
    }

    @Override
    public Sample signed(Sample sample, String signingSecret, long epochSeconds) {
        Map<String, String> headers = new LinkedHashMap<>(sample.headers());
        headers.put("Stripe-Signature", "t=" + epochSeconds + ",v1=" + hmacHex(signingSecret, epochSeconds, sample.body()));
        return new Sample(sample.method(), headers, sample.body());
    }

    @Override
    public String exampleSecret() {
        return "whsec_hlbridgeSampleSecret7a1f0c93e5b24d68";
    }

    /** Stripe's v1 scheme, from its documentation: HMAC-SHA256 over "{t}.{body}", key = the secret's UTF-8 bytes. */
    private static String hmacHex(String secret, long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            StringBuilder hex = new StringBuilder();
            for (byte b : mac.doFinal(signed)) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    // ---- Stripe objects ----

    /** The purchase's charge after one refund of {@code refunded} cents, its first. */
    private static Sample refund(Buyer buyer, String name, long refunded) {
        Map<String, Object> charge = object("ch_" + id(buyer), "charge");
        charge.put("amount", buyer.priceCents());
        charge.put("amount_captured", buyer.priceCents());
        charge.put("amount_refunded", refunded);
        charge.put("billing_details", map("address", address(), "email", buyer.email(),
                "name", fullName(buyer), "phone", null));
        charge.put("captured", true);
        charge.put("currency", "usd");
        charge.put("customer", "cus_" + id(buyer));
        charge.put("livemode", false);
        charge.put("metadata", map("product_id", buyer.productId(), "product_name", buyer.productName()));
        charge.put("paid", true);
        charge.put("payment_intent", "pi_" + id(buyer));
        charge.put("receipt_email", buyer.email());
        charge.put("refunded", refunded == buyer.priceCents());
        charge.put("status", "succeeded");
        charge.put("created", BASE + 590);
        return event(buyer, name, "charge.refunded", BASE + 7 * DAY, charge, map("amount_refunded", 0, "refunded", false));
    }

    private static Map<String, Object> checkoutSession(Buyer buyer, String sessionId) {
        Map<String, Object> session = object(sessionId, "checkout.session");
        session.put("amount_subtotal", buyer.priceCents());
        session.put("amount_total", buyer.priceCents());
        session.put("created", BASE - DAY);
        session.put("currency", "usd");
        session.put("customer", null);
        session.put("customer_creation", "if_required");
        session.put("customer_details", map("address", address(), "email", buyer.email(), "name", fullName(buyer),
                "phone", null, "tax_exempt", "none", "tax_ids", List.of()));
        session.put("customer_email", null);
        session.put("expires_at", BASE);
        session.put("livemode", false);
        session.put("metadata", map("product_id", buyer.productId(), "product_name", buyer.productName()));
        session.put("mode", "payment");
        session.put("payment_link", null);
        session.put("payment_method_types", List.of("card"));
        session.put("success_url", "https://shop.example.com/thanks");
        return session;
    }

    /** A renewal invoice of the buyer's subscription, in the basil shape (parent, pricing). */
    private static Map<String, Object> invoice(Buyer buyer, String invoiceId, long created) {
        Map<String, Object> invoice = object(invoiceId, "invoice");
        invoice.put("amount_due", buyer.priceCents());
        invoice.put("attempted", true);
        invoice.put("billing_reason", "subscription_cycle");
        invoice.put("collection_method", "charge_automatically");
        invoice.put("created", created);
        invoice.put("currency", "usd");
        invoice.put("customer", "cus_" + id(buyer));
        invoice.put("customer_address", address());
        invoice.put("customer_email", buyer.email());
        invoice.put("customer_name", fullName(buyer));
        invoice.put("customer_phone", null);
        Map<String, Object> line = object("il_" + invoiceId.substring(3), "line_item");
        line.put("amount", buyer.priceCents());
        line.put("currency", "usd");
        line.put("description", "1 × " + buyer.productName() + " (at " + dollars(buyer.priceCents()) + " / month)");
        line.put("invoice", invoiceId);
        line.put("parent", map("type", "subscription_item_details", "subscription_item_details",
                map("subscription", "sub_" + id(buyer), "subscription_item", "si_" + id(buyer), "proration", false)));
        line.put("period", map("start", created, "end", created + 30 * DAY));
        line.put("pricing", map("type", "price_details", "price_details",
                map("price", "price_" + id(buyer), "product", buyer.productId()),
                "unit_amount_decimal", Long.toString(buyer.priceCents())));
        line.put("quantity", 1);
        invoice.put("lines", list(List.of(line), "/v1/invoices/" + invoiceId + "/lines"));
        invoice.put("livemode", false);
        invoice.put("metadata", map());
        invoice.put("parent", map("type", "subscription_details", "quote_details", null, "subscription_details",
                map("metadata", map("product_id", buyer.productId()), "subscription", "sub_" + id(buyer))));
        invoice.put("period_start", created - 30 * DAY);
        invoice.put("period_end", created);
        invoice.put("subtotal", buyer.priceCents());
        invoice.put("total", buyer.priceCents());
        return invoice;
    }

    private static Map<String, Object> subscriptionItem(Buyer buyer) {
        Map<String, Object> item = object("si_" + id(buyer), "subscription_item");
        Map<String, Object> price = object("price_" + id(buyer), "price");
        price.put("currency", "usd");
        price.put("nickname", buyer.productName());
        price.put("product", buyer.productId());
        price.put("recurring", map("interval", "month", "interval_count", 1, "usage_type", "licensed"));
        price.put("type", "recurring");
        price.put("unit_amount", buyer.priceCents());
        item.put("price", price);
        item.put("quantity", 1);
        item.put("subscription", "sub_" + id(buyer));
        return item;
    }

    private static Map<String, Object> address() {
        return map("city", "Springfield", "country", "US", "line1", "1 Main St", "line2", null,
                "postal_code", "62701", "state", "IL");
    }

    /** The event envelope around {@code object}, as a JSON delivery with Stripe's headers. */
    private static Sample event(Buyer buyer, String name, String type, long created, Map<String, Object> object,
                                Map<String, Object> previous) {
        Map<String, Object> data = map("object", object);
        if (previous != null) {
            data.put("previous_attributes", previous);
        }
        Map<String, Object> event = object("evt_" + id(buyer) + "_" + name, "event");
        event.put("api_version", API_VERSION);
        event.put("created", created);
        event.put("data", data);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.put("request", map("id", null, "idempotency_key", null));
        event.put("type", type);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        headers.put("Accept", "*/*; q=0.5, application/xml");
        headers.put("Cache-Control", "no-cache");
        return new Sample("POST", headers, json(event).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> object(String id, String objectType) {
        return map("id", id, "object", objectType);
    }

    private static Map<String, Object> list(List<?> data, String url) {
        return map("object", "list", "data", data, "has_more", false, "total_count", data.size(), "url", url);
    }

    /** The tag as Stripe-like id characters. */
    private static String id(Buyer buyer) {
        return buyer.tag().replaceAll("[^A-Za-z0-9]", "");
    }

    private static String fullName(Buyer buyer) {
        return (buyer.firstName() + " " + buyer.lastName()).trim();
    }

    private static String dollars(long cents) {
        return String.format("$%d.%02d", cents / 100, cents % 100);
    }

    // ---- JSON as text ----

    /** An ordered map of alternating names and values. */
    private static Map<String, Object> map(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    private static String json(Object value) {
        return JsonText.of(value);
    }
}
