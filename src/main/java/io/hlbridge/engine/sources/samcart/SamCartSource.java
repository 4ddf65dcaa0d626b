package io.hlbridge.engine.sources.samcart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.sources.Delivery;
import io.hlbridge.engine.sources.NotAuthentic;
import io.hlbridge.engine.sources.SourceEvent;
import io.hlbridge.engine.sources.SourcePlatform;
import io.hlbridge.engine.sources.StoreEvents;
import io.hlbridge.engine.sources.Translation;
import io.hlbridge.engine.sources.Untranslatable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * SamCart's Notify URL / Webhooks app (PRODUCT.md §3a; facts in docs/store-platforms.md, weak evidence: no
 * official reference exists, only third-party receivers). SamCart POSTs one flat JSON object per rule that
 * fires, with a {@code type} discriminator ({@code Order}, {@code Refund}, {@code PartialRefund}, {@code Cancel},
 * {@code RecurringPaymentSucceeded|Failed|Recovered}, {@code SubscriptionRestarted}, {@code SubscriptionRecovered})
 * and the objects {@code product {id, name, price, quantity, transaction_id?}}, {@code customer {customer_id?,
 * email, first_name, last_name, phone_number, billing_*}}, {@code order {id, total, subscription_id, created_at?,
 * transaction_id?}}, {@code refund_transaction_id?}. Prices are decimal strings ("97.00"); ids are numbers or
 * strings. An order of several products arrives as ONE POST whose product fields are comma-joined in parallel
 * ({@code "id": "12,13"}, {@code "price": "97.00,27.00"}): real receivers split them on commas.
 *
 * <p>SamCart signs nothing and sends no header of its own: the unguessable key of the webhook URL, checked by the
 * shared intake, is the only credential. The body's {@code api_key} is of unknown meaning and never read. There is
 * no delivery id and no documented retry policy, so every event's idempotency key is the fact itself: type,
 * order id, product id(s) and the charge or refund it is about.
 */
public final class SamCartSource extends SourcePlatform {

    /** SamCart's type names (compared without case, as real receivers do) → the canonical spelling. */
    private static final Map<String, String> TYPES = Arrays.stream(new String[] {
        "Order", "Refund", "PartialRefund", "Cancel", "RecurringPaymentSucceeded", "RecurringPaymentFailed",
        "RecurringPaymentRecovered", "SubscriptionRecovered", "SubscriptionRestarted"})
            .collect(Collectors.toMap(t -> t.toLowerCase(Locale.ROOT), t -> t));

    /** The notification names no currency; SamCart marketplaces sell in one, and USD is by far the most common. */
    private static final String CURRENCY = "USD";

    /** The store event schema's own test of an email address (a body failing it could never be stored). */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    /** "1,097.00": a single amount written with thousands separators (not two comma-joined amounts). */
    private static final Pattern THOUSANDS = Pattern.compile("\\d{1,3}(,\\d{3})+(\\.\\d+)?");

    private final Clock clock;

    public SamCartSource(Clock clock) {
        super(clock);
        this.clock = clock;
    }

    @Override
    public String id() {
        return "samcart";
    }

    @Override
    public String displayName() {
        return "SamCart";
    }

    @Override
    public List<String> setupSteps() {
        return List.of(
                "In SamCart open Apps (the App Marketplace), search for Webhooks and click Install "
                        + "(older accounts: Settings → Integrations → New Integration → Notify URL).",
                "Paste this source's webhook URL into the Notify URL box and click Connect.",
                "On the Webhooks app click + Add New Rule, choose a Global rule (or pick products), and add one rule "
                        + "for each event: Order, Refund, Partial Refund, Subscription Canceled, Recurring Payment "
                        + "Succeeded, Failed and Recovered, Subscription Restarted.",
                "SamCart signs nothing, so there is no secret to paste: the URL's key is the only credential. "
                        + "Keep the URL private and rotate its key if it leaks.");
    }

    @Override
    public boolean signs() {
        return false;
    }

    /** Nothing to check: SamCart has no signature; the URL's key was checked by the intake already. */
    @Override
    public void verify(Delivery delivery, String signingSecret, Instant now) throws NotAuthentic {
    }

    @Override
    public String deliveryId(Delivery delivery) {
        return null;
    }

    /**
     * 200 for an untranslatable delivery: SamCart documents neither retries nor what it does with an endpoint
     * that keeps failing, so a 400 could only make it resend a body that will never translate, or flag the
     * merchant's integration as broken. The rejection is logged with its reason either way.
     */
    @Override
    public boolean answersRejectedWith400() {
        return false;
    }

