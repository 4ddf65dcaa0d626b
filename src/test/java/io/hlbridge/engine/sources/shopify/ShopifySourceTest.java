package io.hlbridge.engine.sources.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.sources.Delivery;
import io.hlbridge.engine.sources.NotAuthentic;
import io.hlbridge.engine.sources.SourceEvent;
import io.hlbridge.engine.sources.Translation;
import io.hlbridge.engine.sources.Untranslatable;
import io.hlbridge.engine.sources.samples.ShopifySamples;
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShopifySourceTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final StoreEventSchema SCHEMA = new StoreEventSchema();

    private final ShopifySource source = new ShopifySource(Clock.fixed(NOW, ZoneOffset.UTC));
    private final ShopifySamples samples = new ShopifySamples();
    private final String secret = samples.exampleSecret();
    private final Buyer ada = new Buyer("t1", "ada@example.com", "Ada", "Lovelace", "8123456789", "Analytical Engine Course", 9700);
    private final Buyer bob = new Buyer("t2", "bob@example.com", "Bob", "Babbage", "prod_1", "Difference \"Engine\"", 3000);

    // ---- the platform ----

    @Test
    void describesItself() {
        assertThat(source.id()).isEqualTo("shopify");
        assertThat(source.displayName()).isEqualTo("Shopify");
        assertThat(source.signs()).isTrue();
        assertThat(source.setupSteps()).hasSizeBetween(3, 4);
        assertThat(String.join(" ", source.setupSteps()))
                .contains("Settings → Notifications → Webhooks", "Order payment", "Order update", "Checkout", "signing secret");
        assertThat(source.answersRejectedWith400()).isFalse();
        assertThat(samples.platform()).isEqualTo(source.id());
    }

    @Test
    void sendsNoPingAndHasNoSubscriptionSamples() {
        assertThat(samples.ping()).isNull();
        assertThat(samples.renewal(ada, 2)).isNull();
        assertThat(samples.failedRenewal(ada, 1)).isNull();
        assertThat(samples.cancellation(ada)).isNull();
        assertThat(source.isPing(delivery(samples.purchase(ada)))).isFalse();
    }

    @Test
    void deliveryIdAndTypeAreShopifysHeaders() {
        Delivery d = delivery(samples.purchase(ada));
        assertThat(source.deliveryId(d)).isEqualTo(d.header("X-Shopify-Webhook-Id")).isNotBlank();
        assertThat(source.bestEffortType(d)).isEqualTo("orders/paid");
        Delivery bare = Delivery.post(Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(source.deliveryId(bare)).isNull();
        assertThat(source.bestEffortType(bare)).isNull();
    }

    // ---- every sample translated ----

    @Test
    void purchaseIsAnOrderCompleted() {
        Sample sample = samples.purchase(ada);
        SourceEvent only = single(sample);
        ObjectNode e = only.event();
        assertThat(only.key()).isEqualTo(sample.headers().get("X-Shopify-Webhook-Id"));
        assertThat(e.path("type").asText()).isEqualTo("order.completed");
        assertThat(e.path("occurred_at").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(e.path("test_mode").asBoolean()).isFalse();
        assertCustomer(e, ada);
        assertThat(e.at("/customer/id").asText()).matches("\\d+");
        assertThat(e.at("/customer/address/state").asText()).isEqualTo("IL");
        assertThat(e.at("/customer/address/country").asText()).isEqualTo("US");
        assertThat(e.at("/order/id").asText()).matches("\\d+");
        assertThat(e.at("/order/total_cents").asLong()).isEqualTo(9700);
        assertThat(e.at("/order/currency").asText()).isEqualTo("USD");
        assertThat(e.path("items")).hasSize(1);
        JsonNode item = e.path("items").get(0);
        assertThat(item.path("product_id").asText()).isEqualTo("8123456789");
        assertThat(item.path("product_name").asText()).isEqualTo("Analytical Engine Course");
        assertThat(item.path("sku").asText()).isEqualTo("SKU-8123456789");
        assertThat(item.path("role").asText()).isEqualTo("primary");
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("quantity").asInt()).isEqualTo(1);
        passesSchema(e);
    }

    @Test
    void aNonNumericProductIdAndQuotedNameSurvive() {
        ObjectNode e = single(samples.purchase(bob)).event();
        assertThat(e.at("/items/0/product_id").asText()).isEqualTo("prod_1");
        assertThat(e.at("/items/0/product_name").asText()).isEqualTo("Difference \"Engine\"");
        passesSchema(e);
    }

    @Test
    void fullRefundRefundsTheWholePurchasedItem() {
        ObjectNode purchase = single(samples.purchase(ada)).event();
        SourceEvent refund = single(samples.fullRefund(ada));
        ObjectNode e = refund.event();
        assertThat(e.path("type").asText()).isEqualTo("refund.created");
        assertCustomer(e, ada);
        assertThat(e.at("/order/id").asText()).isEqualTo(purchase.at("/order/id").asText());
        assertThat(refund.key()).isEqualTo("refund:" + e.at("/refund/id").asText());
        assertThat(e.path("occurred_at").asText()).isEqualTo("2026-11-28T14:30:00Z");
        JsonNode item = e.path("items").get(0);
        assertThat(e.path("items")).hasSize(1);
        assertThat(item.path("product_id").asText()).isEqualTo(purchase.at("/items/0/product_id").asText());
        assertThat(item.path("price_cents").asLong()).isEqualTo(purchase.at("/items/0/price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("refunded_cents").asLong()).isEqualTo(9700);
        passesSchema(e);
    }

    @Test
    void partialRefundRefundsAThirdOfTheSameItem() {
        ObjectNode purchase = single(samples.purchase(ada)).event();
        ObjectNode full = single(samples.fullRefund(ada)).event();
        ObjectNode e = single(samples.partialRefund(ada)).event();
        assertThat(e.path("type").asText()).isEqualTo("refund.created");
        assertCustomer(e, ada);
        assertThat(e.at("/order/id").asText()).isEqualTo(purchase.at("/order/id").asText());
        assertThat(e.at("/refund/id").asText()).isNotEqualTo(full.at("/refund/id").asText());
        assertThat(e.at("/items/0/product_id").asText()).isEqualTo("8123456789");
        assertThat(e.at("/items/0/price_cents").asLong()).isEqualTo(9700);
        assertThat(e.at("/items/0/refunded_cents").asLong()).isEqualTo(9700 / 3);
        passesSchema(e);
    }

    @Test
    void abandonedCheckoutIsAProspect() {
        Sample sample = samples.abandonedCheckout(ada);
        SourceEvent only = single(sample);
        ObjectNode e = only.event();
        assertThat(only.key()).isEqualTo(sample.headers().get("X-Shopify-Webhook-Id"));
        assertThat(e.path("type").asText()).isEqualTo("prospect.created");
        assertCustomer(e, ada);
        assertThat(e.at("/prospect/id").asText()).matches("[0-9a-f]{32}");
        assertThat(e.at("/items/0/product_id").asText()).isEqualTo("8123456789");
        assertThat(e.at("/items/0/product_name").asText()).isEqualTo("Analytical Engine Course");
        assertThat(e.path("occurred_at").asText()).isEqualTo("2026-11-26T10:00:00Z");
        passesSchema(e);
    }

    @Test
    void ignoredSampleIsTheUnpaidOrder() {
        Translation t = source.translationOf(delivery(samples.ignored(ada)));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo("orders/create");
        assertThat(((Translation.Ignored) t).reason()).contains("orders/paid");
    }

    // ---- signatures ----

    @Test
    void aSignedSampleVerifies() {
        Delivery d = delivery(samples.signed(samples.purchase(ada), secret, NOW.getEpochSecond()));
        assertThatCode(() -> source.verify(d, secret, NOW)).doesNotThrowAnyException();
        assertThat(d.header("X-Shopify-Triggered-At")).isEqualTo(NOW.toString());
    }

    @Test
    void aTamperedBodyFails() {
        Sample signed = samples.signed(samples.purchase(ada), secret, NOW.getEpochSecond());
        byte[] body = new String(signed.body(), StandardCharsets.UTF_8).replace("97.00", "0.97").getBytes(StandardCharsets.UTF_8);
        Delivery d = new Delivery("POST", signed.headers(), body);
        assertThatThrownBy(() -> source.verify(d, secret, NOW)).isInstanceOf(NotAuthentic.class).hasMessageContaining("does not match");
    }

    @Test
    void aWrongSecretFails() {
        Delivery d = delivery(samples.signed(samples.purchase(ada), "another-secret", NOW.getEpochSecond()));
        assertThatThrownBy(() -> source.verify(d, secret, NOW)).isInstanceOf(NotAuthentic.class);
    }

    @Test
    void aMissingOrGarbledHeaderFails() {
        Delivery unsigned = delivery(samples.purchase(ada));
        assertThatThrownBy(() -> source.verify(unsigned, secret, NOW))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("X-Shopify-Hmac-SHA256").hasMessageContaining("missing");
        Map<String, String> headers = new LinkedHashMap<>(unsigned.headers());
        headers.put("x-shopify-hmac-sha256", "not base64 !!");
        Delivery garbled = new Delivery("POST", headers, unsigned.body());
        assertThatThrownBy(() -> source.verify(garbled, secret, NOW)).isInstanceOf(NotAuthentic.class).hasMessageContaining("base64");
    }

    @Test
    void noSigningSecretRefusesEveryDelivery() {
        Delivery d = delivery(samples.signed(samples.purchase(ada), secret, NOW.getEpochSecond()));
        assertThatThrownBy(() -> source.verify(d, null, NOW)).isInstanceOf(NotAuthentic.class).hasMessageContaining("no signing secret");
        assertThatThrownBy(() -> source.verify(d, " ", NOW)).isInstanceOf(NotAuthentic.class).hasMessageContaining("no signing secret");
    }

    /** Shopify signs no timestamp: a retry hours later (same X-Shopify-Triggered-At) still verifies. */
    @Test
    void anOldDeliveryStillVerifiesSinceShopifySignsNoTimestamp() {
        Delivery d = delivery(samples.signed(samples.purchase(ada), secret, NOW.minusSeconds(4 * 3600).getEpochSecond()));
        assertThatCode(() -> source.verify(d, secret, NOW)).doesNotThrowAnyException();
    }

    /** The verifier checked against an HMAC computed here, on a body written by hand. */
    @Test
    void verifiesAgainstAnIndependentlyComputedHmac() throws Exception {
        byte[] body = "{\"id\":820982911946154508,\"email\":\"jon@example.com\"}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("hush".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hmac = Base64.getEncoder().encodeToString(mac.doFinal(body));
        Delivery d = Delivery.post(Map.of("X-Shopify-Hmac-Sha256", hmac, "X-Shopify-Topic", "orders/paid"), body);
        assertThatCode(() -> source.verify(d, "hush", NOW)).doesNotThrowAnyException();
    }

    // ---- ignored topics ----

    @ParameterizedTest
    @ValueSource(strings = {"orders/create", "refunds/create", "products/update", "orders/cancelled", "app/uninstalled"})
    void otherTopicsAreIgnoredWithTheirType(String topic) {
        Translation t = source.translationOf(hand(topic, "{\"id\": 1}"));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo(topic);
    }

    @Test
    void refundsCreateSaysWhereRefundsComeFrom() {
        Translation t = source.translationOf(hand("refunds/create", "{\"id\": 1, \"order_id\": 2}"));
        assertThat(((Translation.Ignored) t).reason()).contains("no customer email", "orders/updated");
    }

    @Test
    void anOrderUpdateWithoutRefundsIsIgnored() {
        Translation t = source.translationOf(hand("orders/updated", ORDER_WITH_REFUNDS.replace(REFUNDS, "[]")));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("without refunds");
    }

    @Test
    void aCompletedCheckoutIsIgnored() {
        Translation t = source.translationOf(hand("checkouts/update",
                CHECKOUT.replace("\"completed_at\": null", "\"completed_at\": \"2026-11-26T05:09:00-05:00\"")));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("completed");
    }

    @Test
    void aCheckoutWithoutEmailIsIgnored() {
        Translation t = source.translationOf(hand("checkouts/create",
                CHECKOUT.replace("\"email\": \"grace@example.com\"", "\"email\": null").replace("\"customer\": {\"id\": 7001, \"email\": \"grace@example.com\"}", "\"customer\": null")));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("no email");
    }

    // ---- hand-built payloads (from Shopify's documented shapes, not via the samples) ----

    /**
     * An orders/paid as Shopify documents it: two variants of one product (one order item), a discount
     * allocated to a line, a custom item without a product, a customer without names (API 2025-01+
     * protected data) whose names come from the billing address.
     */
    static final String PAID_ORDER = """
            {"id": 450789469, "email": "grace@example.com", "contact_email": "grace@example.com",
             "processed_at": "2026-11-26T05:00:00-05:00", "currency": "EUR", "total_price": "159.50", "test": true,
             "source_name": "subscription_contract",
             "customer": {"id": 207119551, "state": "enabled", "verified_email": true},
             "billing_address": {"first_name": "Grace", "last_name": "Hopper", "address1": "2 Navy Rd",
                                 "city": "Arlington", "province_code": "VA", "zip": "22202", "country_code": "US",
                                 "phone": "+15555550123"},
             "shipping_address": [],
             "line_items": [
               {"id": 466157049, "product_id": 632910392, "title": "IPod Nano", "sku": "IPOD-8GB", "price": "50.00",
                "quantity": 2, "total_discount": "0.00",
                "discount_allocations": [{"amount": "10.00", "discount_application_index": 0}]},
               {"id": 518995019, "product_id": 632910392, "title": "IPod Nano", "sku": "IPOD-16GB", "price": "59.50",
                "quantity": 1, "total_discount": "0.00", "discount_allocations": []},
               {"id": 703073504, "product_id": null, "title": "Gift wrapping", "price": "10.00", "quantity": 1,
                "total_discount": "0.00"},
               {"id": 703073505, "product_id": 921728736, "title": "Cable", "price": "0.00", "quantity": 1,
                "total_discount": "0.00"}
             ]}
            """;

    @Test
    void handBuiltPaidOrder() {
        SourceEvent only = events(source.translationOf(hand("orders/paid", PAID_ORDER))).get(0);
        ObjectNode e = only.event();
        assertThat(only.key()).isEqualTo("b54557e4-8a5f-4f7d-9d43-a1c0c5e8d001");
        assertThat(e.path("test_mode").asBoolean()).isTrue();
        assertThat(e.path("occurred_at").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(e.at("/customer/email").asText()).isEqualTo("grace@example.com");
        assertThat(e.at("/customer/first_name").asText()).isEqualTo("Grace");
        assertThat(e.at("/customer/last_name").asText()).isEqualTo("Hopper");
        assertThat(e.at("/customer/phone").asText()).isEqualTo("+15555550123");
        assertThat(e.at("/customer/id").asText()).isEqualTo("207119551");
        assertThat(e.at("/customer/address/postal_code").asText()).isEqualTo("22202");
        assertThat(e.at("/order/id").asText()).isEqualTo("450789469");
        assertThat(e.at("/order/total_cents").asLong()).isEqualTo(15950);
        assertThat(e.at("/order/currency").asText()).isEqualTo("EUR");
        assertThat(e.path("items")).hasSize(2);
        JsonNode ipod = e.path("items").get(0);
        assertThat(ipod.path("product_id").asText()).isEqualTo("632910392");
        assertThat(ipod.path("price_cents").asLong()).isEqualTo(50_00 * 2 - 10_00 + 59_50);
        assertThat(ipod.path("quantity").asInt()).isEqualTo(3);
        assertThat(ipod.path("sku").asText()).isEqualTo("IPOD-8GB");
        assertThat(e.at("/items/1/product_id").asText()).isEqualTo("921728736");
        assertThat(e.at("/items/1/price_cents").asLong()).isZero();
        passesSchema(e);
    }

    static final String REFUNDS = """
            [{"id": 509562969, "order_id": 450789469, "created_at": "2026-11-27T08:00:00-05:00",
              "processed_at": "2026-11-27T08:00:00-05:00", "order_adjustments": [], "transactions": [],
              "refund_line_items": [{"id": 104689539, "line_item_id": 466157049, "quantity": 1, "subtotal": 45.00}]},
             {"id": 509562970, "order_id": 450789469, "processed_at": "2026-11-28T08:00:00-05:00",
              "refund_line_items": [],
              "order_adjustments": [{"id": 1, "kind": "refund_discrepancy", "amount": "-20.00", "tax_amount": "0.00"}],
              "transactions": [{"id": 1, "kind": "refund", "status": "success", "amount": "20.00"},
                               {"id": 2, "kind": "refund", "status": "failure", "amount": "20.00"}]}]
            """;

    /** An orders/updated of the order above carrying two refunds, built from the documented Refund shape. */
    static final String ORDER_WITH_REFUNDS = """
            {"id": 450789469, "email": "grace@example.com", "currency": "USD", "total_price": "159.50",
             "financial_status": "partially_refunded",
             "line_items": [
               {"id": 466157049, "product_id": 632910392, "title": "IPod Nano", "price": "50.00", "quantity": 2,
                "discount_allocations": [{"amount": "10.00"}]},
               {"id": 518995019, "product_id": 632910392, "title": "IPod Nano", "price": "59.50", "quantity": 1},
               {"id": 703073505, "product_id": 921728736, "title": "Cable", "price": "10.00", "quantity": 1}
             ],
             "refunds": %s}
            """.formatted(REFUNDS);

    @Test
    void handBuiltOrderUpdateGivesOneRefundPerRefundId() {
        List<SourceEvent> events = events(source.translationOf(hand("orders/updated", ORDER_WITH_REFUNDS)));
        assertThat(events).extracting(SourceEvent::key).containsExactly("refund:509562969", "refund:509562970");
        ObjectNode byLine = events.get(0).event();
        assertThat(byLine.at("/refund/id").asText()).isEqualTo("509562969");
        assertThat(byLine.at("/order/id").asText()).isEqualTo("450789469");
        assertThat(byLine.at("/customer/email").asText()).isEqualTo("grace@example.com");
        assertThat(byLine.path("occurred_at").asText()).isEqualTo("2026-11-27T13:00:00Z");
        assertThat(byLine.path("items")).hasSize(1);
        assertThat(byLine.at("/items/0/product_id").asText()).isEqualTo("632910392");
        assertThat(byLine.at("/items/0/product_name").asText()).isEqualTo("IPod Nano");
        assertThat(byLine.at("/items/0/price_cents").asLong()).isEqualTo(149_50);
        assertThat(byLine.at("/items/0/refunded_cents").asLong()).isEqualTo(45_00);
        // 20.00 refunded without items, shared by price: 149.50 and 10.00 of 159.50
        ObjectNode byAmount = events.get(1).event();
        assertThat(byAmount.path("items")).hasSize(2);
        assertThat(byAmount.at("/items/0/refunded_cents").asLong()).isEqualTo(2000L * 14950 / 15950);
        assertThat(byAmount.at("/items/1/product_id").asText()).isEqualTo("921728736");
        assertThat(byAmount.at("/items/0/refunded_cents").asLong() + byAmount.at("/items/1/refunded_cents").asLong())
                .isEqualTo(2000);
        events.forEach(ev -> passesSchema(ev.event()));
    }

    @Test
    void aRefundOfOnlyShippingOrNothingIsIgnored() {
        String noMoney = ORDER_WITH_REFUNDS.replace(REFUNDS,
                "[{\"id\": 1, \"refund_line_items\": [], \"transactions\": [{\"kind\": \"refund\", \"status\": \"pending\", \"amount\": \"5.00\"}]}]");
        Translation t = source.translationOf(hand("orders/updated", noMoney));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
    }

    @Test
    void aRefundOfACustomItemOnlyNamesNoProduct() {
        String custom = ORDER_WITH_REFUNDS.replace(REFUNDS,
                "[{\"id\": 1, \"refund_line_items\": [{\"line_item\": {\"id\": 9, \"product_id\": null}, \"subtotal\": \"10.00\"}]}]");
        assertThat(source.translationOf(hand("orders/updated", custom))).isInstanceOf(Translation.Ignored.class);
    }

    @Test
    void aRefundedProductMissingFromTheOrderIsUntranslatable() {
        String stray = ORDER_WITH_REFUNDS.replace(REFUNDS,
                "[{\"id\": 1, \"refund_line_items\": [{\"line_item\": {\"id\": 9, \"product_id\": 77}, \"subtotal\": \"10.00\"}]}]");
        assertUntranslatable(hand("orders/updated", stray), "refunds[0].refund_line_items[0]");
    }

    static final String CHECKOUT = """
            {"id": 981820079255243537, "token": "123123123", "cart_token": "eeafa272cebfd4b22385bc4b645e762c",
             "email": "grace@example.com", "completed_at": null, "created_at": "2026-11-26T05:00:00-05:00",
             "customer": {"id": 7001, "email": "grace@example.com"},
             "billing_address": {"first_name": "Grace", "last_name": "Hopper"}, "shipping_address": [],
             "line_items": [{"product_id": 632910392, "title": "IPod Nano", "price": "50.00", "quantity": 1},
                            {"product_id": 632910392, "title": "IPod Nano", "price": "59.50", "quantity": 1},
                            {"product_id": null, "title": "Custom", "price": "1.00", "quantity": 1}]}
            """;

    @Test
    void handBuiltCheckoutIsOneProspectPerProduct() {
        ObjectNode e = events(source.translationOf(hand("checkouts/create", CHECKOUT))).get(0).event();
        assertThat(e.at("/prospect/id").asText()).isEqualTo("123123123");
        assertThat(e.at("/customer/first_name").asText()).isEqualTo("Grace");
        assertThat(e.path("items")).hasSize(1);
        assertThat(e.at("/items/0/product_id").asText()).isEqualTo("632910392");
        passesSchema(e);
    }

    // ---- missing fields, malformed bodies ----

    static Stream<org.junit.jupiter.params.provider.Arguments> missingFields() {
        return Stream.of(
                args("orders/paid", PAID_ORDER.replace("\"email\": \"grace@example.com\", \"contact_email\": \"grace@example.com\",", ""), "email"),
                args("orders/paid", PAID_ORDER.replace("\"id\": 450789469,", ""), "id"),
                args("orders/paid", PAID_ORDER.replace("\"total_price\": \"159.50\",", ""), "total_price"),
                args("orders/paid", PAID_ORDER.replace("\"currency\": \"EUR\",", ""), "currency"),
                args("orders/paid", PAID_ORDER.replace("\"currency\": \"EUR\",", "\"currency\": \"euro\","), "currency"),
                args("orders/paid", PAID_ORDER.replace("\"title\": \"Cable\",", ""), "line_items[3].title"),
                args("orders/paid", PAID_ORDER.replace("\"price\": \"59.50\",", ""), "line_items[1].price"),
                args("orders/paid", PAID_ORDER.replace("\"quantity\": 2,", ""), "line_items[0].quantity"),
                args("orders/paid", "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\"}",
                        "line_items"),
                args("orders/paid", PAID_ORDER.replace("grace@example.com", "grace"), "email"),
                args("orders/updated", ORDER_WITH_REFUNDS.replace("\"id\": 509562969,", ""), "refunds[0].id"),
                args("orders/updated", ORDER_WITH_REFUNDS.replace("\"subtotal\": 45.00", "\"quantity\": 1"),
                        "refunds[0].refund_line_items[0].subtotal"),
                args("orders/updated", ORDER_WITH_REFUNDS.replace("\"email\": \"grace@example.com\",", ""), "email"),
                args("checkouts/update", CHECKOUT.replace("\"token\": \"123123123\",", ""), "token"),
                args("checkouts/update", CHECKOUT.replace("\"title\": \"IPod Nano\", \"price\": \"50.00\"", "\"price\": \"50.00\""),
                        "line_items[0].title"));
    }

    @ParameterizedTest
    @MethodSource("missingFields")
    void aMissingRequiredFieldIsUntranslatableNamingIt(String topic, String body, String field) {
        assertUntranslatable(hand(topic, body), field);
    }

    @Test
    void missingHeadersAreUntranslatable() {
        Delivery noId = Delivery.post(Map.of("X-Shopify-Topic", "orders/paid"), PAID_ORDER.getBytes(StandardCharsets.UTF_8));
        assertUntranslatable(noId, "X-Shopify-Webhook-Id");
        Delivery noTopic = Delivery.post(Map.of("X-Shopify-Webhook-Id", "w1"), PAID_ORDER.getBytes(StandardCharsets.UTF_8));
        assertUntranslatable(noTopic, "X-Shopify-Topic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "", "[1, 2]", "[{\"id\": 1}]", "\"text\"", "null", "{\"id\": 1,"})
    void bodiesThatAreNoJsonObjectAreUntranslatableOnEveryTopic(String body) {
        for (String topic : List.of("orders/paid", "orders/updated", "checkouts/create", "checkouts/update")) {
            Delivery d = hand(topic, body);
            assertThatThrownBy(() -> source.translationOf(d)).as(topic + " " + body).isInstanceOf(Untranslatable.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\": {}, \"email\": \"a@example.com\"}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": \"x\"}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [1]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": {}, \"quantity\": 1}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"abc\", \"quantity\": 1}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"1\", \"quantity\": \"two\"}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"1\", \"quantity\": 0}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"-1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"1\", \"quantity\": 1}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"9999999999999999999\", \"quantity\": 99999}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1e400, \"title\": \"t\", \"price\": \"1\", \"quantity\": 1}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": 1e400, \"quantity\": 1}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"1\", \"quantity\": 1, \"total_discount\": \"-99999999999999999\"}]}",
            "{\"id\": 1, \"email\": \"a@example.com\", \"total_price\": \"1.00\", \"currency\": \"USD\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\", \"price\": \"80000000000000\", \"quantity\": 1}, {\"product_id\": 1, \"title\": \"t\", \"price\": \"80000000000000\", \"quantity\": 1}]}",
            "{\"id\": 1, \"email\": [\"a@example.com\"]}",
            "{\"id\": 1, \"email\": true}"})
    void wrongTypesInAnOrderAreUntranslatable(String body) {
        Delivery d = hand("orders/paid", body);
        assertThatThrownBy(() -> source.translationOf(d)).as(body).isInstanceOf(Untranslatable.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"token\": {}, \"email\": \"a@example.com\", \"line_items\": [{\"product_id\": 1, \"title\": \"t\"}]}",
            "{\"token\": \"t\", \"email\": \"a@example.com\", \"line_items\": {}}",
            "{\"token\": \"t\", \"email\": \"a@example.com\", \"line_items\": [{\"product_id\": [1], \"title\": \"t\"}]}",
            "{\"token\": \"t\", \"email\": 5, \"line_items\": [{\"product_id\": 1, \"title\": \"t\"}]}",
            "{\"token\": \"t\", \"email\": \"a@example.com\", \"completed_at\": true}"})
    void wrongTypesInACheckoutAreUntranslatable(String body) {
        Delivery d = hand("checkouts/update", body);
        assertThatThrownBy(() -> source.translationOf(d)).as(body).isInstanceOf(Untranslatable.class);
    }

    @Test
    void malformedRefundsAreUntranslatable() {
        for (String refunds : List.of("\"x\"", "[[]]", "[{\"id\": 1, \"refund_line_items\": 5}]",
                "[{\"id\": 1, \"refund_line_items\": [{\"line_item_id\": 466157049, \"subtotal\": \"abc\"}]}]",
                "[{\"id\": 1, \"refund_line_items\": [{\"subtotal\": \"1.00\"}]}]",
                "[{\"id\": 1, \"transactions\": [{\"kind\": \"refund\", \"status\": \"success\", \"amount\": null}]}]")) {
            Delivery d = hand("orders/updated", ORDER_WITH_REFUNDS.replace(REFUNDS, refunds));
            assertThatThrownBy(() -> source.translationOf(d)).as(refunds).isInstanceOf(Untranslatable.class);
        }
    }

    // ---- keys ----

    @Test
    void aRetriedDeliveryGivesTheSameKeys() {
        for (Sample sample : List.of(samples.purchase(ada), samples.fullRefund(ada), samples.partialRefund(ada),
                samples.abandonedCheckout(ada))) {
            Sample signed = samples.signed(sample, secret, NOW.getEpochSecond());
            Sample retried = samples.signed(sample, secret, NOW.plusSeconds(600).getEpochSecond());
            assertThat(keys(signed)).isEqualTo(keys(retried));
        }
        assertThat(keys(samples.purchase(ada))).isEqualTo(keys(samples.purchase(ada)));
    }

    @Test
    void differentFactsGetDifferentKeys() {
        List<String> all = Stream.of(ada, bob)
                .flatMap(b -> Stream.of(samples.purchase(b), samples.fullRefund(b), samples.partialRefund(b), samples.abandonedCheckout(b)))
                .flatMap(s -> keys(s).stream())
                .toList();
        assertThat(all).hasSize(8).doesNotHaveDuplicates();
    }

    /** Shopify sends the order again on later changes: a refund already seen keeps its key, a new one gets its own. */
    @Test
    void aRefundReReportedByALaterOrderUpdateKeepsItsKey() {
        List<String> first = events(source.translationOf(hand("orders/updated", ORDER_WITH_REFUNDS.replace(REFUNDS,
                REFUNDS.substring(0, REFUNDS.indexOf("},\n {\"id\": 509562970") + 1) + "]"))))
                .stream().map(SourceEvent::key).toList();
        List<String> later = events(source.translationOf(new Delivery("POST",
                Map.of("X-Shopify-Topic", "orders/updated", "X-Shopify-Webhook-Id", "another-delivery"),
                ORDER_WITH_REFUNDS.getBytes(StandardCharsets.UTF_8)))).stream().map(SourceEvent::key).toList();
        assertThat(first).containsExactly("refund:509562969");
        assertThat(later).containsExactly("refund:509562969", "refund:509562970");
    }

    @Test
    void samplesOfOneBuyerReferToEachOther() {
        ObjectNode purchase = single(samples.purchase(ada)).event();
        ObjectNode other = single(samples.purchase(bob)).event();
        assertThat(purchase.at("/order/id").asText()).isNotEqualTo(other.at("/order/id").asText());
        for (Sample refund : List.of(samples.fullRefund(ada), samples.partialRefund(ada))) {
            ObjectNode e = single(refund).event();
            assertThat(e.at("/order/id").asText()).isEqualTo(purchase.at("/order/id").asText());
            assertThat(e.at("/items/0/product_id").asText()).isEqualTo(ada.productId());
        }
    }

    // ---- helpers ----

    private static org.junit.jupiter.params.provider.Arguments args(Object... values) {
        return org.junit.jupiter.params.provider.Arguments.of(values);
    }

    private static Delivery delivery(Sample sample) {
        return new Delivery(sample.method(), sample.headers(), sample.body());
    }

    private static Delivery hand(String topic, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Webhook-Id", "b54557e4-8a5f-4f7d-9d43-a1c0c5e8d001");
        headers.put("X-Shopify-Shop-Domain", "example.myshopify.com");
        headers.put("X-Shopify-API-Version", "2025-04");
        return Delivery.post(headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private SourceEvent single(Sample sample) {
        List<SourceEvent> events = events(source.translationOf(delivery(sample)));
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static List<SourceEvent> events(Translation t) {
        assertThat(t).isInstanceOf(Translation.Events.class);
        return ((Translation.Events) t).events();
    }

    private List<String> keys(Sample sample) {
        return events(source.translationOf(delivery(sample))).stream().map(SourceEvent::key).toList();
    }

    private void assertUntranslatable(Delivery d, String field) {
        assertThatThrownBy(() -> source.translationOf(d)).isInstanceOf(Untranslatable.class).hasMessageContaining(field);
    }

    private static void assertCustomer(ObjectNode e, Buyer buyer) {
        assertThat(e.at("/customer/email").asText()).isEqualTo(buyer.email());
        assertThat(e.at("/customer/first_name").asText()).isEqualTo(buyer.firstName());
        assertThat(e.at("/customer/last_name").asText()).isEqualTo(buyer.lastName());
    }

    private static void passesSchema(ObjectNode event) {
        assertThatCode(() -> SCHEMA.parse(Json.MAPPER.writeValueAsBytes(event))).doesNotThrowAnyException();
    }
}
