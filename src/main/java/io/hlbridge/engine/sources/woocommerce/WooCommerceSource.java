package io.hlbridge.engine.sources.woocommerce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.sources.Delivery;
import io.hlbridge.engine.sources.Hmac;
import io.hlbridge.engine.sources.NotAuthentic;
import io.hlbridge.engine.sources.SourceEvent;
import io.hlbridge.engine.sources.SourcePlatform;
import io.hlbridge.engine.sources.StoreEvents;
import io.hlbridge.engine.sources.Translation;
import io.hlbridge.engine.sources.Untranslatable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WooCommerce's own webhooks (PRODUCT.md §3a), as {@code WC_Webhook} (class-wc-webhook.php) sends them: a JSON POST
 * of the resource as the REST API v3 shows it, with the headers {@code X-WC-Webhook-Source} (site URL),
 * {@code -Topic} ({@code order.updated}), {@code -Resource}, {@code -Event}, {@code -ID} (the webhook),
 * {@code -Delivery-ID} (a new hash per delivery) and {@code -Signature}: base64 of HMAC-SHA256 of the raw body keyed
 * with the webhook's secret (its UTF-8 bytes). Saving a webhook first POSTs an unsigned, form-encoded
 * {@code webhook_id=N} ping that must be answered 200. WooCommerce never retries a delivery and disables the webhook
 * after more than 5 failed deliveries in a row.
 *
 * <p>What the engine uses: a paid order ({@code order.created} / {@code order.updated}) is an {@code order.completed};
 * each entry of its {@code refunds[]} a {@code refund.created}; a WooCommerce Subscriptions renewal order (meta
 * {@code _subscription_renewal} = the subscription id) a {@code subscription.charged} when paid or a
 * {@code subscription.charge_failed} when failed; a {@code subscription.updated} (or {@code .deleted}) with status
 * {@code cancelled} a {@code subscription.canceled}. Since {@code order.updated} re-sends the whole order on every
 * change, the idempotency keys are the resource's own ids ({@code order:727}, {@code refund:730},
 * {@code charge:731}), never the delivery id.
 */
public final class WooCommerceSource extends SourcePlatform {
    static final String SIGNATURE = "X-WC-Webhook-Signature";
    static final String TOPIC = "X-WC-Webhook-Topic";
    static final String RESOURCE = "X-WC-Webhook-Resource";
    static final String EVENT = "X-WC-Webhook-Event";
    static final String DELIVERY_ID = "X-WC-Webhook-Delivery-ID";

    /** WooCommerce Subscriptions' order meta naming the subscription a renewal order renews. */
    static final String RENEWAL_META = "_subscription_renewal";