    @Override
    protected String bestEffortType(Delivery delivery) {
        try {
            JsonNode type = delivery.json().get("type");
            return type != null && type.isTextual() ? type.asText() : null;
        } catch (Untranslatable notJson) {
            return null;
        }
    }

    @Override
    public Translation translationOf(Delivery delivery) {
        ObjectNode body = delivery.json();
        String sent = StoreEvents.required(text(body, "type", "type"), "type");
        String type = TYPES.get(sent.toLowerCase(Locale.ROOT));
        if (type == null) {
            return new Translation.Ignored(sent, "SamCart's " + sent + " notification is not one the engine uses");
        }
        SourceEvent event = switch (type) {
            case "Order" -> order(body);
            case "Refund" -> refund(body, type, false);
            case "PartialRefund" -> refund(body, type, true);
            case "Cancel" -> subscriptionChange(body, type, "subscription.canceled");
            case "SubscriptionRestarted" -> subscriptionChange(body, type, "subscription.restarted");
            case "RecurringPaymentFailed" -> charge(body, type, "subscription.charge_failed", "failed");
            // a recovery is a successful charge; the engine itself sees that it ends a run of failures
            default -> charge(body, type, "subscription.charged", "paid");
        };
        return Translation.Events.of(type, event);
    }

    // ---- the store events ----

