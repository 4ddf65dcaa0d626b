package io.hlbridge.engine.sources.stripe;

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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Stripe's webhook endpoints as a source (PRODUCT.md §3a, docs/store-platforms.md "Stripe").
 *
 * <p>Authentication: {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]}, the lowercase hex
 * HMAC-SHA256 of {@code "{t}.{raw body}"} keyed with the whole {@code whsec_…} string as UTF-8 bytes
 * (not base64-decoded, unlike Standard Webhooks). Any {@code v1} may match (Stripe sends two while a
 * rolled secret's old one is still valid); other schemes ({@code v0}) are never accepted. Timestamps
 * more than 300 s away from now, in either direction, are refused.
 *
 * <p>Deliveries: one event object {@code {id: "evt_…", type, created, livemode, data: {object,
 * previous_attributes}}} per POST. Stripe retries anything but a 2xx for up to three days, in no
 * guaranteed order, and disables endpoints that keep failing; its event id is the idempotency key.
 *
 * <p>Mapping (one store event per Stripe event, keyed by the event id):
 * <ul>
 *   <li>{@code checkout.session.completed} (paid, mode {@code payment}) and
 *       {@code checkout.session.async_payment_succeeded} → {@code order.completed}; a session in mode
 *       {@code subscription} is ignored, its first invoice being the purchase.</li>
 *   <li>{@code invoice.paid}: {@code billing_reason subscription_create} → {@code order.completed} of
 *       the invoice's line products; {@code subscription_cycle} → {@code subscription.charged}.</li>
 *   <li>{@code invoice.payment_failed} of a renewal → {@code subscription.charge_failed}, one charge id
 *       per attempt.</li>
 *   <li>{@code charge.refunded} → {@code refund.created} for this event's refunded amount.</li>
 *   <li>{@code customer.subscription.deleted} → {@code subscription.canceled}.</li>
 *   <li>{@code checkout.session.expired} with an email → {@code prospect.created}.</li>
 * </ul>
 * API version 2025-03-31 ("basil") moved {@code invoice.subscription} to {@code
 * invoice.parent.subscription_details.subscription} and a line's {@code price} to {@code
 * pricing.price_details}; both shapes are read.
 *
 * <p>Products: invoices and subscriptions name Stripe products ({@code prod_…}). Checkout Session and
 * charge events carry no line items, so they use {@code metadata.product_id} (merchants are told to
 * put the Stripe product id there, on the Checkout Session or Payment Link and on the payment intent),
 * else {@value #GENERIC_PRODUCT} (not the Payment Link id, which a refund's charge cannot name). A purchase's order id is its
 * payment intent, which the refunded charge names too, so a refund meets its purchase.
 */
public final class StripeSource extends SourcePlatform {
    static final long TOLERANCE_SECONDS = 300;
    static final String GENERIC_PRODUCT = "stripe_checkout";
    /**
     * Stripe keeps no count of a subscription's charges. Every renewal is reported as charge 2 (at
     * least the second charge) with kind {@code recurring}: the engine uses the number only to
     * complete limited subscriptions, which Stripe does not have (a schedule ending is a cancellation).
     */
    static final int RENEWAL_CHARGE_NUMBER = 2;

    /** Year 9999: a {@code created} beyond it is no time at all (occurred_at is then left out). */
    private static final long MAX_EPOCH_SECONDS = 253_402_300_800L;
    private static final Pattern UNIX_SECONDS = Pattern.compile("\\d{1,12}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");

    public StripeSource(Clock clock) {
        super(clock);
    }

    @Override
    public String id() {
        return "stripe";
    }

    @Override
    public String displayName() {
        return "Stripe";
    }

    @Override
    public List<String> setupSteps() {
        return List.of(
                "In the Stripe Dashboard open Developers → Webhooks (Workbench) and click Add destination / Add endpoint.",
                "Paste the webhook URL above as the endpoint URL.",
                "Select the events checkout.session.completed, checkout.session.async_payment_succeeded, "
                        + "checkout.session.expired, invoice.paid, invoice.payment_failed, charge.refunded and "
                        + "customer.subscription.deleted, then save.",
                "Click Reveal under Signing secret, copy the whsec_… value and paste it here as the signing secret. "
                        + "Put metadata product_id (your Stripe product id) on Checkout Sessions, Payment Links and "
                        + "payment intents, and metadata email on subscriptions.");
    }

    @Override
    public boolean signs() {
        return true;
    }

    /**
     * Stripe retries every non-2xx answer for up to three days and disables an endpoint that keeps
     * failing, emailing the merchant: a 400 for a delivery that will never translate would only
     * repeat it and put the merchant's other events at risk. So rejected deliveries are answered 200.
     */
    @Override
    public boolean answersRejectedWith400() {
        return false;
    }

    // ---- authentication ----

    @Override
    public void verify(Delivery delivery, String signingSecret, Instant now) throws NotAuthentic {
        if (StoreEvents.blank(signingSecret)) {
            throw new NotAuthentic("this Stripe source has no signing secret set: paste the endpoint's whsec_… secret");
        }
        String header = delivery.header("Stripe-Signature");
        if (StoreEvents.blank(header)) {
            throw new NotAuthentic("the Stripe-Signature header is missing");
        }
        SignatureHeader signature = SignatureHeader.parse(header);
        if (signature.timestamp() < 0) {
            throw new NotAuthentic("the Stripe-Signature header has no timestamp t=");
        }
        if (signature.v1().isEmpty()) {
            throw new NotAuthentic("the Stripe-Signature header has no v1 signature");
        }
        byte[] expected = expectedSignature(signingSecret, signature.timestamp(), delivery.body());
        if (!anyMatches(expected, signature.v1())) {
            throw new NotAuthentic("no v1 signature of the Stripe-Signature header matches the body");
        }
        if (Math.abs(now.getEpochSecond() - signature.timestamp()) > TOLERANCE_SECONDS) {
            throw new NotAuthentic("the Stripe-Signature timestamp is more than " + TOLERANCE_SECONDS + " s from now");
        }
    }

    /** The lowercase hex HMAC-SHA256 of {@code "{t}.{body}"}, as ASCII bytes. */
    private static byte[] expectedSignature(String secret, long timestamp, byte[] body) {
        byte[] mac = Hmac.sha256(secret, (timestamp + ".").getBytes(StandardCharsets.US_ASCII), body);
        return HexFormat.of().formatHex(mac).getBytes(StandardCharsets.US_ASCII);
    }

    /** Constant-time comparison against every candidate (no early exit that would time the match). */
    private static boolean anyMatches(byte[] expected, List<String> candidates) {
        boolean found = false;
        for (String candidate : candidates) {
            found |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return found;
    }

    /** {@code t=…,v1=…,v1=…,v0=…}: the timestamp (-1 when absent or not a number) and the v1 entries. */
    private record SignatureHeader(long timestamp, List<String> v1) {
        static SignatureHeader parse(String header) {
            long timestamp = -1;
            List<String> v1 = new ArrayList<>();
            for (String item : header.split(",")) {
                String[] kv = item.trim().split("=", 2);
                if (kv.length != 2) {
                    continue;
                }
                if (kv[0].equals("t") && UNIX_SECONDS.matcher(kv[1]).matches()) {
                    timestamp = Long.parseLong(kv[1]);
                } else if (kv[0].equals("v1")) {
                    v1.add(kv[1]);
                }
            }
            return new SignatureHeader(timestamp, v1);
        }
    }

    // ---- the delivery's identity ----

    @Override
    public String deliveryId(Delivery delivery) {
        return lenientText(delivery, "id");
    }

    @Override
    protected String bestEffortType(Delivery delivery) {
        return lenientText(delivery, "type");
    }

    /** A top-level text field of a body that may not even be JSON; null when unreadable. */
    private static String lenientText(Delivery delivery, String field) {
        try {
            return text(delivery.json(), field);
        } catch (Untranslatable notJson) {
            return null;
        }
    }

    // ---- translation ----

    @Override
    public Translation translationOf(Delivery delivery) {
        ObjectNode body = delivery.json();
        String type = requiredText(body, "type", "type");
        Envelope event = Envelope.of(body, type);
        return switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" -> checkoutPurchase(event);
            case "checkout.session.expired" -> abandonedCheckout(event);
            case "invoice.paid" -> invoicePaid(event);
            case "invoice.payment_failed" -> invoicePaymentFailed(event);
            case "charge.refunded" -> chargeRefunded(event);
            case "customer.subscription.deleted" -> subscriptionDeleted(event);
            case "payment_intent.succeeded" -> new Translation.Ignored(type,
                    "payment_intent.succeeded also fires for invoice payments; purchases come from "
                            + "checkout.session.completed and invoice.paid");
            case "invoice.payment_succeeded" -> new Translation.Ignored(type,
                    "invoice.payment_succeeded repeats invoice.paid, which is the one used");
            default -> new Translation.Ignored(type, "Stripe event " + type + " is not one the engine uses");
        };
    }

    /** The event envelope: its id (the idempotency key), type, time, mode and {@code data}. */
    private record Envelope(String id, String type, Instant created, boolean testMode, JsonNode object,
                            JsonNode previous) {
        static Envelope of(ObjectNode body, String type) {
            String id = requiredText(body, "id", "id");
            long created = wholeOr(body, "created", -1);
            Instant at = created >= 0 && created < MAX_EPOCH_SECONDS ? Instant.ofEpochSecond(created) : null;
            // Stripe always sends livemode; an event without it is taken as live (test_mode false).
            boolean testMode = body.path("livemode").isBoolean() && !body.path("livemode").booleanValue();
            JsonNode object = body.path("data").path("object");
            if (!object.isObject()) {
                throw new Untranslatable("data.object is missing");
            }
            return new Envelope(id, type, at, testMode, object, body.path("data").path("previous_attributes"));
        }

        ObjectNode storeEvent(String storeType, ObjectNode customer) {
            return StoreEvents.event(storeType, created, testMode, customer);
        }

        Translation.Events one(ObjectNode storeEvent) {
            return Translation.Events.of(type, new SourceEvent(id, storeEvent));
        }
    }

    // ---- Checkout Sessions ----

    private Translation checkoutPurchase(Envelope event) {
        JsonNode session = event.object();
        String mode = requiredText(session, "mode", "data.object.mode");
        if (mode.equals("subscription")) {
            return new Translation.Ignored(event.type(), "a subscription's Checkout Session: its first invoice "
                    + "(invoice.paid, billing_reason subscription_create) is the purchase");
        }
        if (!mode.equals("payment")) {
            return new Translation.Ignored(event.type(), "a Checkout Session in mode " + mode + " sells nothing");
        }
        String paymentStatus = requiredText(session, "payment_status", "data.object.payment_status");
        // no_payment_required: a payment-mode session fully discounted is still a purchase (of 0).
        if (!paymentStatus.equals("paid") && !paymentStatus.equals("no_payment_required")) {
            return new Translation.Ignored(event.type(), "the Checkout Session is " + paymentStatus
                    + "; checkout.session.async_payment_succeeded follows once the payment arrives");
        }
        long total = nonNegative(session, "amount_total", "data.object.amount_total");
        Product product = checkoutProduct(session);
        ObjectNode order = Json.object();
        order.put("id", orderIdOf(session, "data.object"));
        order.put("total_cents", total);
        order.put("currency", currency(session, "data.object.currency"));
        ObjectNode item = product.node();
        item.put("role", "primary");
        item.put("price_cents", total);
        item.put("quantity", 1);
        ObjectNode storeEvent = event.storeEvent("order.completed", sessionCustomer(session));
        storeEvent.set("order", order);
        storeEvent.set("items", Json.MAPPER.createArrayNode().add(item));
        return event.one(storeEvent);
    }

    private Translation abandonedCheckout(Envelope event) {
        JsonNode session = event.object();
        if ("setup".equals(text(session, "mode"))) {
            return new Translation.Ignored(event.type(), "a Checkout Session in mode setup sells nothing");
        }
        if (sessionEmail(session) == null) {
            return new Translation.Ignored(event.type(), "no email was collected before the Checkout Session expired");
        }
        ObjectNode prospect = Json.object();
        prospect.put("id", requiredText(session, "id", "data.object.id"));
        // the prospect dates from when the checkout began (the session's created), not from its expiry a
        // day later: a purchase made in between must count as "bought meanwhile"
        long began = wholeOr(session, "created", -1);
        Instant beganAt = began >= 0 && began < MAX_EPOCH_SECONDS ? Instant.ofEpochSecond(began) : event.created();
        ObjectNode storeEvent = StoreEvents.event("prospect.created", beganAt, event.testMode(), sessionCustomer(session));
        storeEvent.set("prospect", prospect);
        storeEvent.set("items", Json.MAPPER.createArrayNode().add(checkoutProduct(session).node()));
        return event.one(storeEvent);
    }

    /**
     * Checkout Session events carry no line items: metadata, else the generic product. (Not the
     * Payment Link: a refund's charge cannot name it, and a refund must meet its purchase's product.)
     */
    private static Product checkoutProduct(JsonNode session) {
        JsonNode metadata = session.path("metadata");
        String id = firstText(text(metadata, "product_id"), GENERIC_PRODUCT);
        return new Product(id, firstText(text(metadata, "product_name"), id));
    }

    private static ObjectNode sessionCustomer(JsonNode session) {
        JsonNode details = session.path("customer_details");
        String email = sessionEmail(session);
        if (email == null) {
            throw new Untranslatable("data.object.customer_details.email (or customer_email) is missing");
        }
        return customer(text(session, "customer"), email, text(details, "name"), text(details, "phone"),
                details.path("address"));
    }

    private static String sessionEmail(JsonNode session) {
        return firstText(text(session.path("customer_details"), "email"), text(session, "customer_email"));
    }

    // ---- invoices of subscriptions ----

    private Translation invoicePaid(Envelope event) {
        JsonNode invoice = event.object();
        String subscription = invoiceSubscription(invoice);
        String reason = text(invoice, "billing_reason");
        if (subscription == null) {
            // One-off invoices (and the invoice copies Checkout can create) are not purchases the
            // engine counts: Checkout's own event already reports them.
            return new Translation.Ignored(event.type(), "an invoice outside any subscription");
        }
        if ("subscription_create".equals(reason)) {
            return firstSubscriptionPayment(event, invoice);
        }
        if ("subscription_cycle".equals(reason)) {
            ObjectNode storeEvent = subscriptionCharge(event, "subscription.charged", invoice, subscription,
                    requiredText(invoice, "id", "data.object.id"));
            return event.one(storeEvent);
        }
        return new Translation.Ignored(event.type(), "billing_reason " + reason
                + " is neither a subscription's first payment nor a renewal");
    }

    private Translation invoicePaymentFailed(Envelope event) {
        JsonNode invoice = event.object();
        String subscription = invoiceSubscription(invoice);
        String reason = text(invoice, "billing_reason");
        if (subscription == null) {
            return new Translation.Ignored(event.type(), "an invoice outside any subscription");
        }
        if (!"subscription_cycle".equals(reason)) {
            // A failed first payment leaves the subscription incomplete: nothing recurring has failed.
            return new Translation.Ignored(event.type(), "billing_reason " + reason + " is not a renewal");
        }
        long attempt = nonNegative(invoice, "attempt_count", "data.object.attempt_count");
        String chargeId = requiredText(invoice, "id", "data.object.id") + "#attempt-" + attempt;
        return event.one(subscriptionCharge(event, "subscription.charge_failed", invoice, subscription, chargeId));
    }

    /** The first invoice of a subscription is its purchase: one item per line product. */
    private Translation firstSubscriptionPayment(Envelope event, JsonNode invoice) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (InvoiceLine line : invoiceLines(invoice, true)) {
            ObjectNode item = line.product().node();
            item.put("role", "primary");
            item.put("price_cents", line.amount());
            item.put("quantity", line.quantity());
            items.add(item);
        }
        ObjectNode order = Json.object();
        order.put("id", orderIdOf(invoice, "data.object"));
        order.put("total_cents", nonNegative(invoice, "amount_paid", "data.object.amount_paid"));
        order.put("currency", currency(invoice, "data.object.currency"));
        ObjectNode storeEvent = event.storeEvent("order.completed", invoiceCustomer(invoice));
        storeEvent.set("order", order);
        storeEvent.set("items", items);
        return event.one(storeEvent);
    }

    /**
     * A renewal's success or failure. A subscription with several items is reported under its first
     * line's product: the engine keeps one run of failures per subscription, not per item.
     */
    private static ObjectNode subscriptionCharge(Envelope event, String storeType, JsonNode invoice,
                                                 String subscriptionId, String chargeId) {
        Product product = invoiceLines(invoice, false).get(0).product();
        ObjectNode subscription = product.subscription(subscriptionId);
        subscription.put("kind", "recurring");
        subscription.put("charge_number", RENEWAL_CHARGE_NUMBER);
        ObjectNode charge = Json.object();
        charge.put("id", chargeId);
        ObjectNode storeEvent = event.storeEvent(storeType, invoiceCustomer(invoice));
        storeEvent.set("subscription", subscription);
        storeEvent.set("charge", charge);
        return storeEvent;
    }

    /** {@code subscription} before basil, {@code parent.subscription_details.subscription} since. */
    private static String invoiceSubscription(JsonNode invoice) {
        return firstText(text(invoice, "subscription"),
                text(invoice.path("parent").path("subscription_details"), "subscription"));
    }

    private record InvoiceLine(Product product, long amount, long quantity) {
    }

    /**
     * The invoice's lines that name a product and charge something (credits and prorations of 0 left
     * out); with {@code keepFree}, lines of 0 too: a trial's (or a 100 % coupon's) first invoice is
     * still the purchase of its products.
     */
    private static List<InvoiceLine> invoiceLines(JsonNode invoice, boolean keepFree) {
        JsonNode data = invoice.path("lines").path("data");
        if (!data.isArray() || data.isEmpty()) {
            throw new Untranslatable("data.object.lines.data is missing");
        }
        List<InvoiceLine> lines = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode line = data.get(i);
            String path = "data.object.lines.data[" + i + "]";
            long amount = wholeNumber(line, "amount", path + ".amount");
            if (amount > 0 || (keepFree && amount == 0 && lineProduct(line) != null)) {
                String productId = lineProduct(line);
                if (productId == null) {
                    throw new Untranslatable(path + ".price.product (or pricing.price_details.product) is missing");
                }
                String name = firstText(text(line.path("price"), "nickname"), text(line, "description"), productId);
                long quantity = Math.max(1, wholeOr(line, "quantity", 1));
                lines.add(new InvoiceLine(new Product(productId, name), amount, quantity));
            }
        }
        if (lines.isEmpty()) {
            throw new Untranslatable("data.object.lines.data has no line with a product"
                    + (keepFree ? "" : " and an amount above 0"));
        }
        return lines;
    }

    /** {@code price.product} before basil, {@code pricing.price_details.product} since. */
    private static String lineProduct(JsonNode line) {
        return firstText(text(line.path("price"), "product"),
                text(line.path("pricing").path("price_details"), "product"));
    }

    private static ObjectNode invoiceCustomer(JsonNode invoice) {
        String email = text(invoice, "customer_email");
        if (email == null) {
            throw new Untranslatable("data.object.customer_email is missing");
        }
        return customer(text(invoice, "customer"), email, text(invoice, "customer_name"),
                text(invoice, "customer_phone"), invoice.path("customer_address"));
    }

    // ---- refunds ----

    /**
     * {@code charge.refunded} carries the cumulative {@code amount_refunded}; this refund is what it
     * grew by since {@code previous_attributes.amount_refunded} (0 when absent: the first refund).
     * The order item's price is the charge's {@code amount}, as the purchase's item price was.
     */
    private Translation chargeRefunded(Envelope event) {
        JsonNode charge = event.object();
        String chargeId = requiredText(charge, "id", "data.object.id");
        long amount = nonNegative(charge, "amount", "data.object.amount");
        long refundedTotal = nonNegative(charge, "amount_refunded", "data.object.amount_refunded");
        long before = wholeOr(event.previous(), "amount_refunded", 0);
        long refunded = refundedTotal - before;
        if (refunded <= 0) {
            throw new Untranslatable("data.object.amount_refunded (" + refundedTotal
                    + ") is not above data.previous_attributes.amount_refunded (" + before + ")");
        }
        JsonNode metadata = charge.path("metadata");
        String productId = firstText(text(metadata, "product_id"), GENERIC_PRODUCT);
        ObjectNode item = new Product(productId, firstText(text(metadata, "product_name"), productId)).node();
        item.put("price_cents", amount);
        item.put("refunded_cents", refunded);
        ObjectNode refund = Json.object();
        refund.put("id", refundId(charge, chargeId, refundedTotal));
        ObjectNode order = Json.object();
        order.put("id", orderIdOf(charge, "data.object"));
        ObjectNode storeEvent = event.storeEvent("refund.created", chargeCustomer(charge));
        storeEvent.set("refund", refund);
        storeEvent.set("order", order);
        storeEvent.set("items", Json.MAPPER.createArrayNode().add(item));
        return event.one(storeEvent);
    }

    /**
     * The newest refund of {@code refunds.data} (sent by API versions before 2022-11-15), else the
     * charge id with the cumulative refunded amount, which grows with every refund of the charge.
     */
    private static String refundId(JsonNode charge, String chargeId, long refundedTotal) {
        String newest = null;
        long newestCreated = Long.MIN_VALUE;
        for (JsonNode refund : charge.path("refunds").path("data")) {
            String id = text(refund, "id");
            long created = wholeOr(refund, "created", 0);
            if (id != null && (newest == null || created > newestCreated)) {
                newest = id;
                newestCreated = created;
            }
        }
        return newest != null ? newest : chargeId + "#refunded-" + refundedTotal;
    }

    private static ObjectNode chargeCustomer(JsonNode charge) {
        JsonNode billing = charge.path("billing_details");
        String email = firstText(text(billing, "email"), text(charge, "receipt_email"));
        if (email == null) {
            throw new Untranslatable("data.object.billing_details.email (or receipt_email) is missing");
        }
        return customer(text(charge, "customer"), email, text(billing, "name"), text(billing, "phone"),
                billing.path("address"));
    }

    // ---- cancellations ----

    /**
     * Stripe's subscription object names its customer only by id ({@code cus_…}), so the email comes
     * from the subscription's {@code metadata.email} (or {@code customer_email}), which merchants are
     * told to set (Checkout: {@code subscription_data.metadata}). Without one it is rejected, saying so.
     */
    private Translation subscriptionDeleted(Envelope event) {
        JsonNode subscription = event.object();
        String id = requiredText(subscription, "id", "data.object.id");
        JsonNode metadata = subscription.path("metadata");
        String email = firstText(text(metadata, "email"), text(metadata, "customer_email"));
        if (email == null) {
            throw new Untranslatable("data.object.metadata.email is missing: Stripe's subscription names its "
                    + "customer only by id, so put the customer's email in the subscription's metadata");
        }
        JsonNode item = subscription.path("items").path("data").path(0);
        String productId = firstText(text(item.path("price"), "product"), text(subscription.path("plan"), "product"));
        if (productId == null) {
            throw new Untranslatable("data.object.items.data[0].price.product is missing");
        }
        String name = firstText(text(item.path("price"), "nickname"), text(metadata, "product_name"), productId);
        ObjectNode node = new Product(productId, name).subscription(id);
        node.put("kind", "recurring");
        ObjectNode storeEvent = event.storeEvent("subscription.canceled",
                customer(text(subscription, "customer"), email, text(metadata, "customer_name"), null,
                        Json.MAPPER.missingNode()));
        storeEvent.set("subscription", node);
        return event.one(storeEvent);
    }

    // ---- shared pieces ----

    private record Product(String id, String name) {
        ObjectNode node() {
            ObjectNode item = Json.object();
            item.put("product_id", id);
            item.put("product_name", name);
            return item;
        }

        ObjectNode subscription(String subscriptionId) {
            ObjectNode s = Json.object();
            s.put("id", subscriptionId);
            s.put("product_id", id);
            s.put("product_name", name);
            return s;
        }
    }

    /**
     * The order id of a purchase or refund: its payment intent, which a Checkout Session, a
     * pre-basil invoice and a charge all name; else the object's own id (a session of 0 has no
     * payment intent; a basil invoice names none).
     */
    private static String orderIdOf(JsonNode object, String path) {
        return firstText(text(object, "payment_intent"), requiredText(object, "id", path + ".id"));
    }

    /** A customer; a full name is split into the first word and the rest. */
    private static ObjectNode customer(String id, String email, String name, String phone, JsonNode address) {
        String first = null;
        String last = null;
        if (name != null) {
            String[] parts = name.trim().split("\\s+", 2);
            first = parts[0];
            last = parts.length == 2 ? parts[1] : null;
        }
        ObjectNode customer = StoreEvents.customer(id, email, first, last, phone);
        return StoreEvents.withAddress(customer, text(address, "line1"), text(address, "city"),
                text(address, "state"), text(address, "postal_code"), text(address, "country"));
    }

    /** Stripe's lowercase ISO code, upper-cased as the store events of the other platforms carry it. */
    private static String currency(JsonNode object, String path) {
        String currency = requiredText(object, "currency", path);
        if (!CURRENCY.matcher(currency).matches()) {
            throw new Untranslatable(path + " is not a three-letter currency code");
        }
        return currency.toUpperCase(Locale.ROOT);
    }

    /** The text of a field, or null when it is absent, null, blank or not a string. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.textValue().isBlank() ? value.textValue().trim() : null;
    }

    private static String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw new Untranslatable(path + " is missing");
        }
        if (!value.isTextual()) {
            throw new Untranslatable(path + " is not a string");
        }
        return StoreEvents.required(value.textValue(), path);
    }

    /** A whole number (cents, a count), 0 or more. */
    private static long nonNegative(JsonNode node, String field, String path) {
        long cents = wholeNumber(node, field, path);
        if (cents < 0) {
            throw new Untranslatable(path + " is negative");
        }
        return cents;
    }

    private static long wholeNumber(JsonNode node, String field, String path) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw new Untranslatable(path + " is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new Untranslatable(path + " is not a whole number");
        }
        return value.longValue();
    }

    /** A whole number read leniently: {@code fallback} when absent or of another type. */
    private static long wholeOr(JsonNode node, String field, long fallback) {
        JsonNode value = node.path(field);
        return value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : fallback;
    }

    private static String firstText(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
