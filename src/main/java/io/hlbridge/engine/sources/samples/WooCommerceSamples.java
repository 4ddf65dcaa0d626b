package io.hlbridge.engine.sources.samples;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * WooCommerce deliveries as {@code WC_Webhook::deliver} sends them (woocommerce: includes/class-wc-webhook.php): a
 * POST of the resource's REST API v3 JSON (orders: wc-rest-api-docs {@code _orders.md}; subscriptions: WooCommerce
 * Subscriptions' REST docs), encoded like {@code wp_json_encode} (compact, slashes escaped), with
 * {@code Content-Type: application/json}, the {@code X-WC-Webhook-Source/-Topic/-Resource/-Event/-ID/-Delivery-ID}
 * headers and, once {@link #signed}, {@code X-WC-Webhook-Signature}. The set-up ping is the unsigned form body
 * {@code webhook_id=N}.
 *
 * <p>Ids are integers, as in WooCommerce (orders, refunds and subscriptions share one id sequence), derived from the
 * buyer's tag: one parent order, its refunds, one subscription, its renewal orders and one failing renewal order.
 * Dates are fixed, so a sample built twice is the same delivery. The buyer's product id is sent as a JSON number when
 * it is one (as WooCommerce does) and as a string otherwise, so that tests may use ids like {@code prod_1}.
 */
public final class WooCommerceSamples implements SourceSamples {
    private static final String SITE = "https://shop.example.com/";
    private static final String USER_AGENT = "WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)";
    private static final Instant PURCHASED_AT = Instant.parse("2026-11-26T10:00:00Z");
    private static final DateTimeFormatter WOO_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    /** The webhooks a merchant adds, one per topic (X-WC-Webhook-ID). */
    private static final Map<String, Integer> WEBHOOK_IDS = Map.of("order.created", 11, "order.updated", 12,
            "subscription.updated", 13, "customer.created", 14);
    private static final int PING_WEBHOOK_ID = 11;

    public WooCommerceSamples() {
    }

    @Override
    public String platform() {
        return "woocommerce";
    }

    @Override
    public Sample purchase(Buyer buyer) {
        Ids ids = new Ids(buyer.tag());
        // the payload is built when the queued delivery runs, by then the paid order is processing
        String order = order(buyer, ids.order(), "processing", "checkout", PURCHASED_AT, PURCHASED_AT, "[]", "[]");
        return delivery("order.created", buyer.tag() + "/purchase", order);
    }

    @Override
    public Sample fullRefund(Buyer buyer) {
        Ids ids = new Ids(buyer.tag());
        String refunds = array(refund(ids.fullRefund(), "Customer request", buyer.priceCents()));
        String order = order(buyer, ids.order(), "refunded", "checkout", PURCHASED_AT,
                PURCHASED_AT.plus(Duration.ofDays(3)), "[]", refunds);
        return delivery("order.updated", buyer.tag() + "/full-refund", order);
    }

    @Override
    public Sample partialRefund(Buyer buyer) {
        Ids ids = new Ids(buyer.tag());
        String refunds = array(refund(ids.partialRefund(), "Partial refund", buyer.priceCents() / 3));
        String order = order(buyer, ids.order(), "processing", "checkout", PURCHASED_AT,
                PURCHASED_AT.plus(Duration.ofDays(2)), "[]", refunds);
        return delivery("order.updated", buyer.tag() + "/partial-refund", order);
    }

    /** WooCommerce Subscriptions creates a renewal order each period; paid, it is delivered as processing. */
    @Override
    public Sample renewal(Buyer buyer, int chargeNumber) {
        Ids ids = new Ids(buyer.tag());
        Instant paidAt = PURCHASED_AT.plus(Duration.ofDays(30L * (chargeNumber - 1)));
        String order = order(buyer, ids.renewalOrder(chargeNumber), "processing", "subscription", paidAt, paidAt,
                renewalMeta(ids), "[]");
        return delivery("order.created", buyer.tag() + "/renewal/" + chargeNumber, order);
    }

    /**
     * The next renewal order failing: Subscriptions' failed-payment retry pays the same order again (after 12 h,
     * 24 h …), and each failure turns it failed again, with a new {@code date_modified_gmt}.
     */
    @Override
    public Sample failedRenewal(Buyer buyer, int attempt) {
        Ids ids = new Ids(buyer.tag());
        Instant failedAt = PURCHASED_AT.plus(Duration.ofDays(30)).plus(Duration.ofHours(12L * (attempt - 1)));
        String order = order(buyer, ids.failingRenewalOrder(), "failed", "subscription", null, failedAt,
                renewalMeta(ids), "[]");
        return delivery("order.updated", buyer.tag() + "/failed-renewal/" + attempt, order);
    }

    @Override
    public Sample cancellation(Buyer buyer) {
        return delivery("subscription.updated", buyer.tag() + "/cancellation", subscription(buyer, "cancelled",
                PURCHASED_AT.plus(Duration.ofDays(75))));
    }

    /** WooCommerce core has no abandoned-checkout webhook (that takes a third-party plugin). */
    @Override
    public Sample abandonedCheckout(Buyer buyer) {
        return null;
    }

    /** A new customer account: the engine acts on orders, not on accounts. */
    @Override
    public Sample ignored(Buyer buyer) {
        Ids ids = new Ids(buyer.tag());
        String customer = new Obj()
                .num("id", ids.customer())
                .str("date_created", date(PURCHASED_AT))
                .str("date_created_gmt", date(PURCHASED_AT))
                .str("date_modified", date(PURCHASED_AT))
                .str("date_modified_gmt", date(PURCHASED_AT))
                .str("email", buyer.email())
                .str("first_name", buyer.firstName())
                .str("last_name", buyer.lastName())
                .str("role", "customer")
                .str("username", buyer.tag())
                .raw("billing", billing(buyer))
                .raw("shipping", shipping(buyer))
                .bool("is_paying_customer", false)
                .str("avatar_url", "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g")
                .raw("meta_data", "[]")
                .end();
        return delivery("customer.created", buyer.tag() + "/customer", customer);
    }

    /** {@code WC_Webhook::deliver_ping}: a plain wp_safe_remote_post, so form-encoded, unsigned, without topic. */
    @Override
    public Sample ping() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("User-Agent", USER_AGENT);
        return new Sample("POST", Collections.unmodifiableMap(headers),
                ("webhook_id=" + PING_WEBHOOK_ID).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code WC_Webhook::generate_signature}: base64_encode(hash_hmac('sha256', $body, $secret, true)). WooCommerce
     * has no timestamp ({@code epochSeconds} is unused) and never signs its ping, which is returned unchanged.
     */
    @Override
    public Sample signed(Sample sample, String signingSecret, long epochSeconds) {
        if (!sample.headers().containsKey("X-WC-Webhook-Topic")) {
            return sample;
        }
        Map<String, String> headers = new LinkedHashMap<>(sample.headers());
        headers.put("X-WC-Webhook-Signature", hmacSha256Base64(signingSecret, sample.body()));
        return new Sample(sample.method(), Collections.unmodifiableMap(headers), sample.body());
    }

    /** Like the 50 characters {@code wp_generate_password(50, true, true)} fills a new webhook's Secret with. */
    @Override
    public String exampleSecret() {
        return "Jm3#qT8!vL2@xR7$wZ5^kP9*hN4(bD6)fS1-gY0_uE{cO}iA4?";
    }

    // ---- the deliveries ----

    private static Sample delivery(String topic, String seed, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-WC-Webhook-Source", SITE);
        headers.put("X-WC-Webhook-Topic", topic);
        headers.put("X-WC-Webhook-Resource", topic.substring(0, topic.indexOf('.')));
        headers.put("X-WC-Webhook-Event", topic.substring(topic.indexOf('.') + 1));
        headers.put("X-WC-Webhook-ID", String.valueOf(WEBHOOK_IDS.get(topic)));
        // WooCommerce's is wp_hash(webhook id . time): 32 hex characters
        headers.put("X-WC-Webhook-Delivery-ID", HexFormat.of().formatHex(sha256(seed)).substring(0, 32));
        return new Sample("POST", Collections.unmodifiableMap(headers), json.getBytes(StandardCharsets.UTF_8));
    }

    /** An order as {@code GET /wc/v3/orders/{id}} shows it, with the buyer's product as its one line. */
    private static String order(Buyer b, long id, String status, String createdVia, Instant paidAt, Instant modifiedAt,
                                String metaData, String refunds) {
        Ids ids = new Ids(b.tag());
        String total = money(b.priceCents());
        String created = date(paidAt == null ? modifiedAt : paidAt);
        return new Obj()
                .num("id", id)
                .num("parent_id", 0)
                .str("status", status)
                .str("currency", "USD")
                .str("version", "9.8.5")
                .bool("prices_include_tax", false)
                .str("date_created", created)
                .str("date_modified", date(modifiedAt))
                .str("discount_total", "0.00")
                .str("discount_tax", "0.00")
                .str("shipping_total", "0.00")
                .str("shipping_tax", "0.00")
                .str("cart_tax", "0.00")
                .str("total", total)
                .str("total_tax", "0.00")
                .num("customer_id", ids.customer())
                .str("order_key", "wc_order_" + HexFormat.of().formatHex(sha256(b.tag() + id)).substring(0, 13))
                .raw("billing", billing(b))
                .raw("shipping", shipping(b))
                .str("payment_method", "stripe")
                .str("payment_method_title", "Credit Card (Stripe)")
                .str("transaction_id", paidAt == null ? "" : "ch_" + id)
                .str("customer_ip_address", "203.0.113.7")
                .str("customer_user_agent", "Mozilla/5.0")
                .str("created_via", createdVia)
                .str("customer_note", "")
                .str("date_completed", null)
                .str("date_paid", paidAt == null ? null : date(paidAt))
                .str("cart_hash", "")
                .str("number", String.valueOf(id))
                .raw("meta_data", metaData)
                .raw("line_items", array(lineItem(b, id)))
                .raw("tax_lines", "[]")
                .raw("shipping_lines", "[]")
                .raw("fee_lines", "[]")
                .raw("coupon_lines", "[]")
                .raw("refunds", refunds)
                .str("payment_url", SITE + "checkout/order-pay/" + id + "/")
                .bool("is_editable", false)
                .bool("needs_payment", paidAt == null)
                .bool("needs_processing", true)
                .str("date_created_gmt", created)
                .str("date_modified_gmt", date(modifiedAt))
                .str("date_completed_gmt", null)
                .str("date_paid_gmt", paidAt == null ? null : date(paidAt))
                .str("currency_symbol", "$")
                .raw("_links", links("orders", id))
                .end();
    }

    /** A subscription as {@code GET /wc/v3/subscriptions/{id}} shows it (WooCommerce Subscriptions). */
    private static String subscription(Buyer b, String status, Instant cancelledAt) {
        Ids ids = new Ids(b.tag());
        return new Obj()
                .num("id", ids.subscription())
                .num("parent_id", ids.order())
                .str("status", status)
                .str("currency", "USD")
                .str("version", "9.8.5")
                .bool("prices_include_tax", false)
                .str("date_created", date(PURCHASED_AT))
                .str("date_modified", date(cancelledAt))
                .str("discount_total", "0.00")
                .str("discount_tax", "0.00")
                .str("shipping_total", "0.00")
                .str("shipping_tax", "0.00")
                .str("cart_tax", "0.00")
                .str("total", money(b.priceCents()))
                .str("total_tax", "0.00")
                .num("customer_id", ids.customer())
                .str("order_key", "wc_order_" + HexFormat.of().formatHex(sha256(b.tag() + "sub")).substring(0, 13))
                .raw("billing", billing(b))
                .raw("shipping", shipping(b))
                .str("payment_method", "stripe")
                .str("payment_method_title", "Credit Card (Stripe)")
                .str("customer_ip_address", "203.0.113.7")
                .str("customer_user_agent", "Mozilla/5.0")
                .str("created_via", "checkout")
                .str("customer_note", "")
                .str("number", String.valueOf(ids.subscription()))
                .raw("meta_data", "[]")
                .raw("line_items", array(lineItem(b, ids.subscription())))
                .raw("tax_lines", "[]")
                .raw("shipping_lines", "[]")
                .raw("fee_lines", "[]")
                .raw("coupon_lines", "[]")
                .str("billing_period", "month")
                .str("billing_interval", "1")
                .str("start_date_gmt", date(PURCHASED_AT))
                .str("trial_end_date_gmt", "")
                .str("next_payment_date_gmt", "")
                .str("last_payment_date_gmt", date(PURCHASED_AT.plus(Duration.ofDays(60))))
                .str("cancelled_date_gmt", date(cancelledAt))
                .str("end_date_gmt", date(cancelledAt))
                .str("resubscribed_from", "")
                .str("resubscribed_subscription", "")
                .raw("removed_line_items", "[]")
                .str("date_created_gmt", date(PURCHASED_AT))
                .str("date_modified_gmt", date(cancelledAt))
                .raw("_links", links("subscriptions", ids.subscription()))
                .end();
    }

    /** The buyer's product as one line (quantity 1, no coupon or tax: total = subtotal = the price). */
    private static String lineItem(Buyer b, long ownerId) {
        String total = money(b.priceCents());
        Obj line = new Obj()
                .num("id", ownerId * 10 + 1)
                .str("name", b.productName());
        if (b.productId().matches("[1-9]\\d{0,17}")) {
            line.num("product_id", Long.parseLong(b.productId()));
        } else {
            line.str("product_id", b.productId());
        }
        return line
                .num("variation_id", 0)
                .num("quantity", 1)
                .str("tax_class", "")
                .str("subtotal", total)
                .str("subtotal_tax", "0.00")
                .str("total", total)
                .str("total_tax", "0.00")
                .raw("taxes", "[]")
                .raw("meta_data", "[]")
                .str("sku", "")
                .raw("price", BigDecimal.valueOf(b.priceCents(), 2).stripTrailingZeros().toPlainString())
                .end();
    }

    private static String refund(long id, String reason, long cents) {
        return new Obj().num("id", id).str("reason", reason).str("total", "-" + money(cents)).end();
    }

    private static String renewalMeta(Ids ids) {
        return array(new Obj().num("id", ids.subscription() + 7).str("key", "_subscription_renewal")
                .str("value", String.valueOf(ids.subscription())).end());
    }

    private static String billing(Buyer b) {
        return new Obj()
                .str("first_name", b.firstName())
                .str("last_name", b.lastName())
                .str("company", "")
                .str("address_1", "1 Main St")
                .str("address_2", "")
                .str("city", "Springfield")
                .str("state", "IL")
                .str("postcode", "62701")
                .str("country", "US")
                .str("email", b.email())
                .str("phone", "+14155550100")
                .end();
    }

    private static String shipping(Buyer b) {
        return new Obj()
                .str("first_name", b.firstName())
                .str("last_name", b.lastName())
                .str("company", "")
                .str("address_1", "1 Main St")
                .str("address_2", "")
                .str("city", "Springfield")
                .str("state", "IL")
                .str("postcode", "62701")
                .str("country", "US")
                .end();
    }

    private static String links(String collection, long id) {
        String base = SITE + "wp-json/wc/v3/" + collection;
        return new Obj()
                .raw("self", array(new Obj().str("href", base + "/" + id).end()))
                .raw("collection", array(new Obj().str("href", base).end()))
                .end();
    }

    /**
     * The ids of one buyer's scenario: a 40-bit number from the tag's SHA-256, times 1000, plus a slot per resource,
     * so two tags practically never share an id.
     */
    private record Ids(long base) {
        Ids(String tag) {
            this(1 + new BigInteger(1, Arrays.copyOf(sha256(tag), 5)).longValue());
        }

        long order() {
            return base * 1000 + 1;
        }

        long fullRefund() {
            return base * 1000 + 2;
        }

        long partialRefund() {
            return base * 1000 + 3;
        }

        long subscription() {
            return base * 1000 + 10;
        }

        /** Renewal orders 2 … 898 of the subscription. */
        long renewalOrder(int chargeNumber) {
            return base * 1000 + 100 + chargeNumber;
        }

        long failingRenewalOrder() {
            return base * 1000 + 999;
        }

        long customer() {
            return base;
        }
    }

    // ---- JSON as text ----

    private static String money(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    /** A GMT date as WooCommerce writes it: no offset. */
    private static String date(Instant at) {
        return LocalDateTime.ofInstant(at, ZoneOffset.UTC).format(WOO_DATE);
    }

    private static String array(String... elements) {
        return "[" + String.join(",", elements) + "]";
    }

    /** A JSON object written field by field, compact like wp_json_encode. */
    private static final class Obj {
        private final List<String> fields = new ArrayList<>();

        Obj str(String name, String value) {
            return raw(name, value == null ? "null" : quote(value));
        }

        Obj num(String name, long value) {
            return raw(name, String.valueOf(value));
        }

        Obj bool(String name, boolean value) {
            return raw(name, String.valueOf(value));
        }

        Obj raw(String name, String json) {
            fields.add(quote(name) + ":" + json);
            return this;
        }

        String end() {
            return "{" + String.join(",", fields) + "}";
        }
    }

    /** A JSON string; like wp_json_encode, "/" is escaped as well. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    // ---- hashing, written apart from the engine's verifier ----

    private static String hmacSha256Base64(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