    /** {@code order.completed}: one item per product; the first is the primary, comma-joined extras are bumps. */
    private SourceEvent order(ObjectNode body) {
        ObjectNode order = requiredObject(body, "order");
        String orderId = StoreEvents.required(text(order, "id", "order.id"), "order.id");
        List<Line> lines = pricedLines(requiredObject(body, "product"));
        String total = text(order, "total", "order.total");
        long totalCents = total == null ? sum(lines) : amount(total, "order.total");

        ObjectNode event = StoreEvents.event("order.completed", createdAt(order), false, customer(body));
        ObjectNode o = event.putObject("order");
        o.put("id", orderId);
        o.put("total_cents", totalCents);
        o.put("currency", CURRENCY);
        ArrayNode items = event.putArray("items");
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            ObjectNode item = items.addObject();
            item.put("product_id", line.productId());
            item.put("product_name", line.productName());
            // SamCart's upsells are orders of their own; what shares the main product's POST is an order bump
            item.put("role", i == 0 ? "primary" : "order_bump");
            item.put("price_cents", line.priceCents());
            item.put("quantity", line.quantity());
        }
        return new SourceEvent(key("Order", orderId, productIds(lines)), event);
    }

    /**
     * {@code refund.created} against the purchase's order and product ids. A full {@code Refund} refunds each
     * product's price; a {@code PartialRefund} refunds {@code refund_amount} (comma-joined per product like the
     * prices). The refund is {@code refund_transaction_id} where SamCart sends one, else the fact itself.
     */
    private SourceEvent refund(ObjectNode body, String type, boolean partial) {
        ObjectNode order = requiredObject(body, "order");
        String orderId = StoreEvents.required(text(order, "id", "order.id"), "order.id");
        List<Line> lines = pricedLines(requiredObject(body, "product"));
        List<Long> refunded = partial
                ? amounts(StoreEvents.required(text(body, "refund_amount", "refund_amount"), "refund_amount"),
                        lines.size(), "refund_amount")
                : lines.stream().map(Line::priceCents).toList();
        String refundId = text(body, "refund_transaction_id", "refund_transaction_id");
        if (refundId == null) {
            // no id: the same amounts of the same order items on the same day are taken as one refund
            refundId = key(type, orderId, productIds(lines),
                    refunded.stream().map(String::valueOf).collect(Collectors.joining(",")), today());
        }

        ObjectNode event = StoreEvents.event("refund.created", null, false, customer(body));
        event.putObject("refund").put("id", refundId);
        event.putObject("order").put("id", orderId);
        ArrayNode items = event.putArray("items");
        for (int i = 0; i < lines.size(); i++) {
            ObjectNode item = items.addObject();
            item.put("product_id", lines.get(i).productId());
            item.put("product_name", lines.get(i).productName());
            item.put("price_cents", lines.get(i).priceCents());
            item.put("refunded_cents", refunded.get(i));
        }
        return new SourceEvent(key(type, orderId, productIds(lines), refundId), event);
    }

    /**
     * {@code subscription.charged} / {@code charge_failed}. SamCart numbers no charges and sends no charge id of
     * its own: the charge is the subscription, the outcome, the transaction id where the body has one, and the
     * day it arrived (so a renewal a month later, or the next attempt after a failure, is a new charge, even if
     * the transaction id turned out to be the subscription's first one).
     */
    private SourceEvent charge(ObjectNode body, String type, String storeType, String outcome) {
        ObjectNode order = requiredObject(body, "order");
        ObjectNode product = requiredObject(body, "product");
        ObjectNode event = StoreEvents.event(storeType, null, false, customer(body));
        ObjectNode subscription = subscription(event, order, product);
        // required by §3 but unknown: a recurring payment is at least the subscription's second charge
        subscription.put("charge_number", 2);
        String chargeId = key(subscription.get("id").asText(), outcome, transactionId(order, product), today());
        event.putObject("charge").put("id", chargeId);
        return new SourceEvent(key(type, text(order, "id", "order.id"), subscription.get("product_id").asText(), chargeId),
                event);
    }

    /** {@code subscription.canceled} / {@code restarted}: keyed by day, so a cancel after a later restart is new. */
    private SourceEvent subscriptionChange(ObjectNode body, String type, String storeType) {
        ObjectNode order = requiredObject(body, "order");
        ObjectNode event = StoreEvents.event(storeType, null, false, customer(body));
        ObjectNode subscription = subscription(event, order, requiredObject(body, "product"));
        return new SourceEvent(key(type, text(order, "id", "order.id"), subscription.get("product_id").asText(),
                subscription.get("id").asText(), today()), event);
    }

    /**
     * The event's {@code subscription}: {@code order.subscription_id}, and the product as the purchase names it
     * (the first of comma-joined ids: the subscription is the main product, bumps are one-off), so one product
     * rule covers the purchase and the renewals. SamCart does not say whether a plan is limited.
     */
    private static ObjectNode subscription(ObjectNode event, ObjectNode order, ObjectNode product) {
        Line first = lines(product, null).get(0);
        ObjectNode s = event.putObject("subscription");
        s.put("id", StoreEvents.required(text(order, "subscription_id", "order.subscription_id"), "order.subscription_id"));
        s.put("product_id", first.productId());
        s.put("product_name", first.productName());
        s.put("kind", "recurring");
        return s;
    }

    private static ObjectNode customer(ObjectNode body) {
        ObjectNode c = requiredObject(body, "customer");
        String email = StoreEvents.required(text(c, "email", "customer.email"), "customer.email");
        if (!EMAIL.matcher(email).matches()) {
            throw new Untranslatable("customer.email is not an email address");
        }
        ObjectNode customer = StoreEvents.customer(text(c, "customer_id", "customer.customer_id"), email,
                text(c, "first_name", "customer.first_name"), text(c, "last_name", "customer.last_name"),
                text(c, "phone_number", "customer.phone_number"));
        return StoreEvents.withAddress(customer, text(c, "billing_address", "customer.billing_address"),
                text(c, "billing_city", "customer.billing_city"), text(c, "billing_state", "customer.billing_state"),
                text(c, "billing_zip", "customer.billing_zip"), text(c, "billing_country", "customer.billing_country"));
    }

    // ---- products, comma-joined ----

    private record Line(String productId, String productName, long priceCents, long quantity) {
    }

    /** The products with their prices and quantities (required for orders and refunds). */
    private static List<Line> pricedLines(ObjectNode product) {
        String price = StoreEvents.required(text(product, "price", "product.price"), "product.price");
        return lines(product, price);
    }

    /**
     * One line per comma-joined {@code product.id}. Prices (and quantities) are joined in parallel and must
     * match in number. Names are split only when they split into exactly as many parts: a name containing a
     * comma ("Course, Workbook") then stays whole, on every line. {@code price} null: no prices wanted.
     */
    private static List<Line> lines(ObjectNode product, String price) {
        List<String> ids = split(StoreEvents.required(text(product, "id", "product.id"), "product.id"));
        if (ids.contains("")) {
            throw new Untranslatable("product.id has an empty entry");
        }
        String name = StoreEvents.required(text(product, "name", "product.name"), "product.name");
        List<String> names = split(name);
        List<Long> prices = price == null ? null : amounts(price, ids.size(), "product.price");
        List<Long> quantities = quantities(text(product, "quantity", "product.quantity"), ids.size());
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String itemName = names.size() == ids.size() && !names.get(i).isEmpty() ? names.get(i) : name.trim();
            lines.add(new Line(ids.get(i), itemName, prices == null ? 0 : prices.get(i), quantities.get(i)));
        }
        return lines;
    }

    /** {@code count} amounts in cents from comma-joined decimals; one product's may use thousands separators. */
    private static List<Long> amounts(String joined, int count, String field) {
        if (count == 1 && THOUSANDS.matcher(joined.trim()).matches()) {
            return List.of(amount(joined.replace(",", ""), field));
        }
        List<String> parts = split(joined);
        if (parts.size() != count) {
            throw new Untranslatable(field + " has " + parts.size() + " amounts for " + count + " products");
        }
        return parts.stream().map(p -> amount(p, field)).toList();
    }

    private static long amount(String decimal, String field) {
        long cents = StoreEvents.cents(decimal, field);
        if (cents < 0) {
            throw new Untranslatable(field + " is negative");
        }
        return cents;
    }

    /**
     * Whole numbers ≥ 1 comma-joined like the ids; 1 for each product where SamCart sends none, sends them in
     * another number than the ids (receivers split only ids and prices), or sends something else: no trigger
     * depends on a quantity, so it is never a reason to lose an order.
     */
    private static List<Long> quantities(String joined, int count) {
        List<String> parts = joined == null ? List.of() : split(joined);
        if (parts.size() != count) {
            return Collections.nCopies(count, 1L);
        }
        return parts.stream().map(p -> p.matches("0*[1-9][0-9]{0,8}") ? Long.parseLong(p) : 1L).toList();
    }

    /** The order's total when SamCart sends none: its prices times quantities. */
    private static long sum(List<Line> lines) {
        try {
            return lines.stream().mapToLong(l -> Math.multiplyExact(l.priceCents(), l.quantity()))
                    .reduce(0, Math::addExact);
        } catch (ArithmeticException tooLarge) {
            throw new Untranslatable("product.price is too large");
        }
    }

    private static List<String> split(String joined) {
        return Arrays.stream(joined.split(",", -1)).map(String::trim).toList();
    }

    private static String productIds(List<Line> lines) {
        return lines.stream().map(Line::productId).collect(Collectors.joining(","));
    }

    // ---- fields read leniently: numbers or strings, absent or null alike ----

    private static ObjectNode requiredObject(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new Untranslatable(field + " is missing");
        }
        if (!node.isObject()) {
            throw new Untranslatable(field + " is not an object");
        }
        return (ObjectNode) node;
    }

    /** A text or number field as text, or null when absent, null or blank; anything else names the field. */
    private static String text(ObjectNode parent, String field, String path) {
        return text(parent.get(field), path);
    }

    private static String text(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText().isBlank() ? null : node.asText();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber() && Double.isFinite(node.doubleValue())) {
            return node.decimalValue().toPlainString();
        }
        throw new Untranslatable(path + " is not a text or a number");
    }

    /** {@code product.transaction_id}, else the last of {@code order.transaction_id} (a list in some receivers). */
    private static String transactionId(ObjectNode order, ObjectNode product) {
        String id = text(product, "transaction_id", "product.transaction_id");
        if (id == null) {
            JsonNode orders = order.get("transaction_id");
            id = orders != null && orders.isArray()
                    ? text(orders.isEmpty() ? null : orders.get(orders.size() - 1), "order.transaction_id")
                    : text(orders, "order.transaction_id");
        }
        return id == null ? "" : id;
    }

    /**
     * {@code order.created_at} when it reads as a time ("2026-11-26T10:00:00Z", or "2026-11-26 10:00:00" taken as
     * UTC); null otherwise, and the engine uses the delivery's acceptance: the format is undocumented, so an
     * unreadable date is no reason to lose the order.
     */
    private static Instant createdAt(ObjectNode order) {
        String value = text(order, "created_at", "order.created_at");
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException notIso) {
            try {
                return LocalDateTime.parse(value.trim(), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                        .toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException unknown) {
                return null;
            }
        }
    }

    /** The UTC day a delivery arrives: what tells repeated id-less facts apart (a retry comes the same day). */
    private String today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    }

    /** Parts joined with ':' after percent-encoding each, so no two different lists of ids give one key. */
    private static String key(String... parts) {
        return Arrays.stream(parts)
                .map(p -> URLEncoder.encode(p == null ? "" : p, StandardCharsets.UTF_8))
                .collect(Collectors.joining(":"));
    }
}
