package io.hlbridge.engine.sources.thrivecart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.sources.Delivery;
import io.hlbridge.engine.sources.NotAuthentic;
import io.hlbridge.engine.sources.SourceEvent;
import io.hlbridge.engine.sources.SourcePlatform;
import io.hlbridge.engine.sources.StoreEvents;
import io.hlbridge.engine.sources.Translation;
import io.hlbridge.engine.sources.Untranslatable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ThriveCart's account webhooks (PRODUCT.md §3a), set up under Settings → API &amp; Webhooks → Webhooks &amp;
 * notifications. What ThriveCart documents and sends:
 * <ul>
 *   <li>a POST, {@code application/x-www-form-urlencoded}, PHP-style nested names ({@code customer[email]},
 *   {@code order[charges][0][amount]}); every value is a string, an absent one often the string {@code "null"};
 *   amounts are integers in cents ("in hundreds");</li>
 *   <li>no signature header: every delivery carries {@code thrivecart_secret}, the account's secret word
 *   (Settings → API &amp; Webhooks → ThriveCart API), which the receiver compares with its own copy;</li>
 *   <li>a catch-all feed: every event of the account, test mode included, named by the {@code event} field
 *   ({@code order.success}, {@code order.refund}, {@code order.subscription_payment}, {@code order.rebill_failed},
 *   {@code order.subscription_cancelled}, {@code cart.abandoned}, affiliate and pause/resume events …);</li>
 *   <li>no delivery id and no published retry schedule; when a URL is added ThriveCart checks that it answers 2xx
 *   to a HEAD and to a POST.</li>
 * </ul>
 * The same fields sent as JSON (ThriveCart's JSON option and its Event Subscription API) are read by flattening
 * them to the same bracketed names, so one translator serves both.
 *
 * <p>Ids. ThriveCart's product, bump, upsell and downsell ids are separate sequences, and a bump's id is the id of
 * the product it is attached to, so a store event's {@code product_id} is ThriveCart's own purchase-map name
 * without the {@code product-} prefix for the main product: {@code 12}, {@code bump-12}, {@code upsell-3},
 * {@code downsell-4}. Purchases, refunds ({@code refund[type]}, {@code refund[id]}) and subscriptions
 * ({@code subscription[type]}, {@code subscription[id]}) all name their item that way, so one rule covers them.
 */
public final class ThriveCartSource extends SourcePlatform {
    static final String SECRET_FIELD = "thrivecart_secret";

    /** ThriveCart's item types → the roles of §3; other charge types (none documented) are not products. */
    private static final Map<String, String> ROLES = Map.of(
            "product", "primary",
            "bump", "order_bump",
            "upsell", "upsell",
            "downsell", "downsell");
    private static final int MAX_ITEMS = 500;
    private static final int MAX_ID = 255;
    private static final Pattern CENTS = Pattern.compile("\\d{1,15}");
    private static final Pattern COUNT = Pattern.compile("\\d{1,9}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");

    public ThriveCartSource(Clock clock) {
        super(clock);
    }

    @Override
    public String id() {
        return "thrivecart";
    }

    @Override
    public String displayName() {
        return "ThriveCart";
    }

    @Override
    public List<String> setupSteps() {
        return List.of(
                "In ThriveCart, open Settings → API & Webhooks and click View settings next to Webhooks & notifications.",
                "Click Add another webhook, name it (for example HighLevel) and paste this source's webhook URL, then "
                        + "save: ThriveCart checks the URL and sends it every event of the account (there is nothing to tick).",
                "Under Settings → API & Webhooks → ThriveCart API, copy your Secret word.",
                "Paste that secret word here as the source's signing secret: a delivery without it is refused.");
    }

    @Override
    public boolean signs() {
        return true;
    }

    /**
     * ThriveCart's only credential is the secret word echoed in the body: it proves the sender knows the word, not
     * that the rest of the body is intact (ThriveCart signs nothing else).
     */
    @Override
    public void verify(Delivery delivery, String signingSecret, Instant now) throws NotAuthentic {
        if (StoreEvents.blank(signingSecret)) {
            throw new NotAuthentic("this ThriveCart source has no signing secret set: paste the account's secret word");
        }
        String sent = sentSecret(delivery);
        if (sent == null) {
            throw new NotAuthentic(SECRET_FIELD + " is missing");
        }
        if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                signingSecret.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new NotAuthentic(SECRET_FIELD + " does not match the source's secret word");
        }
    }

    private static String sentSecret(Delivery delivery) throws NotAuthentic {
        try {
            return Fields.of(delivery).raw(SECRET_FIELD);
        } catch (Untranslatable unreadable) {
            throw new NotAuthentic("the body cannot be read, so it carries no " + SECRET_FIELD);
        }
    }

    @Override
    public Translation translationOf(Delivery delivery) {
        Fields f = Fields.of(delivery);
        String event = f.required("event");
        return switch (event) {
            case "order.success" -> orderCompleted(f, event);
            case "order.refund" -> refundCreated(f, event);
            case "order.subscription_payment" -> subscriptionCharged(f, event);
            case "order.rebill_failed" -> subscriptionChargeFailed(f, event);
            case "order.subscription_cancelled" -> subscriptionCanceled(f, event);
            case "cart.abandoned" -> prospectCreated(f, event);
            default -> new Translation.Ignored(clip(event), "ThriveCart's " + clip(event) + " is not a store event the engine uses");
        };
    }

    /** {@code event:order_id[:invoice_id]}: ThriveCart has no delivery id, these name what the delivery is about. */
    @Override
    public String deliveryId(Delivery delivery) {
        try {
            Fields f = Fields.of(delivery);
            String event = f.get("event");
            String order = f.get("order_id");
            if (event == null || order == null) {
                return null;
            }
            String invoice = f.get("invoice_id");
            return clip(invoice == null ? event + ":" + order : event + ":" + order + ":" + invoice);
        } catch (Untranslatable unreadable) {
            return null;
        }
    }

    /**
     * ThriveCart checks a new URL with a HEAD and a POST. The intake answers HEAD itself; the POST of that check is
     * recognised here, narrowly, as a POST that carries neither an {@code event} nor the secret word (an empty body,
     * or fields that are not an event). A POST naming an event is never a ping: it must authenticate.
     */
    @Override
    public boolean isPing(Delivery delivery) {
        if ("HEAD".equalsIgnoreCase(delivery.method())) {
            return true;
        }
        if (!"POST".equalsIgnoreCase(delivery.method())) {
            return false;
        }
        if (delivery.text().isBlank()) {
            return true;
        }
        try {
            Fields f = Fields.of(delivery);
            return f.raw("event") == null && f.raw(SECRET_FIELD) == null;
        } catch (Untranslatable unreadable) {
            return false;
        }
    }

    /**
     * 200, never 400. ThriveCart publishes no retry schedule and no rule for disabling a failing URL, and a body
     * that does not translate now will not translate on a retry; its add-time POST check also needs a 2xx whatever
     * it contains. So a rejected delivery is acknowledged and logged {@code rejected} with its reason.
     */
    @Override
    public boolean answersRejectedWith400() {
        return false;
    }

    @Override
    protected String bestEffortType(Delivery delivery) {
        try {
            String event = Fields.of(delivery).get("event");
            return event == null ? null : clip(event);
        } catch (Untranslatable unreadable) {
            return null;
        }
    }

    // ---- order.success → order.completed ----

    /** One order.completed per order: every paid charge (main product, bumps, upsells, downsells) is an item. */
    private Translation orderCompleted(Fields f, String platformType) {
        String orderId = id(f.required("order_id"), "order_id");
        ObjectNode event = event("order.completed", f, f.instant("order_timestamp", "order[date_unix]"));
        ObjectNode order = event.putObject("order");
        order.put("id", orderId);
        order.put("total_cents", f.cents("order[total]"));
        order.put("currency", currency(f));
        event.set("items", purchasedItems(f));
        return Translation.Events.of(platformType, new SourceEvent(platformType + ":" + orderId, event));
    }

    private ArrayNode purchasedItems(Fields f) {
        List<Map<String, String>> charges = f.charges();
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (int i = 0; i < charges.size(); i++) {
            Map<String, String> charge = charges.get(i);
            String role = ROLES.get(String.valueOf(value(charge, "item_type")));
            if (role != null) {
                items.add(purchasedItem(charge, role, "order[charges][" + i + "]"));
            }
        }
        if (items.isEmpty()) {
            throw new Untranslatable("order[charges] names no product, bump, upsell or downsell");
        }
        return items;
    }

    private ObjectNode purchasedItem(Map<String, String> charge, String role, String at) {
        String productId = productId(value(charge, "item_type"), required(charge, "reference", at));
        ObjectNode item = Json.object();
        item.put("product_id", productId);
        item.put("product_name", nameOr(productId, value(charge, "name"), value(charge, "label")));
        item.put("role", role);
        item.put("price_cents", cents(value(charge, "amount"), at + "[amount]"));
        item.put("quantity", quantity(value(charge, "quantity"), at + "[quantity]"));
        return item;
    }

    // ---- order.refund → refund.created ----

    /**
     * ThriveCart names the refunded item ({@code refund[type]}, {@code refund[id]}) and this refund's amount
     * ({@code refund[amount]}), but no refund id: the refund is the fact (order, item, the moment it happened), so
     * a retry is the same refund and a second partial refund of the item a new one. The item's price is read from the
     * order's charges, as the purchase read it.
     */
    private Translation refundCreated(Fields f, String platformType) {
        String orderId = id(f.required("order_id"), "order_id");
        String type = f.required("refund[type]");
        String reference = f.firstRequired("refund[id]", "refund[product_id]");
        String productId = productId(type, reference);
        Map<String, String> charge = chargeOf(f, type, reference);
        String refundId = id(orderId + ":" + productId + ":" + f.required("date_unix"), "refund id");

        ObjectNode event = event("refund.created", f, f.instant("date_unix", "date_iso8601"));
        event.putObject("refund").put("id", refundId);
        event.putObject("order").put("id", orderId);
        ObjectNode item = event.putArray("items").addObject();
        item.put("product_id", productId);
        item.put("product_name", nameOr(productId, f.get("refund[name]"), value(charge, "name")));
        item.put("price_cents", cents(value(charge, "amount"), "the refunded charge's amount"));
        item.put("refunded_cents", f.cents("refund[amount]"));
        return Translation.Events.of(platformType, new SourceEvent(platformType + ":" + refundId, event));
    }

    private static Map<String, String> chargeOf(Fields f, String type, String reference) {
        for (Map<String, String> charge : f.charges()) {
            if (type.equals(value(charge, "item_type")) && reference.equals(value(charge, "reference"))) {
                return charge;
            }
        }
        throw new Untranslatable("order[charges] has no " + clip(type) + " " + clip(reference) + ", so its price is unknown");
    }

    // ---- subscriptions ----

    /** A successful rebill: its invoice ({@code 000000141-6}) is this charge, once per subscription item. */
    private Translation subscriptionCharged(Fields f, String platformType) {
        Subscription s = subscription(f);
        String chargeId = id(s.orderId() + ":" + s.productId() + ":" + f.required("invoice_id"), "charge id");
        ObjectNode event = event("subscription.charged", f, f.instant("date_unix", "date_iso8601"));
        event.set("subscription", s.node(chargeNumber(f)));
        event.putObject("charge").put("id", chargeId);
        return Translation.Events.of(platformType, new SourceEvent(platformType + ":" + chargeId, event));
    }

    /**
     * A failed rebill. ThriveCart retries one invoice several times under the same {@code invoice_id}: the attempt is
     * told apart by the moment of the event ({@code date_unix}), so each attempt counts toward the run of failures.
     */
    private Translation subscriptionChargeFailed(Fields f, String platformType) {
        Subscription s = subscription(f);
        String attempt = s.orderId() + ":" + s.productId() + ":" + f.required("invoice_id") + ":" + f.required("date_unix");
        String chargeId = id(attempt + ":failed", "charge id");
        ObjectNode event = event("subscription.charge_failed", f, f.instant("date_unix", "date_iso8601"));
        event.set("subscription", s.node(chargeNumber(f)));
        event.putObject("charge").put("id", chargeId);
        return Translation.Events.of(platformType, new SourceEvent(id(platformType + ":" + attempt, "key"), event));
    }

    /** The key carries the moment when ThriveCart sends one, so a cancellation after a restart is a new fact. */
    private Translation subscriptionCanceled(Fields f, String platformType) {
        Subscription s = subscription(f);
        ObjectNode event = event("subscription.canceled", f, f.instant("date_unix", "date_iso8601"));
        event.set("subscription", s.node(null));
        String moment = f.get("date_unix");
        String key = platformType + ":" + s.id() + (moment == null ? "" : ":" + moment);
        return Translation.Events.of(platformType, new SourceEvent(id(key, "key"), event));
    }

    /**
     * One subscription per order item: ThriveCart's rebill events name the order and the item
     * ({@code subscription[type]}, {@code subscription[id]}), and not always a subscription id.
     * {@code subscription[remaining_rebills]} is "null" for an open-ended subscription and a count otherwise.
     */
    private static Subscription subscription(Fields f) {
        String orderId = id(f.required("order_id"), "order_id");
        String type = f.required("subscription[type]");
        String reference = f.firstRequired("subscription[id]", "subscription[product_id]");
        String productId = productId(type, reference);
        String name = nameOr(productId, f.get("subscription[name]"), f.get("subscription[label]"), f.get("base_product_name"));
        Integer remaining = f.count("subscription[remaining_rebills]");
        return new Subscription(id(orderId + ":" + type + "-" + reference, "subscription id"), orderId, productId, name, remaining);
    }

    /**
     * ThriveCart counts rebills ({@code recurring_payment_idx}: 6 for the 6th renewal), the order being charge 1; an
     * invoice id's suffix ({@code 000000141-6}) carries the same number when the index is absent.
     */
    private static int chargeNumber(Fields f) {
        Integer index = f.count("subscription[recurring_payment_idx]");
        if (index == null) {
            index = f.count("recurring_payment_idx");
        }
        if (index == null) {
            index = invoiceSuffix(f.get("invoice_id"));
        }
        if (index == null) {
            throw new Untranslatable("recurring_payment_idx is missing (and invoice_id has no rebill number)");
        }
        return index + 1;
    }

    private static Integer invoiceSuffix(String invoice) {
        int dash = invoice == null ? -1 : invoice.lastIndexOf('-');
        String suffix = dash < 0 ? "" : invoice.substring(dash + 1);
        return COUNT.matcher(suffix).matches() ? Integer.valueOf(suffix) : null;
    }

    private record Subscription(String id, String orderId, String productId, String name, Integer remaining) {
        /** §3's subscription; a limited one's total is this charge plus the rebills ThriveCart says remain. */
        ObjectNode node(Integer chargeNumber) {
            ObjectNode s = Json.object();
            s.put("id", id);
            s.put("product_id", productId);
            s.put("product_name", name);
            s.put("kind", remaining == null ? "recurring" : "limited");
            if (chargeNumber != null) {
                s.put("charge_number", chargeNumber);
                if (remaining != null) {
                    s.put("total_charges", (long) chargeNumber + remaining);
                }
            }
            return s;
        }
    }

    // ---- cart.abandoned → prospect.created ----

    /**
     * A cart left after the email was entered, for the cart's product ({@code base_product}). ThriveCart gives it no
     * id: the prospect is the fact (product, email, moment), so a retry is the same prospect.
     */
    private Translation prospectCreated(Fields f, String platformType) {
        String productId = productId("product", f.required("base_product"));
        ObjectNode event = event("prospect.created", f, f.instant("date_unix", "date_iso8601"));
        String moment = f.get("date_unix");
        String email = event.path("customer").path("email").asText().toLowerCase(Locale.ROOT);
        String prospectId = id("cart:" + productId + ":" + email + (moment == null ? "" : ":" + moment), "prospect id");
        event.putObject("prospect").put("id", prospectId);
        ObjectNode item = event.putArray("items").addObject();
        item.put("product_id", productId);
        item.put("product_name", nameOr(productId, f.get("base_product_name"), f.get("base_product_label")));
        return Translation.Events.of(platformType, new SourceEvent(platformType + ":" + prospectId, event));
    }

    // ---- the parts every event shares ----

    private static ObjectNode event(String type, Fields f, Instant occurredAt) {
        return StoreEvents.event(type, occurredAt, testMode(f), customer(f));
    }

    /** ThriveCart's {@code mode} is "test" or "live" ({@code mode_int} 1 or 2). */
    private static boolean testMode(Fields f) {
        return "test".equalsIgnoreCase(f.get("mode")) || "1".equals(f.get("mode_int"));
    }

    /** {@code customer[…]}; the phone is {@code contactno}; a lone {@code name} is split at its first space. */
    private static ObjectNode customer(Fields f) {
        String email = f.required("customer[email]");
        String first = f.get("customer[first_name]");
        String last = f.get("customer[last_name]");
        String name = f.get("customer[name]");
        if (first == null && last == null && name != null) {
            String[] parts = name.split("\\s+", 2);
            first = parts[0];
            last = parts.length == 2 ? parts[1] : null;
        }
        ObjectNode customer = StoreEvents.customer(f.first("customer[id]", "customer_id"), email, first, last,
                f.first("customer[contactno]", "customer[phone]"));
        return StoreEvents.withAddress(customer, f.get("customer[address][line1]"), f.get("customer[address][city]"),
                f.get("customer[address][state]"), f.first("customer[address][zip]", "customer[address][postcode]"),
                f.get("customer[address][country]"));
    }

    private static String currency(Fields f) {
        String currency = f.firstRequired("currency", "order[currency]");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new Untranslatable("currency is not a 3-letter code: '" + clip(currency) + "'");
        }
        return currency.toUpperCase(Locale.ROOT);
    }

    /** The main product keeps ThriveCart's id; the other item types keep their purchase-map prefix. */
    private static String productId(String type, String reference) {
        return id("product".equals(type) ? reference : type + "-" + reference, "product id");
    }

    private static String id(String value, String what) {
        if (value.length() > MAX_ID) {
            throw new Untranslatable(what + " is longer than " + MAX_ID + " characters");
        }
        return value;
    }

    /** ThriveCart HTML-escapes product names ("Mobile &amp;amp; Universal App"); the first present name, else the id. */
    private static String nameOr(String fallback, String... names) {
        for (String name : names) {
            if (!StoreEvents.blank(name)) {
                return unescapeHtml(name.trim());
            }
        }
        return fallback;
    }

    private static String unescapeHtml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#039;", "'").replace("&#39;", "'").replace("&amp;", "&");
    }

    private static long cents(String value, String field) {
        if (value == null) {
            throw new Untranslatable(field + " is missing");
        }
        if (!CENTS.matcher(value).matches()) {
            throw new Untranslatable(field + " is not an amount in cents: '" + clip(value) + "'");
        }
        return Long.parseLong(value);
    }

    private static int quantity(String value, String field) {
        if (value == null) {
            return 1;
        }
        if (!COUNT.matcher(value).matches() || Integer.parseInt(value) < 1) {
            throw new Untranslatable(field + " is not a quantity: '" + clip(value) + "'");
        }
        return Integer.parseInt(value);
    }

    private static String value(Map<String, String> fields, String name) {
        return Fields.present(fields.get(name));
    }

    private static String required(Map<String, String> fields, String name, String at) {
        String value = value(fields, name);
        if (value == null) {
            throw new Untranslatable(at + "[" + name + "] is missing");
        }
        return value;
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    /**
     * A delivery's fields by ThriveCart's bracketed names, from a form body as sent or from a JSON body flattened
     * to the same names. ThriveCart's "null" and blank values read as absent.
     */
    private static final class Fields {
        private static final Pattern CHARGE = Pattern.compile("order\\[charges\\]\\[(\\d{1,4})\\]\\[([^\\[\\]]+)\\]");
        private final Map<String, String> values;

        private Fields(Map<String, String> values) {
            this.values = values;
        }

        static Fields of(Delivery delivery) {
            if (delivery.isForm()) {
                return new Fields(delivery.form());
            }
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", delivery.json(), flat);
            return new Fields(flat);
        }

        private static void flatten(String name, JsonNode node, Map<String, String> out) {
            if (node.isObject()) {
                node.fields().forEachRemaining(e -> flatten(name.isEmpty() ? e.getKey() : name + "[" + e.getKey() + "]", e.getValue(), out));
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    flatten(name + "[" + i + "]", node.get(i), out);
                }
            } else if (!node.isNull()) {
                out.put(name, node.asText());
            }
        }

        static String present(String value) {
            if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("null")) {
                return null;
            }
            return value.trim();
        }

        /** The value exactly as sent (the secret word is compared as sent). */
        String raw(String name) {
            return values.get(name);
        }

        String get(String name) {
            return present(values.get(name));
        }

        String first(String... names) {
            for (String name : names) {
                String value = get(name);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }

        String required(String name) {
            return firstRequired(name);
        }

        /** The first present of the names, or {@link Untranslatable} naming the first. */
        String firstRequired(String... names) {
            String value = first(names);
            if (value == null) {
                throw new Untranslatable(names[0] + " is missing");
            }
            return value;
        }

        long cents(String name) {
            return ThriveCartSource.cents(get(name), name);
        }

        /** A count ("2"), null when absent or "null"; anything else names the field. */
        Integer count(String name) {
            String value = get(name);
            if (value == null) {
                return null;
            }
            if (!COUNT.matcher(value).matches()) {
                throw new Untranslatable(name + " is not a whole number: '" + clip(value) + "'");
            }
            return Integer.valueOf(value);
        }

        /** The first readable moment: Unix seconds or ISO-8601; null when none (occurred_at is optional). */
        Instant instant(String... names) {
            for (String name : names) {
                String value = get(name);
                if (value == null) {
                    continue;
                }
                if (value.matches("\\d{1,12}")) {
                    return Instant.ofEpochSecond(Long.parseLong(value));
                }
                try {
                    return OffsetDateTime.parse(value).toInstant();
                } catch (DateTimeParseException unreadable) {
                    // ThriveCart's other date fields are local "Y-m-d H:i:s" text: try the next name
                }
            }
            return null;
        }

        /** {@code order[charges][N][…]} in the order of N. */
        List<Map<String, String>> charges() {
            TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
            values.forEach((name, value) -> {
                Matcher m = CHARGE.matcher(name);
                if (m.matches()) {
                    byIndex.computeIfAbsent(Integer.valueOf(m.group(1)), i -> new LinkedHashMap<>()).put(m.group(2), value);
                }
            });
            if (byIndex.isEmpty()) {
                throw new Untranslatable("order[charges] is missing");
            }
            if (byIndex.size() > MAX_ITEMS) {
                throw new Untranslatable("order[charges] has more than " + MAX_ITEMS + " charges");
            }
            return new ArrayList<>(byIndex.values());
        }
    }
}