    private static final Pattern PING = Pattern.compile("webhook_id=\\d{1,20}");
    private static final Set<String> PAID_STATUSES = Set.of("processing", "completed");
    /** Largest cent amount a store event may carry (the schema's 2^53 - 1). */
    private static final long MAX_CENTS = 9007199254740991L;
    /** Woo's amounts are plain decimal strings ("97.00"); anything else (exponents, 40 digits) is refused unparsed. */
    private static final Pattern AMOUNT = Pattern.compile("-?\\d{1,16}(\\.\\d{1,12})?");
    private static final int MAX_ID = 255;
    private static final int MAX_NAME = 500;
    private static final Pattern ENTITY = Pattern.compile("&(#\\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED_ENTITIES = Map.ofEntries(Map.entry("amp", "&"),
            Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""), Map.entry("apos", "'"),
            Map.entry("nbsp", " "), Map.entry("ndash", "–"), Map.entry("mdash", "—"), Map.entry("hellip", "…"),
            Map.entry("lsquo", "‘"), Map.entry("rsquo", "’"), Map.entry("ldquo", "“"), Map.entry("rdquo", "”"));

    public WooCommerceSource(Clock clock) {
        super(clock);
    }

    @Override
    public String id() {
        return "woocommerce";
    }

    @Override
    public String displayName() {
        return "WooCommerce";
    }

    @Override
    public List<String> setupSteps() {
        return List.of(
                "In WordPress, open WooCommerce → Settings → Advanced → Webhooks and click “Add webhook”.",
                "Set Status to Active, paste this source's webhook URL as the Delivery URL and keep API version "
                        + "“WP REST API Integration v3”.",
                "Add one such webhook per topic: “Order created” and “Order updated” (purchases, refunds and "
                        + "subscription renewals) and, with WooCommerce Subscriptions, “Subscription updated” "
                        + "(cancellations).",
                "Use the same Secret in every webhook (WooCommerce fills one in; you may type your own), paste it "
                        + "here as this source's signing secret, then click “Save webhook”.");
    }

    @Override
    public boolean signs() {
        return true;
    }

    @Override
    public void verify(Delivery delivery, String signingSecret, Instant now) throws NotAuthentic {
        if (StoreEvents.blank(signingSecret)) {
            throw new NotAuthentic("this WooCommerce source has no signing secret set: paste the webhook's Secret "
                    + "(WooCommerce → Settings → Advanced → Webhooks) as the source's signing_secret");
        }
        String sent = delivery.header(SIGNATURE);
        if (StoreEvents.blank(sent)) {
            throw new NotAuthentic("the " + SIGNATURE + " header is missing");
        }
        byte[] expected = signature(signingSecret, delivery.body()).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sent.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new NotAuthentic(SIGNATURE + " does not match the body signed with this source's secret");
        }
        // WooCommerce sends no timestamp, so there is no staleness to check: a replayed delivery carries the
        // resource's own ids, which the inbox and the trigger state already de-duplicate.
    }

    /** Base64 of HMAC-SHA256 of the raw body keyed with the secret's UTF-8 bytes (WC_Webhook::generate_signature). */
    private static String signature(String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(secret, body));
    }

    /** The unsigned {@code webhook_id=N} POST WooCommerce sends when a webhook is saved; it has no topic header. */
    @Override
    public boolean isPing(Delivery delivery) {
        return delivery.header(TOPIC) == null && PING.matcher(delivery.text().trim()).matches();
    }

    /**
     * 200, never 400: WooCommerce does not retry, so a 400 would achieve nothing, and it counts every non-2xx as a
     * failed delivery; more than 5 in a row disable the webhook, which would silently cut off the merchant's later
     * good deliveries.
     */
    @Override
    public boolean answersRejectedWith400() {
        return false;
    }

    @Override
    public String deliveryId(Delivery delivery) {
        return delivery.header(DELIVERY_ID);
    }

    /** The topic header, else {@code resource.event} from the other two headers. */
    @Override
    protected String bestEffortType(Delivery delivery) {
        String topic = delivery.header(TOPIC);
        if (!StoreEvents.blank(topic)) {
            return topic.trim();
        }
        String resource = delivery.header(RESOURCE);
        String event = delivery.header(EVENT);
        return StoreEvents.blank(resource) || StoreEvents.blank(event) ? null : resource.trim() + "." + event.trim();
    }

    @Override
    public Translation translationOf(Delivery delivery) {
        String topic = StoreEvents.required(delivery.header(TOPIC), "the " + TOPIC + " header");
        return switch (topic) {
            case "order.created", "order.updated" -> orderTranslation(topic, delivery.json());
            case "subscription.updated", "subscription.deleted" -> subscriptionTranslation(topic, delivery.json());
            // subscription.created: the parent order is the purchase; subscription.switched: the switch order is one
            default -> new Translation.Ignored(topic, "the engine does not use WooCommerce's " + topic + " deliveries");
        };
    }

    // ---- orders ----

    private Translation orderTranslation(String topic, ObjectNode order) {
        String orderId = id(order, "id", "id");
        String status = lower(text(order, "status", "status"));
        String subscriptionId = renewedSubscription(order);
        List<JsonNode> refunds = array(order, "refunds", "refunds");
        boolean paid = isPaid(order, status);
        boolean failedRenewal = subscriptionId != null && "failed".equals(status);
        if (!paid && !failedRenewal && refunds.isEmpty()) {
            return new Translation.Ignored(topic, unusedOrder(orderId, status, subscriptionId != null));
        }
        ObjectNode customer = customer(order);
        List<Line> lines = lines(order);
        List<SourceEvent> events = new ArrayList<>();
        if (paid) {
            events.add(subscriptionId == null ? purchase(order, orderId, lines, customer)
                    : renewalCharged(order, orderId, subscriptionId, lines.get(0), customer));
        } else if (failedRenewal) {
            events.add(renewalFailed(order, orderId, subscriptionId, lines.get(0), customer));
        }
        events.addAll(refundEvents(order, orderId, refunds(refunds), lines, "refunded".equals(status), customer));
        if (events.isEmpty()) {
            return new Translation.Ignored(topic, "the refunds of order " + orderId + " leave no item to refund");
        }
        return new Translation.Events(topic, events);
    }

    private static String unusedOrder(String orderId, String status, boolean renewal) {
        String is = status.isEmpty() ? "without status" : status;
        return (renewal ? "renewal order " : "order ") + orderId + " is " + is
                + (renewal ? ": neither paid nor failed nor refunded" : ": neither paid nor refunded");
    }

    /**
     * Paid: WooCommerce sets {@code date_paid} when payment completes and moves the order to processing (or
     * completed); on-hold (awaiting a bank transfer), pending and failed orders are not paid yet.
     */
    private static boolean isPaid(ObjectNode order, String status) {
        return PAID_STATUSES.contains(status) || !StoreEvents.blank(firstText(order, "date_paid_gmt", "date_paid"));
    }

    /**
     * The subscription a renewal order renews, from its {@code _subscription_renewal} meta; null for any other order.
     * An order created by WooCommerce Subscriptions ({@code created_via: subscription}) without that meta cannot be
     * attributed to its subscription and is refused rather than mistaken for a purchase.
     */
    private static String renewedSubscription(ObjectNode order) {
        List<JsonNode> meta = array(order, "meta_data", "meta_data");
        for (int i = 0; i < meta.size(); i++) {
            JsonNode entry = meta.get(i);
            if (entry.isObject() && RENEWAL_META.equals(text(entry, "key", "meta_data[" + i + "].key"))) {
                return id(entry, "value", "meta_data[" + i + "].value (" + RENEWAL_META + ")");
            }
        }
        if ("subscription".equals(text(order, "created_via", "created_via"))) {
            throw new Untranslatable("meta_data has no " + RENEWAL_META + " entry naming the subscription this "
                    + "renewal order (created_via subscription) renews");
        }
        return null;
    }

    private static SourceEvent purchase(ObjectNode order, String orderId, List<Line> lines, ObjectNode customer) {
        Instant paidAt = firstInstant(order, "date_paid_gmt", "date_created_gmt");
        ObjectNode event = StoreEvents.event("order.completed", paidAt, false, customer.deepCopy());
        ObjectNode o = event.putObject("order");
        o.put("id", orderId);
        o.put("total_cents", price(order, "total", "total"));
        o.put("currency", currency(order));
        ArrayNode items = event.putArray("items");
        for (Line line : lines) {
            ObjectNode item = items.addObject();
            item.put("product_id", line.productId());
            item.put("product_name", line.name());
            StoreEvents.putText(item, "sku", line.sku());
            // WooCommerce core has no upsells or order bumps at checkout: every line is a product bought outright
            item.put("role", "primary");
            item.put("price_cents", line.priceCents());
            item.put("quantity", line.quantity());
        }
        return new SourceEvent("order:" + orderId, event);
    }

    /** A paid renewal order: one successful charge of the subscription; the order id is the charge's id. */
    private static SourceEvent renewalCharged(ObjectNode order, String orderId, String subscriptionId, Line product,
                                              ObjectNode customer) {
        Instant paidAt = firstInstant(order, "date_paid_gmt", "date_modified_gmt");
        ObjectNode event = StoreEvents.event("subscription.charged", paidAt, false, customer.deepCopy());
        event.set("subscription", subscription(subscriptionId, product, true));
        event.putObject("charge").put("id", orderId);
        return new SourceEvent("charge:" + orderId, event);
    }

    /**
     * A failed renewal order. WooCommerce Subscriptions' failed-payment retries pay the same renewal order again,
     * flipping it pending → failed each time, so one order can fail several times: each failure's charge id is the
     * order id plus the {@code date_modified_gmt} of that failure. A redelivery of the same failure carries the same
     * date; a later edit of a still-failed order would count as one more failure (WooCommerce says no more).
     */
    private static SourceEvent renewalFailed(ObjectNode order, String orderId, String subscriptionId, Line product,
                                             ObjectNode customer) {
        String failedAt = StoreEvents.required(firstText(order, "date_modified_gmt", "date_modified"),
                "date_modified_gmt");
        String chargeId = fitting(orderId + "@" + failedAt, "the charge id (id@date_modified_gmt)");
        ObjectNode event = StoreEvents.event("subscription.charge_failed", instant(failedAt), false,
                customer.deepCopy());
        event.set("subscription", subscription(subscriptionId, product, true));
        event.putObject("charge").put("id", chargeId);
        return new SourceEvent("charge:" + chargeId, event);
    }

    /**
     * The {@code subscription} object of a store event. The product is the subscription's (or renewal order's)
     * first line, whose {@code product_id} is the one its purchase reported, so one product rule covers both; a
     * subscription of several products is reported under its first. WooCommerce reports neither the number of a
     * renewal nor a fixed count of charges, so {@code kind} is always recurring and a renewal's {@code charge_number}
     * is 2 (at least the first renewal; the parent order is charge 1).
     */
    private static ObjectNode subscription(String subscriptionId, Line product, boolean isCharge) {
        ObjectNode s = Json.object();
        s.put("id", subscriptionId);
        s.put("product_id", product.productId());
        s.put("product_name", product.name());
        s.put("kind", "recurring");
        if (isCharge) {
            s.put("charge_number", 2);
        }
        return s;
    }

    // ---- refunds ----

    private record Refund(String id, long cents) {
    }

    /** The order's refunds, oldest first (WooCommerce lists them newest first; ids grow with time). */
    private static List<Refund> refunds(List<JsonNode> entries) {
        List<Refund> refunds = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String field = "refunds[" + i + "]";
            if (!entry.isObject()) {
                throw new Untranslatable(field + " is not an object");
            }
            // WooCommerce reports a refund's total as a negative amount ("-10.00")
            refunds.add(new Refund(id(entry, "id", field + ".id"), Math.abs(amount(entry, "total", field + ".total"))));
        }
        refunds.sort(Comparator.comparing((Refund r) -> r.id().length()).thenComparing(Refund::id));
        return refunds;
    }

    /**
     * One {@code refund.created} per refund id. WooCommerce's order does not say which lines a refund covers, so each
     * refund is allocated to the lines in proportion to their prices (all of it to a single line), over the running
     * total of the order's refunds so far: after refunds 1..k every line has been allocated
     * {@code min(price, floor(refunded so far × price / sum of prices))}, and refund k is the growth of that. A
     * refund's share therefore depends only on the refunds before it and stays the same in every later delivery of
     * the order. When the order's status is {@code refunded} its latest refund brings every line to its full price,
     * whatever shipping or tax the amounts included, so {@code product.refunded} fires for each.
     */
    private static List<SourceEvent> refundEvents(ObjectNode order, String orderId, List<Refund> refunds,
                                                  List<Line> lines, boolean wholeOrderRefunded, ObjectNode customer) {
        List<SourceEvent> events = new ArrayList<>();
        BigInteger goods = BigInteger.valueOf(lines.stream().mapToLong(Line::priceCents).sum());
        long[] allocated = new long[lines.size()];
        BigInteger refundedSoFar = BigInteger.ZERO;
        Instant at = firstInstant(order, "date_modified_gmt");
        for (int k = 0; k < refunds.size(); k++) {
            Refund refund = refunds.get(k);
            refundedSoFar = refundedSoFar.add(BigInteger.valueOf(refund.cents()));
            boolean toFullPrice = wholeOrderRefunded && k == refunds.size() - 1;
            ArrayNode items = Json.MAPPER.createArrayNode();
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                long target = toFullPrice ? line.priceCents() : share(refundedSoFar, line.priceCents(), goods);
                long cents = target - allocated[i];
                allocated[i] = target;
                if (cents > 0) {
                    ObjectNode item = items.addObject();
                    item.put("product_id", line.productId());
                    item.put("product_name", line.name());
                    item.put("price_cents", line.priceCents());
                    item.put("refunded_cents", cents);
                }
            }
            if (!items.isEmpty()) {
                events.add(refundEvent(refund, orderId, items, at, customer));
            }
        }
        return events;
    }

    /** {@code min(price, floor(refunded × price / goods))}: a line's part of the refunds so far. */
    private static long share(BigInteger refunded, long price, BigInteger goods) {
        if (goods.signum() == 0) {
            return 0;
        }
        BigInteger part = refunded.multiply(BigInteger.valueOf(price)).divide(goods);
        return part.min(BigInteger.valueOf(price)).longValueExact();
    }

    private static SourceEvent refundEvent(Refund refund, String orderId, ArrayNode items, Instant at,
                                           ObjectNode customer) {
        ObjectNode event = StoreEvents.event("refund.created", at, false, customer.deepCopy());
        event.putObject("refund").put("id", refund.id());
        event.putObject("order").put("id", orderId);
        event.set("items", items);
        return new SourceEvent("refund:" + refund.id(), event);
    }

    // ---- subscriptions ----

    /**
     * A cancellation. {@code pending-cancel} (the customer cancelled, the prepaid period still runs) is not one yet:
     * WooCommerce turns it {@code cancelled} when the period ends, as Stripe deletes a subscription at period end.
     * A {@code subscription.deleted} delivery carries only the id (no status, no email) and is ignored.
     */
    private Translation subscriptionTranslation(String topic, ObjectNode subscription) {
        String status = lower(text(subscription, "status", "status"));
        if (StoreEvents.blank(status)) {
            return new Translation.Ignored(topic, "the delivery names no subscription status (a deleted "
                    + "subscription's delivery carries only its id)");
        }
        String subscriptionId = id(subscription, "id", "id");
        if (!status.equals("cancelled")) {
            return new Translation.Ignored(topic, "subscription " + subscriptionId + " is " + status + ": only its "
                    + "cancellation is used (its charges arrive as renewal orders)");
        }
        Line product = firstProduct(subscription);
        String cancelledAt = firstText(subscription, "cancelled_date_gmt", "date_modified_gmt");
        ObjectNode event = StoreEvents.event("subscription.canceled", instant(cancelledAt), false,
                customer(subscription));
        event.set("subscription", subscription(subscriptionId, product, false));
        // one key per cancellation: a subscription reactivated (on-hold → active) and cancelled again has a new date
        String key = "subscription:" + subscriptionId + ":cancelled"
                + (StoreEvents.blank(cancelledAt) ? "" : ":" + cancelledAt.trim());
        return Translation.Events.of(topic, new SourceEvent(key, event));
    }

    // ---- the parts orders and subscriptions share ----

    /** The customer from {@code billing}: email (required), names, phone, address; {@code customer_id} 0 is a guest. */
    private static ObjectNode customer(ObjectNode resource) {
        ObjectNode billing = object(resource, "billing", "billing");
        String email = StoreEvents.required(text(billing, "email", "billing.email"), "billing.email");
        String customerId = text(resource, "customer_id", "customer_id");
        ObjectNode customer = StoreEvents.customer("0".equals(customerId) ? null : customerId, email,
                text(billing, "first_name", "billing.first_name"), text(billing, "last_name", "billing.last_name"),
                text(billing, "phone", "billing.phone"));
        return StoreEvents.withAddress(customer, text(billing, "address_1", "billing.address_1"),
                text(billing, "city", "billing.city"), text(billing, "state", "billing.state"),
                text(billing, "postcode", "billing.postcode"), text(billing, "country", "billing.country"));
    }

    /** One order item as the engine counts it: a product, its name, the line total paid and the quantity. */
    private record Line(String productId, String name, String sku, long priceCents, long quantity) {
        /** Two lines of one product (variations of it) are one order item: their totals and quantities add up. */
        Line plus(Line other) {
            try {
                return new Line(productId, name, StoreEvents.blank(sku) ? other.sku : sku,
                        Math.addExact(priceCents, other.priceCents), Math.addExact(quantity, other.quantity));
            } catch (ArithmeticException e) {
                throw new Untranslatable("the line_items of product " + productId + " add up to more than an amount");
            }
        }
    }

    /**
     * The order's lines, one per product in order of appearance. The product is {@code product_id}, not the
     * variation, so a rule for a variable product covers all its variations. The price is the line's {@code total}
     * (after coupons, before tax), the amount the customer paid for the line and so the amount a full refund of it
     * returns; {@code subtotal} is before coupons.
     */
    private static List<Line> lines(ObjectNode resource) {
        List<JsonNode> entries = nonEmptyLineItems(resource);
        Map<String, Line> byProduct = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String field = "line_items[" + i + "]";
            JsonNode entry = lineItem(entries, i);
            Line line = new Line(productId(entry, field), productName(entry, field),
                    text(entry, "sku", field + ".sku"), price(entry, "total", field + ".total"),
                    quantity(entry, field + ".quantity"));
            byProduct.merge(line.productId(), line, Line::plus);
        }
        return List.copyOf(byProduct.values());
    }

    /** The first line's product, for subscription events (its amounts are not needed). */
    private static Line firstProduct(ObjectNode resource) {
        JsonNode entry = lineItem(nonEmptyLineItems(resource), 0);
        return new Line(productId(entry, "line_items[0]"), productName(entry, "line_items[0]"), null, 0, 1);
    }

    private static List<JsonNode> nonEmptyLineItems(ObjectNode resource) {
        List<JsonNode> entries = array(resource, "line_items", "line_items");
        if (entries.isEmpty()) {
            throw new Untranslatable("line_items is missing or empty: the delivery names no product");
        }
        return entries;
    }

    private static JsonNode lineItem(List<JsonNode> entries, int i) {
        JsonNode entry = entries.get(i);
        if (!entry.isObject()) {
            throw new Untranslatable("line_items[" + i + "] is not an object");
        }
        return entry;
    }

    /** A deleted product leaves its lines with {@code product_id} 0: no product a rule could name. */
    private static String productId(JsonNode line, String field) {
        return id(line, "product_id", field + ".product_id");
    }

    private static String productName(JsonNode line, String field) {
        String name = StoreEvents.required(decodeEntities(text(line, "name", field + ".name")), field + ".name");
        return name.codePointCount(0, name.length()) <= MAX_NAME ? name
                : name.substring(0, name.offsetByCodePoints(0, MAX_NAME));
    }

    private static long quantity(JsonNode line, String field) {
        JsonNode node = line.get("quantity");
        String text = node == null || node.isNull() ? null : node.isIntegralNumber() ? node.asText()
                : node.isTextual() ? node.textValue().trim() : "?";
        if (text == null) {
            throw new Untranslatable(field + " is missing");
        }
        if (!text.matches("\\d{1,15}") || Long.parseLong(text) < 1) {
            throw new Untranslatable(field + " is not a positive whole number");
        }
        return Long.parseLong(text);
    }

    private static String currency(ObjectNode order) {
        String currency = StoreEvents.required(text(order, "currency", "currency"), "currency");
        if (!currency.matches("[A-Za-z]{3}")) {
            throw new Untranslatable("currency is not a three-letter ISO code");
        }
        return currency.toUpperCase(Locale.ROOT);
    }

    // ---- reading WooCommerce's JSON leniently, refusing with the field's name ----

    /** A scalar as text (numbers as written), null when absent or null; an object, array or boolean is refused. */
    private static String text(JsonNode parent, String name, String field) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.asText();
        }
        throw new Untranslatable(field + " is not a text");
    }

    /** The first of the fields that is not blank, or null. */
    private static String firstText(JsonNode parent, String... names) {
        for (String name : names) {
            String value = text(parent, name, name);
            if (!StoreEvents.blank(value)) {
                return value;
            }
        }
        return null;
    }

    /** WooCommerce's ids are integers (sometimes sent as strings); 0 means none. At most 255 characters. */
    private static String id(JsonNode parent, String name, String field) {
        JsonNode node = parent.get(name);
        if (node != null && !node.isNull() && !node.isTextual() && !node.isIntegralNumber()) {
            throw new Untranslatable(field + " is not an id");
        }
        String id = StoreEvents.required(node == null || node.isNull() ? null : node.asText(), field);
        if (id.equals("0")) {
            throw new Untranslatable(field + " is missing (0)");
        }
        return fitting(id, field);
    }

    private static String fitting(String id, String field) {
        if (id.length() > MAX_ID) {
            throw new Untranslatable(field + " is longer than " + MAX_ID + " characters");
        }
        return id;
    }

    /** A decimal amount ("97.00", "-10.00", or a JSON number) in cents, refused past the schema's bound. */
    private static long amount(JsonNode parent, String name, String field) {
        JsonNode node = parent.get(name);
        String decimal;
        if (node == null || node.isNull()) {
            decimal = null;
        } else if (node.isTextual()) {
            decimal = node.textValue().trim();
        } else if (node.isIntegralNumber()) {
            decimal = node.asText();
        } else if (node.isFloatingPointNumber() && Double.isFinite(node.doubleValue())) {
            decimal = BigDecimal.valueOf(node.doubleValue()).toPlainString();
        } else {
            throw new Untranslatable(field + " is not an amount");
        }
        if (decimal != null && !decimal.isEmpty() && !AMOUNT.matcher(decimal).matches()) {
            throw new Untranslatable(field + " is not an amount");
        }
        long cents = StoreEvents.cents(decimal, field);
        if (Math.abs(cents) > MAX_CENTS) {
            throw new Untranslatable(field + " is out of range");
        }
        return cents;
    }

    /** An amount that cannot be negative: a line's or an order's total. */
    private static long price(JsonNode parent, String name, String field) {
        long cents = amount(parent, name, field);
        if (cents < 0) {
            throw new Untranslatable(field + " is negative");
        }
        return cents;
    }

    /** An object field; absent or null reads as empty (its required parts are then reported missing). */
    private static ObjectNode object(JsonNode parent, String name, String field) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Json.object();
        }
        if (!node.isObject()) {
            throw new Untranslatable(field + " is not an object");
        }
        return (ObjectNode) node;
    }

    /** An array field; absent or null reads as empty. */
    private static List<JsonNode> array(JsonNode parent, String name, String field) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new Untranslatable(field + " is not a list");
        }
        List<JsonNode> out = new ArrayList<>(node.size());
        node.forEach(out::add);
        return out;
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    /** The first field holding a readable date. */
    private static Instant firstInstant(JsonNode parent, String... names) {
        for (String name : names) {
            Instant at = instant(text(parent, name, name));
            if (at != null) {
                return at;
            }
        }
        return null;
    }

    /**
     * WooCommerce's {@code *_gmt} dates have no offset ("2017-03-22T19:28:08"): read as UTC. An offset, a space for
     * the T (Subscriptions' write format) and an unreadable date (then null: occurred_at is optional) are tolerated.
     */
    private static Instant instant(String text) {
        if (StoreEvents.blank(text)) {
            return null;
        }
        String t = text.trim().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    /**
     * WordPress stores product titles HTML-escaped ("Tom &amp; Jerry", "Hoodie &ndash; Blue"); names go to HighLevel
     * as text, so the common entities are decoded. Unknown ones stay as written.
     */
    static String decodeEntities(String s) {
        if (s == null || s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(entity(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String entity(String name, String asWritten) {
        if (name.startsWith("#")) {
            boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
            int codePoint = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
            boolean surrogate = codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
            return Character.isValidCodePoint(codePoint) && codePoint != 0 && !surrogate
                    ? new String(Character.toChars(codePoint)) : asWritten;
        }
        return NAMED_ENTITIES.getOrDefault(name, asWritten);
    }
}
