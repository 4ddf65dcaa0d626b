package io.hlbridge.engine.sources.samples;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ThriveCart account-webhook deliveries as ThriveCart sends them: a POST, form-encoded with PHP-style nested names
 * ({@code customer[email]}, {@code order[charges][0][amount]}), every value a string, absent values as the string
 * "null", amounts in cents, product names HTML-escaped. The shapes follow ThriveCart's documented parameters and
 * deliveries published by its users (order.success with {@code order[charges]}, {@code purchase_map} and
 * {@code transactions}; order.subscription_payment with {@code recurring_payment_idx}, an invoice id per rebill
 * ({@code 000000141-6}) and a {@code subscription[…]} block; refunds naming {@code refund[type]}, {@code refund[id]}
 * and {@code refund[amount]}). ThriveCart sends no event headers: Content-Type is the only one.
 *
 * <p>Every id comes from {@link Buyer#tag()}: the one-off purchase is order {@code orderId(tag)}, which the refunds
 * name; the subscription started with its own order, which renewals, failures and the cancellation name.
 */
public final class ThriveCartSamples implements SourceSamples {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String ACCOUNT = "hlbridge-demo";
    private static final String SECRET_FIELD = "thrivecart_secret";
    /** 2026-01-05T10:00:00Z: the purchases of the samples; later events are days after it. */
    private static final long START = 1_767_607_200L;
    private static final long DAY = 86_400L;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public ThriveCartSamples() {
    }

    @Override
    public String platform() {
        return "thrivecart";
    }

    @Override
    public Sample purchase(Buyer b) {
        Map<String, String> f = header("order.success", b);
        f.put("order_id", orderId(b));
        f.put("invoice_id", invoiceId(b, "order"));
        f.put("order_date", LOCAL.format(Instant.ofEpochSecond(START)));
        f.put("order_timestamp", Long.toString(START));
        f.put("currency", "USD");
        customer(f, b);
        f.put("affiliate", "null");
        order(f, b, orderId(b), invoiceId(b, "order"), START);
        f.put("transactions[product-" + b.productId() + "]", "ch_" + digits(b.tag(), "charge", 14));
        f.put("purchases[0]", html(b.productName()));
        f.put("purchase_map[0]", "product-" + b.productId());
        f.put("purchase_map_flat", "product-" + b.productId());
        f.put("fulfillment[url]", "https://" + ACCOUNT + ".thrivecart.com/p/confirm/" + digits(b.tag(), "hash", 16) + "/");
        return form(f);
    }

    @Override
    public Sample fullRefund(Buyer b) {
        return refund(b, b.priceCents(), START + 2 * DAY);
    }

    @Override
    public Sample partialRefund(Buyer b) {
        return refund(b, b.priceCents() / 3, START + DAY);
    }

    /** ThriveCart's refund of one item of the purchase: the item, this refund's amount, the order with its charges. */
    private Sample refund(Buyer b, long cents, long at) {
        Map<String, String> f = header("order.refund", b);
        f.put("order_id", orderId(b));
        f.put("invoice_id", invoiceId(b, "order"));
        f.put("currency", "USD");
        customer(f, b);
        moment(f, at);
        order(f, b, orderId(b), invoiceId(b, "order"), START);
        f.put("refund[type]", "product");
        f.put("refund[id]", b.productId());
        f.put("refund[product_id]", b.productId());
        f.put("refund[name]", html(b.productName()));
        f.put("refund[amount]", Long.toString(cents));
        f.put("refund[amount_str]", major(cents));
        f.put("refund[amount_gross]", Long.toString(cents));
        return form(f);
    }

    /** Rebill {@code chargeNumber - 1} of the buyer's monthly subscription, each under its own invoice. */
    @Override
    public Sample renewal(Buyer b, int chargeNumber) {
        int rebill = chargeNumber - 1;
        Map<String, String> f = rebill("order.subscription_payment", b, rebill, subscriptionStart() + rebill * 30 * DAY);
        f.put("subscription[next_payment_date]", Long.toString(subscriptionStart() + (rebill + 1) * 30 * DAY));
        return form(f);
    }

    /** Attempt {@code attempt} of the first rebill: ThriveCart retries the same invoice days apart. */
    @Override
    public Sample failedRenewal(Buyer b, int attempt) {
        return form(rebill("order.rebill_failed", b, 1, subscriptionStart() + 30 * DAY + (attempt - 1) * 3 * DAY));
    }

    @Override
    public Sample cancellation(Buyer b) {
        Map<String, String> f = header("order.subscription_cancelled", b);
        f.put("order_id", subscriptionOrderId(b));
        f.put("invoice_id", invoiceId(b, "subscription"));
        f.put("subscription_id", digits(b.tag(), "subscription", 7));
        f.put("currency", "USD");
        customer(f, b);
        moment(f, subscriptionStart() + 45 * DAY);
        subscription(f, b);
        f.put("subscription[billing_period_end]", Long.toString(subscriptionStart() + 60 * DAY));
        return form(f);
    }

    @Override
    public Sample abandonedCheckout(Buyer b) {
        Map<String, String> f = header("cart.abandoned", b);
        f.put("currency", "USD");
        customer(f, b);
        moment(f, START - DAY);
        return form(f);
    }

    /** An affiliate's commission on the purchase: ThriveCart sends it to the same URL; the engine has no use for it. */
    @Override
    public Sample ignored(Buyer b) {
        Map<String, String> f = header("affiliate.commission_earned", b);
        f.put("order_id", orderId(b));
        f.put("invoice_id", invoiceId(b, "order"));
        f.put("currency", "USD");
        customer(f, b);
        f.put("affiliate[id]", digits(b.tag(), "affiliate", 6));
        f.put("affiliate[email]", "partner@example.com");
        f.put("commission[amount]", Long.toString(b.priceCents() / 10));
        return form(f);
    }

    /**
     * The POST of ThriveCart's check when a URL is added (the HEAD of that check never reaches a platform route):
     * ThriveCart documents only that it must be answered 2xx, so it is modelled as an empty form POST.
     */
    @Override
    public Sample ping() {
        return new Sample("POST", Map.of("Content-Type", FORM), new byte[0]);
    }

    /**
     * ThriveCart "signs" by putting the account's secret word in the body as {@code thrivecart_secret}, right after
     * {@code thrivecart_account}; there is no timestamp. An empty body (the set-up check) carries nothing to sign.
     */
    @Override
    public Sample signed(Sample sample, String signingSecret, long epochSeconds) {
        String body = new String(sample.body(), StandardCharsets.UTF_8);
        if (body.isEmpty()) {
            return sample;
        }
        List<String> pairs = new ArrayList<>();
        boolean placed = false;
        for (String pair : body.split("&")) {
            if (URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8).equals(SECRET_FIELD)) {
                continue;
            }
            pairs.add(pair);
            if (pair.startsWith("thrivecart_account=")) {
                pairs.add(encode(SECRET_FIELD, signingSecret));
                placed = true;
            }
        }
        if (!placed) {
            pairs.add(0, encode(SECRET_FIELD, signingSecret));
        }
        return new Sample(sample.method(), Map.copyOf(sample.headers()), String.join("&", pairs).getBytes(StandardCharsets.UTF_8));
    }

    /** ThriveCart's secret words are 12 upper-case letters and digits. */
    @Override
    public String exampleSecret() {
        return "K7Q2M9X4TB1R";
    }

    // ---- the parts of ThriveCart's deliveries ----

    /** The fields every ThriveCart event starts with; the cart's product is the buyer's. */
    private static Map<String, String> header(String event, Buyer b) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("event", event);
        f.put("mode", "live");
        f.put("mode_int", "2");
        f.put("thrivecart_account", ACCOUNT);
        f.put("base_product", b.productId());
        f.put("base_product_name", html(b.productName()));
        f.put("base_product_label", html(b.productName()));
        f.put("base_product_owner", "110359");
        return f;
    }

    private static void customer(Map<String, String> f, Buyer b) {
        String id = digits(b.tag(), "customer", 9);
        f.put("customer_id", id);
        f.put("customer_identifier", "cus_" + digits(b.tag(), "processor", 14));
        f.put("customer[id]", id);
        f.put("customer[name]", b.firstName() + " " + b.lastName());
        f.put("customer[email]", b.email());
        f.put("customer[first_name]", b.firstName());
        f.put("customer[last_name]", b.lastName());
        f.put("customer[contactno]", "+14155550100");
        f.put("customer[ip_address]", "203.0.113.7");
        f.put("customer[address][line1]", "1 Main St");
        f.put("customer[address][city]", "Springfield");
        f.put("customer[address][state]", "IL");
        f.put("customer[address][zip]", "62701");
        f.put("customer[address][country]", "US");
        f.put("customer[checkbox_confirmation]", "false");
    }

    /** The order block: its totals and one single charge, the buyer's product. */
    private static void order(Map<String, String> f, Buyer b, String orderId, String invoiceId, long at) {
        String amount = Long.toString(b.priceCents());
        f.put("order[id]", orderId);
        f.put("order[invoice_id]", invoiceId);
        f.put("order[processor]", "stripe");
        f.put("order[total]", amount);
        f.put("order[total_str]", major(b.priceCents()));
        f.put("order[total_gross]", amount);
        f.put("order[date]", LOCAL.format(Instant.ofEpochSecond(at)));
        f.put("order[date_unix]", Long.toString(at));
        f.put("order[tax]", "null");
        String c = "order[charges][0]";
        f.put(c + "[name]", html(b.productName()));
        f.put(c + "[label]", "");
        f.put(c + "[reference]", b.productId());
        f.put(c + "[item_type]", "product");
        f.put(c + "[item_identifier]", "product_" + b.productId());
        f.put(c + "[amount]", amount);
        f.put(c + "[amount_str]", major(b.priceCents()));
        f.put(c + "[type]", "single");
        f.put(c + "[quantity]", "1");
        f.put(c + "[unit_price]", amount);
        f.put(c + "[payment_plan_id]", digits(b.tag(), "plan", 5));
    }

    /** A rebill event of the subscription's order: its own invoice ({@code base-N}) and index. */
    private static Map<String, String> rebill(String event, Buyer b, int rebill, long at) {
        Map<String, String> f = header(event, b);
        f.put("base_payment_plan", digits(b.tag(), "plan", 5));
        f.put("currency", "USD");
        f.put("recurring_payment_idx", Integer.toString(rebill));
        customer(f, b);
        f.put("affiliate", "null");
        moment(f, at);
        f.put("order[id]", subscriptionOrderId(b));
        f.put("order[invoice_id]", invoiceId(b, "subscription"));
        f.put("order[total]", Long.toString(b.priceCents()));
        f.put("order[date_unix]", Long.toString(subscriptionStart()));
        f.put("order_id", subscriptionOrderId(b));
        f.put("invoice_id", invoiceId(b, "subscription") + "-" + rebill);
        subscription(f, b);
        f.put("subscription[invoice_str]", invoiceId(b, "subscription") + "-" + rebill);
        f.put("subscription[recurring_payment_idx]", Integer.toString(rebill));
        return f;
    }

    /** The monthly subscription of the buyer's product, open-ended ({@code remaining_rebills} "null"). */
    private static void subscription(Map<String, String> f, Buyer b) {
        f.put("subscription[type]", "product");
        f.put("subscription[id]", b.productId());
        f.put("subscription[product_id]", b.productId());
        f.put("subscription[name]", html(b.productName()));
        f.put("subscription[label]", html(b.productName()));
        f.put("subscription[processor]", "stripe");
        f.put("subscription[currency]", "USD");
        f.put("subscription[invoice_id]", invoiceId(b, "subscription"));
        f.put("subscription[amount]", Long.toString(b.priceCents()));
        f.put("subscription[amount_str]", major(b.priceCents()));
        f.put("subscription[amount_gross]", Long.toString(b.priceCents()));
        f.put("subscription[frequency]", "month");
        f.put("subscription[frequency_days]", "30");
        f.put("subscription[remaining_rebills]", "null");
    }

    /** ThriveCart's three spellings of when a lifecycle event happened. */
    private static void moment(Map<String, String> f, long at) {
        Instant instant = Instant.ofEpochSecond(at);
        f.put("date", LOCAL.format(instant));
        f.put("date_iso8601", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC)));
        f.put("date_unix", Long.toString(at));
    }

    private static long subscriptionStart() {
        return START + 3 * DAY;
    }

    private static String orderId(Buyer b) {
        return digits(b.tag(), "order", 8);
    }

    private static String subscriptionOrderId(Buyer b) {
        return digits(b.tag(), "subscription-order", 8);
    }

    private static String invoiceId(Buyer b, String of) {
        return digits(b.tag(), "invoice-" + of, 9);
    }

    /** A number of {@code length} digits derived from the tag (ThriveCart's ids are numeric). */
    private static String digits(String tag, String salt, int length) {
        byte[] hash = sha256(salt + ":" + tag);
        StringBuilder out = new StringBuilder();
        for (int i = 0; out.length() < length; i++) {
            out.append(Math.floorMod(hash[i % hash.length] + i, 10));
        }
        if (out.charAt(0) == '0') {
            out.setCharAt(0, '1');
        }
        return out.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** ThriveCart HTML-escapes product names ("Mobile &amp;amp; Universal App Pro"). */
    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#039;");
    }

    private static String major(long cents) {
        return String.format(Locale.ROOT, "%d.%02d", cents / 100, cents % 100);
    }

    private static Sample form(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((name, value) -> pairs.add(encode(name, value)));
        return new Sample("POST", Map.of("Content-Type", FORM), String.join("&", pairs).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String name, String value) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
