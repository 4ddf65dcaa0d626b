package io.hlbridge.engine.sources.woocommerce;

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
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import io.hlbridge.engine.sources.samples.WooCommerceSamples;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WooCommerceSourceTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final String SECRET = "Jm3#qT8!vL2@xR7$wZ5^kP9*hN4(bD6)fS1-gY0_uE{cO}iA4?";

    final WooCommerceSource woo = new WooCommerceSource(Clock.fixed(NOW, ZoneOffset.UTC));
    final WooCommerceSamples samples = new WooCommerceSamples();
    final StoreEventSchema schema = new StoreEventSchema();
    final Buyer ada = new Buyer("ada-1", "ada@example.com", "Ada", "Lovelace", "93", "Course & Community", 9700);
    final Buyer bob = new Buyer("bob-2", "bob@example.com", "Bob", "Builder", "prod_1", "Pro Plan", 2900);

    // ---- the samples, translated ----

    @Test
    void aPaidOrderIsOneOrderCompletedKeyedByTheOrderId() {
        List<SourceEvent> events = events(samples.purchase(ada), "order.created");
        assertThat(events).hasSize(1);
        ObjectNode e = events.get(0).event();
        String orderId = e.at("/order/id").asText();
        assertThat(events.get(0).key()).isEqualTo("order:" + orderId);
        assertThat(e.get("type").asText()).isEqualTo("order.completed");
        assertThat(e.get("occurred_at").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(e.at("/customer/email").asText()).isEqualTo("ada@example.com");
        assertThat(e.at("/customer/first_name").asText()).isEqualTo("Ada");
        assertThat(e.at("/customer/last_name").asText()).isEqualTo("Lovelace");
        assertThat(e.at("/customer/phone").asText()).isEqualTo("+14155550100");
        assertThat(e.at("/customer/address/postal_code").asText()).isEqualTo("62701");
        assertThat(e.at("/order/total_cents").asLong()).isEqualTo(9700);
        assertThat(e.at("/order/currency").asText()).isEqualTo("USD");
        JsonNode item = e.at("/items/0");
        assertThat(e.get("items")).hasSize(1);
        assertThat(item.get("product_id").asText()).isEqualTo("93");
        assertThat(item.get("product_name").asText()).isEqualTo("Course & Community");
        assertThat(item.get("role").asText()).isEqualTo("primary");
        assertThat(item.get("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.get("quantity").asLong()).isEqualTo(1);
    }

    @Test
    void aNonNumericProductIdOfTheSamplesIsKeptAsIs() {
        ObjectNode e = events(samples.purchase(bob), "order.created").get(0).event();
        assertThat(e.at("/items/0/product_id").asText()).isEqualTo("prod_1");
    }

    @Test
    void aWholeRefundRefersToThePurchaseAndRefundsTheFullPrice() {
        String purchaseOrder = events(samples.purchase(ada), "order.created").get(0).event().at("/order/id").asText();
        List<SourceEvent> events = events(samples.fullRefund(ada), "order.updated");
        // the refunded order was paid: its purchase comes again (same key, a duplicate) with the refund
        assertThat(events).extracting(SourceEvent::key).hasSize(2).first().isEqualTo("order:" + purchaseOrder);
        ObjectNode refund = events.get(1).event();
        assertThat(refund.get("type").asText()).isEqualTo("refund.created");
        assertThat(events.get(1).key()).isEqualTo("refund:" + refund.at("/refund/id").asText());
        assertThat(refund.at("/order/id").asText()).isEqualTo(purchaseOrder);
        assertThat(refund.at("/customer/email").asText()).isEqualTo("ada@example.com");
        assertThat(refund.get("items")).hasSize(1);
        assertThat(refund.at("/items/0/product_id").asText()).isEqualTo("93");
        assertThat(refund.at("/items/0/price_cents").asLong()).isEqualTo(9700);
        assertThat(refund.at("/items/0/refunded_cents").asLong()).isEqualTo(9700);
    }

    @Test
    void aPartialRefundRefundsAThird() {
        List<SourceEvent> events = events(samples.partialRefund(ada), "order.updated");
        ObjectNode refund = events.get(1).event();
        assertThat(refund.get("type").asText()).isEqualTo("refund.created");
        assertThat(refund.at("/items/0/price_cents").asLong()).isEqualTo(9700);
        assertThat(refund.at("/items/0/refunded_cents").asLong()).isEqualTo(3233);
        assertThat(events.get(1).key()).isNotEqualTo(events(samples.fullRefund(ada), "order.updated").get(1).key());
    }

    @Test
    void renewalOrdersAreChargesOfOneSubscriptionForThePurchasedProduct() {
        ObjectNode second = single(samples.renewal(ada, 2), "order.created");
        ObjectNode third = single(samples.renewal(ada, 3), "order.created");
        for (ObjectNode e : List.of(second, third)) {
            assertThat(e.get("type").asText()).isEqualTo("subscription.charged");
            assertThat(e.at("/customer/email").asText()).isEqualTo("ada@example.com");
            assertThat(e.at("/subscription/product_id").asText()).isEqualTo("93");
            assertThat(e.at("/subscription/product_name").asText()).isEqualTo("Course & Community");
            assertThat(e.at("/subscription/kind").asText()).isEqualTo("recurring");
            assertThat(e.at("/subscription/charge_number").asInt()).isEqualTo(2);
        }
        assertThat(second.at("/subscription/id")).isEqualTo(third.at("/subscription/id"));
        assertThat(second.at("/charge/id")).isNotEqualTo(third.at("/charge/id"));
        assertThat(keys(samples.renewal(ada, 2))).containsExactly("charge:" + second.at("/charge/id").asText());
    }

    @Test
    void eachFailedAttemptOfOneRenewalOrderIsItsOwnCharge() {
        List<String> chargeIds = new ArrayList<>();
        String subscriptionId = single(samples.renewal(ada, 2), "order.created").at("/subscription/id").asText();
        for (int attempt = 1; attempt <= 4; attempt++) {
            ObjectNode e = single(samples.failedRenewal(ada, attempt), "order.updated");
            assertThat(e.get("type").asText()).isEqualTo("subscription.charge_failed");
            assertThat(e.at("/subscription/id").asText()).isEqualTo(subscriptionId);
            assertThat(e.at("/subscription/product_id").asText()).isEqualTo("93");
            chargeIds.add(e.at("/charge/id").asText());
        }
        assertThat(new HashSet<>(chargeIds)).hasSize(4);
        String renewalOrder = chargeIds.get(0).substring(0, chargeIds.get(0).indexOf('@'));
        assertThat(chargeIds).allMatch(id -> id.startsWith(renewalOrder + "@"));
        assertThat(keys(samples.failedRenewal(ada, 1))).containsExactly("charge:" + chargeIds.get(0));
    }

    @Test
    void aCancelledSubscriptionIsSubscriptionCanceled() {
        ObjectNode e = single(samples.cancellation(ada), "subscription.updated");
        assertThat(e.get("type").asText()).isEqualTo("subscription.canceled");
        assertThat(e.at("/subscription/id"))
                .isEqualTo(single(samples.renewal(ada, 2), "order.created").at("/subscription/id"));
        assertThat(e.at("/subscription/product_id").asText()).isEqualTo("93");
        assertThat(e.at("/customer/email").asText()).isEqualTo("ada@example.com");
        assertThat(keys(samples.cancellation(ada)).get(0))
                .isEqualTo("subscription:" + e.at("/subscription/id").asText() + ":cancelled:2027-02-09T10:00:00");
    }

    @Test
    void wooCommerceReportsNoAbandonedCheckouts() {
        assertThat(samples.abandonedCheckout(ada)).isNull();
    }

    @Test
    void aCustomerDeliveryIsIgnoredWithItsTopic() {
        Translation t = woo.translationOf(delivery(samples.ignored(ada)));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo("customer.created");
    }

    @Test
    void everyTranslatedSampleEventPassesTheStoreEventSchema() throws Exception {
        List<Sample> all = new ArrayList<>(List.of(samples.purchase(ada), samples.fullRefund(ada),
                samples.partialRefund(ada), samples.renewal(ada, 2), samples.failedRenewal(ada, 3),
                samples.cancellation(ada), samples.purchase(bob), samples.renewal(bob, 5)));
        for (Sample s : all) {
            for (SourceEvent e : events(s, null)) {
                assertThat(schema.parse(Json.MAPPER.writeValueAsBytes(e.event()))).isNotNull();
            }
        }
    }

    // ---- keys ----

    @Test
    void aRetriedDeliveryGivesTheSameKeys_andDistinctFactsDistinctKeys() {
        assertThat(keys(samples.fullRefund(ada))).isEqualTo(keys(samples.fullRefund(ada)));
        assertThat(keys(samples.failedRenewal(ada, 2))).isEqualTo(keys(samples.failedRenewal(ada, 2)));
        Set<String> facts = new HashSet<>();
        List<String> all = new ArrayList<>();
        for (Buyer b : List.of(ada, bob)) {
            all.addAll(keys(samples.purchase(b)));
            all.add(keys(samples.fullRefund(b)).get(1));
            all.add(keys(samples.partialRefund(b)).get(1));
            all.addAll(keys(samples.renewal(b, 2)));
            all.addAll(keys(samples.renewal(b, 3)));
            for (int attempt = 1; attempt <= 4; attempt++) {
                all.addAll(keys(samples.failedRenewal(b, attempt)));
            }
            all.addAll(keys(samples.cancellation(b)));
        }
        facts.addAll(all);
        assertThat(facts).hasSize(all.size()).hasSize(20);
    }

    @Test
    void theDeliveryIdIsTheDeliveryIdHeader() {
        Delivery d = delivery(samples.purchase(ada));
        assertThat(woo.deliveryId(d)).isEqualTo(d.header("x-wc-webhook-delivery-id")).hasSize(32);
        assertThat(woo.deliveryId(Delivery.post(Map.of(), new byte[0]))).isNull();
    }

    // ---- signatures ----

    @Test
    void theSignatureIsBase64HmacSha256OfTheRawBody_aVectorComputedWithOpenssl() {
        // printf '{"id":1}' | openssl dgst -sha256 -hmac secret -binary | base64
        Delivery d = Delivery.post(Map.of("X-WC-Webhook-Signature", "A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc="),
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> woo.verify(d, "secret", NOW)).doesNotThrowAnyException();
        Sample signed = samples.signed(samples.purchase(ada), "secret", 0);
        Sample vector = new Sample("POST", Map.of("X-WC-Webhook-Topic", "order.created"),
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(samples.signed(vector, "secret", 0).headers().get("X-WC-Webhook-Signature"))
                .isEqualTo("A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=");
        assertThatCode(() -> woo.verify(delivery(signed), "secret", NOW)).doesNotThrowAnyException();
    }

    @Test
    void aSignedSampleVerifies_atAnyTime() {
        Sample signed = samples.signed(samples.renewal(ada, 2), samples.exampleSecret(), NOW.getEpochSecond());
        assertThatCode(() -> woo.verify(delivery(signed), samples.exampleSecret(), NOW)).doesNotThrowAnyException();
        // WooCommerce sends no timestamp: nothing goes stale
        assertThatCode(() -> woo.verify(delivery(signed), samples.exampleSecret(), NOW.plusSeconds(86_400 * 365)))
                .doesNotThrowAnyException();
    }

    @Test
    void aTamperedBodyOrAWrongSecretDoesNotVerify() {
        Sample signed = samples.signed(samples.purchase(ada), SECRET, 0);
        byte[] tampered = new String(signed.body(), StandardCharsets.UTF_8).replace("97.00", "0.01")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> woo.verify(new Delivery("POST", signed.headers(), tampered), SECRET, NOW))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> woo.verify(delivery(signed), SECRET + "x", NOW))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("does not match");
    }

    @Test
    void aMissingSignatureOrSecretIsNotAuthentic() {
        assertThatThrownBy(() -> woo.verify(delivery(samples.purchase(ada)), SECRET, NOW))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("X-WC-Webhook-Signature header is missing");
        Delivery signed = delivery(samples.signed(samples.purchase(ada), SECRET, 0));
        assertThatThrownBy(() -> woo.verify(signed, null, NOW))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("no signing secret set");
        assertThatThrownBy(() -> woo.verify(signed, "  ", NOW))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("no signing secret set");
    }

    // ---- pings ----

    @Test
    void theUnsignedFormPingIsAPing_andNothingElseIs() {
        Sample ping = samples.ping();
        assertThat(woo.isPing(delivery(ping))).isTrue();
        assertThat(samples.signed(ping, SECRET, 0)).isSameAs(ping);
        assertThat(delivery(ping).isForm()).isTrue();
        // curl's default content type may be missing: the body alone decides
        assertThat(woo.isPing(Delivery.post(Map.of(), "webhook_id=42".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(woo.isPing(delivery(samples.purchase(ada)))).isFalse();
        assertThat(woo.isPing(Delivery.post(Map.of("X-WC-Webhook-Topic", "order.created"),
                "webhook_id=42".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(woo.isPing(Delivery.post(Map.of(), "webhook_id=42&x=1".getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    // ---- what is ignored ----

    @ParameterizedTest
    @ValueSource(strings = {"product.updated", "coupon.created", "customer.updated", "order.deleted",
            "order.restored", "subscription.created", "subscription.switched", "action.woocommerce_add_to_cart"})
    void topicsTheEngineDoesNotUseAreIgnoredWithTheirTopic(String topic) {
        Translation t = woo.translationOf(topicDelivery(topic, "{\"id\":5}"));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo(topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "on-hold", "failed", "cancelled"})
    void anUnpaidOrderWithoutRefundsIsIgnored(String status) {
        ObjectNode order = order(status, null);
        Translation t = woo.translationOf(topicDelivery("order.updated", order.toString()));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("order 727 is " + status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"active", "on-hold", "pending-cancel", "expired"})
    void aSubscriptionThatIsNotCancelledIsIgnored(String status) {
        String body = new String(samples.cancellation(ada).body(), StandardCharsets.UTF_8)
                .replace("\"status\":\"cancelled\"", "\"status\":\"" + status + "\"");
        Translation t = woo.translationOf(topicDelivery("subscription.updated", body));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("is " + status);
    }

    @Test
    void aDeletedSubscriptionCarriesOnlyItsIdAndIsIgnored() {
        Translation t = woo.translationOf(topicDelivery("subscription.deleted", "{\"id\":1210}"));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("only its id");
    }

    // ---- refused input ----

    @Test
    void requiredFieldsMissingAreNamed() {
        assertUntranslatable(without(order("processing", "2026-11-26T10:00:00"), "billing", "email"), "billing.email");
        assertUntranslatable(without(order("processing", null), "line_items/0", "product_id"),
                "line_items[0].product_id");
        assertUntranslatable(without(order("processing", null), "line_items/0", "name"), "line_items[0].name");
        assertUntranslatable(without(order("processing", null), "line_items/0", "total"), "line_items[0].total");
        assertUntranslatable(without(order("processing", null), "line_items/0", "quantity"), "line_items[0].quantity");
        assertUntranslatable(without(order("processing", null), "", "total"), "total");
        assertUntranslatable(without(order("processing", null), "", "currency"), "currency");
        assertUntranslatable(without(order("processing", null), "", "id"), "id");
        assertUntranslatable(without(order("processing", null), "", "line_items"), "line_items");
        ObjectNode refunded = order("refunded", null);
        refunded.putArray("refunds").addObject().put("total", "-5.00");
        assertUntranslatable(refunded, "refunds[0].id");
        assertThatThrownBy(() -> woo.translationOf(Delivery.post(Map.of(), order("processing", null).toString()
                .getBytes(StandardCharsets.UTF_8)))).isInstanceOf(Untranslatable.class)
                .hasMessageContaining("X-WC-Webhook-Topic header is missing");
    }

    @Test
    void aDeletedProductsLineHasProductIdZero_andIsRefused() {
        ObjectNode order = order("completed", null);
        ((ObjectNode) order.at("/line_items/0")).put("product_id", 0);
        assertUntranslatable(order, "line_items[0].product_id is missing");
    }

    static final String LINE = "{\"product_id\":9,\"name\":\"X\",\"total\":\"1\",\"quantity\":1}";

    /** A paid order of one line, with its total, currency and line as given. */
    static String paidOrder(String total, String currency, String line) {
        return "{\"id\":7,\"status\":\"processing\",\"billing\":{\"email\":\"a@b.co\"},\"total\":" + total
                + ",\"currency\":\"" + currency + "\",\"line_items\":[" + line + "]}";
    }

    static List<String> malformedBodies() {
        return List.of("not json", "[1,2]", "\"text\"", "", "{\"id\":", "{\"id\":true,\"status\":\"processing\"}",
                "{\"id\":7,\"status\":\"processing\",\"billing\":\"ada@example.com\"}",
                "{\"id\":7,\"status\":\"processing\",\"billing\":{\"email\":[\"a@b.co\"]}}",
                "{\"id\":7,\"status\":{},\"billing\":{\"email\":\"a@b.co\"}}",
                "{\"id\":7,\"status\":\"processing\",\"refunds\":{}}",
                "{\"id\":7,\"meta_data\":[{\"key\":\"_subscription_renewal\",\"value\":1.5}]}",
                "{\"id\":7,\"status\":\"failed\",\"created_via\":\"subscription\",\"billing\":{\"email\":\"a@b.co\"}}",
                paidOrder("\"12\"", "USD", "42"),
                paidOrder("\"12\"", "USD", LINE).replace("[" + LINE + "]", "\"93\""),
                paidOrder("\"1e999999999\"", "USD", LINE),
                paidOrder("1e999", "USD", LINE),
                paidOrder("\"12\"", "US Dollar", LINE),
                paidOrder("\"12\"", "USD", LINE.replace("\"total\":\"1\"", "\"total\":\"-1\"")),
                paidOrder("\"12\"", "USD", LINE.replace("\"quantity\":1", "\"quantity\":\"x\"")),
                paidOrder("\"12\"", "USD", LINE.replace("\"product_id\":9", "\"product_id\":9.5")),
                paidOrder("\"12\"", "USD", LINE.replace("\"name\":\"X\"", "\"name\":{}")));
    }

    @ParameterizedTest
    @MethodSource("malformedBodies")
    void malformedBodiesAreUntranslatable_neverAnotherException(String body) {
        assertThatThrownBy(() -> woo.translationOf(topicDelivery("order.updated", body)))
                .isInstanceOf(Untranslatable.class);
    }

    @Test
    void aMalformedSubscriptionIsUntranslatable() {
        assertThatThrownBy(() -> woo.translationOf(topicDelivery("subscription.updated", "[]")))
                .isInstanceOf(Untranslatable.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> woo.translationOf(topicDelivery("subscription.updated",
                "{\"id\":5,\"status\":\"cancelled\",\"billing\":{\"email\":\"a@b.co\"},\"line_items\":[]}")))
                .isInstanceOf(Untranslatable.class).hasMessageContaining("line_items");
    }

    @Test
    void theBestEffortTypeIsTheTopic_elseResourceAndEvent() {
        assertThat(woo.bestEffortType(topicDelivery("order.updated", "x"))).isEqualTo("order.updated");
        assertThat(woo.bestEffortType(Delivery.post(Map.of("X-WC-Webhook-Resource", "order", "X-WC-Webhook-Event",
                "updated"), new byte[0]))).isEqualTo("order.updated");
        assertThat(woo.bestEffortType(Delivery.post(Map.of(), new byte[0]))).isNull();
    }

    // ---- WooCommerce's hard cases ----

    @Test
    void theDocumentedOrderExample_builtByHand_isOnePurchaseOfTwoProducts() throws Exception {
        // GET /wc/v3/orders/727 of the REST API docs (trimmed): two lines, shipping and tax on top, a variation
        // whose name carries an HTML entity, "price" as a number
        String body = """
                {"id":727,"parent_id":0,"number":"727","created_via":"rest-api","status":"processing",
                 "currency":"USD","date_created_gmt":"2017-03-22T19:28:02","date_modified_gmt":"2017-03-22T19:28:08",
                 "shipping_total":"10.00","total":"29.35","total_tax":"1.35","customer_id":0,
                 "billing":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market","address_2":"",
                   "city":"San Francisco","state":"CA","postcode":"94103","country":"US",
                   "email":"john.doe@example.com","phone":"(555) 555-5555"},
                 "date_paid":"2017-03-22T16:28:08","date_paid_gmt":"2017-03-22T19:28:08",
                 "meta_data":[{"id":13106,"key":"_download_permissions_granted","value":"yes"}],
                 "line_items":[
                   {"id":315,"name":"Woo Single #1","product_id":93,"variation_id":0,"quantity":2,
                    "subtotal":"6.00","total":"6.00","total_tax":"0.45","sku":"","price":3},
                   {"id":316,"name":"Ship Your Idea &ndash; Color: Black, Size: M Test","product_id":22,
                    "variation_id":23,"quantity":1,"subtotal":"12.00","total":"12.00","total_tax":"0.90",
                    "sku":"Bar3","price":12}],
                 "refunds":[]}""";
        Translation t = woo.translationOf(topicDelivery("order.created", body));
        List<SourceEvent> events = ((Translation.Events) t).events();
        assertThat(events).extracting(SourceEvent::key).containsExactly("order:727");
        ObjectNode e = events.get(0).event();
        assertThat(e.get("occurred_at").asText()).isEqualTo("2017-03-22T19:28:08Z");
        assertThat(e.at("/order/total_cents").asLong()).isEqualTo(2935);
        assertThat(e.at("/customer").has("id")).isFalse();
        assertThat(e.at("/customer/address/line1").asText()).isEqualTo("969 Market");
        assertThat(e.at("/items/0/product_id").asText()).isEqualTo("93");
        assertThat(e.at("/items/0/price_cents").asLong()).isEqualTo(600);
        assertThat(e.at("/items/0/quantity").asLong()).isEqualTo(2);
        assertThat(e.at("/items/0").has("sku")).isFalse();
        assertThat(e.at("/items/1/product_id").asText()).isEqualTo("22");
        assertThat(e.at("/items/1/product_name").asText()).isEqualTo("Ship Your Idea – Color: Black, Size: M Test");
        assertThat(e.at("/items/1/sku").asText()).isEqualTo("Bar3");
        assertThat(e.at("/items/1/price_cents").asLong()).isEqualTo(1200);
        schema.parse(Json.MAPPER.writeValueAsBytes(e));
    }

    @Test
    void twoVariationsOfOneProductAreOneOrderItem() {
        ObjectNode order = order("completed", "2026-11-26T10:00:00");
        ObjectNode second = ((ObjectNode) order.at("/line_items/0")).deepCopy();
        second.put("id", 2).put("variation_id", 95).put("total", "3.00").put("quantity", 2).put("sku", "TEE-L");
        order.withArray("line_items").add(second);
        ObjectNode e = firstEvent(order);
        assertThat(e.get("items")).hasSize(1);
        assertThat(e.at("/items/0/price_cents").asLong()).isEqualTo(9700 + 300);
        assertThat(e.at("/items/0/quantity").asLong()).isEqualTo(3);
        assertThat(e.at("/items/0/sku").asText()).isEqualTo("TEE-L");
    }

    @Test
    void refundsListedNewestFirst_areAllocatedOldestFirst_andTheLastOfAWholeRefundReachesTheFullPrice() {
        // 97.00 paid; refunded 30.00, then 20.00, then the rest (47.00) which made the order "refunded"
        ObjectNode order = order("refunded", "2026-11-26T10:00:00");
        order.putArray("refunds")
                .add(refund(803, "-47.00")).add(refund(802, "-20.00")).add(refund(801, "-30.00"));
        List<SourceEvent> events = events(order);
        assertThat(events).extracting(SourceEvent::key)
                .containsExactly("order:727", "refund:801", "refund:802", "refund:803");
        assertThat(events.subList(1, 4)).extracting(e -> e.event().at("/items/0/refunded_cents").asLong())
                .containsExactly(3000L, 2000L, 4700L);
        assertThat(events.get(3).event().at("/order/id").asText()).isEqualTo("727");
    }

    @Test
    void aRefundsShareStaysTheSameInLaterDeliveriesOfTheOrder() {
        ObjectNode first = order("processing", "2026-11-26T10:00:00");
        first.putArray("refunds").add(refund(801, "-30.00"));
        ObjectNode later = order("refunded", "2026-11-26T10:00:00");
        later.putArray("refunds").add(refund(802, "-67.00")).add(refund(801, "-30.00"));
        SourceEvent alone = events(first).get(1);
        SourceEvent again = events(later).get(1);
        assertThat(again.key()).isEqualTo(alone.key()).isEqualTo("refund:801");
        assertThat(again.event().get("items")).isEqualTo(alone.event().get("items"));
        assertThat(events(later).get(2).event().at("/items/0/refunded_cents").asLong()).isEqualTo(6700);
    }

    @Test
    void aRefundOfSeveralLinesIsSharedByTheirPrices_andAWholeRefundBringsEachToItsPrice() {
        ObjectNode order = twoLineOrder("processing");
        order.putArray("refunds").add(refund(901, "-50.00"));
        ObjectNode partial = events(order).get(1).event();
        // 60.00 and 40.00 of goods: 50.00 is 30.00 + 20.00
        assertThat(partial.get("items")).extracting(i -> i.get("refunded_cents").asLong())
                .containsExactly(3000L, 2000L);
        ObjectNode whole = twoLineOrder("refunded");
        // shipping of 5.00 was refunded as well: the whole order is refunded, each item reaches its price exactly
        whole.putArray("refunds").add(refund(902, "-55.00")).add(refund(901, "-50.00"));
        ObjectNode last = events(whole).get(2).event();
        assertThat(last.get("items")).extracting(i -> i.get("refunded_cents").asLong()).containsExactly(3000L, 2000L);
        assertThat(last.get("items")).extracting(i -> i.get("price_cents").asLong()).containsExactly(6000L, 4000L);
    }

    @Test
    void aShippingOnlyRefundAfterAWholeRefundAddsNoItem_andIsNotAnEvent() {
        ObjectNode order = order("processing", "2026-11-26T10:00:00");
        order.putArray("refunds").add(refund(802, "-5.00")).add(refund(801, "-97.00"));
        assertThat(events(order)).extracting(SourceEvent::key).containsExactly("order:727", "refund:801");
    }

    @Test
    void aRefundOfAnOrderNeverPaidIsStillARefund() {
        ObjectNode order = order("refunded", null);
        order.putArray("refunds").add(refund(801, "-97.00"));
        assertThat(events(order)).extracting(SourceEvent::key).containsExactly("refund:801");
    }

    @Test
    void aRenewalOrderPaidThenCompletedIsOneCharge() {
        ObjectNode processing = renewal("processing", "2026-12-26T10:00:00");
        ObjectNode completed = renewal("completed", "2026-12-26T10:00:00");
        completed.put("date_modified_gmt", "2026-12-28T09:00:00");
        assertThat(events(processing)).extracting(SourceEvent::key).containsExactly("charge:727");
        assertThat(events(completed)).extracting(SourceEvent::key).containsExactly("charge:727");
        ObjectNode e = events(processing).get(0).event();
        assertThat(e.at("/subscription/id").asText()).isEqualTo("700");
        assertThat(e.at("/charge/id").asText()).isEqualTo("727");
        assertThat(e.get("occurred_at").asText()).isEqualTo("2026-12-26T10:00:00Z");
    }

    @Test
    void aFailedRenewalRetriedAndThenPaidIsTwoFailuresAndOneCharge() {
        ObjectNode failed = renewal("failed", null);
        failed.put("date_modified_gmt", "2026-12-26T10:00:00");
        ObjectNode failedAgain = failed.deepCopy().put("date_modified_gmt", "2026-12-26T22:00:00");
        ObjectNode paid = renewal("processing", "2026-12-27T22:00:00");
        assertThat(List.of(failed, failedAgain, paid)).extracting(o -> events(o).get(0).key())
                .containsExactly("charge:727@2026-12-26T10:00:00", "charge:727@2026-12-26T22:00:00", "charge:727");
        assertThat(events(failed).get(0).event().get("occurred_at").asText()).isEqualTo("2026-12-26T10:00:00Z");
    }

    @Test
    void aPendingOrOnHoldRenewalIsIgnored_andARefundedRenewalIsARefundOfThatOrder() {
        Translation pending = woo.translationOf(topicDelivery("order.created", renewal("pending", null).toString()));
        assertThat(pending).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) pending).reason()).contains("renewal order 727 is pending");
        ObjectNode refunded = renewal("refunded", "2026-12-26T10:00:00");
        refunded.putArray("refunds").add(refund(805, "-97.00"));
        assertThat(events(refunded)).extracting(SourceEvent::key).containsExactly("charge:727", "refund:805");
    }

    @Test
    void aRenewalOrderWithoutItsSubscriptionMetaIsRefused() {
        ObjectNode order = order("processing", "2026-11-26T10:00:00").put("created_via", "subscription");
        assertUntranslatable(order, "_subscription_renewal");
    }

    @Test
    void aCancellationWithoutDatesIsKeyedBySubscription_andTheSecondCancellationHasItsOwnKey() {
        String body = new String(samples.cancellation(ada).body(), StandardCharsets.UTF_8);
        ObjectNode sub = (ObjectNode) Json.read(body);
        ObjectNode later = sub.deepCopy().put("cancelled_date_gmt", "2027-05-01T00:00:00");
        assertThat(keys(topicDelivery("subscription.updated", later.toString())))
                .isNotEqualTo(keys(topicDelivery("subscription.updated", body)));
        sub.remove("cancelled_date_gmt");
        sub.remove("date_modified_gmt");
        assertThat(keys(topicDelivery("subscription.updated", sub.toString())))
                .containsExactly("subscription:" + sub.get("id").asText() + ":cancelled");
    }

    @Test
    void aDeletedSubscriptionWithItsWholeBodyAndStatusCancelledIsACancellation() {
        String body = new String(samples.cancellation(ada).body(), StandardCharsets.UTF_8);
        Translation t = woo.translationOf(topicDelivery("subscription.deleted", body));
        assertThat(((Translation.Events) t).events().get(0).event().get("type").asText())
                .isEqualTo("subscription.canceled");
    }

    @Test
    void htmlEntitiesInNamesAreDecoded() {
        assertThat(WooCommerceSource.decodeEntities("Tom &amp; Jerry &#8211; &#x2019;s &bogus; &#0; &")).isEqualTo(
                "Tom & Jerry – ’s &bogus; &#0; &");
    }

    @Test
    void thePlatformDescribesItself() {
        assertThat(woo.id()).isEqualTo("woocommerce").isEqualTo(samples.platform());
        assertThat(woo.displayName()).isEqualTo("WooCommerce");
        assertThat(woo.setupSteps()).hasSizeBetween(3, 4);
        assertThat(String.join(" ", woo.setupSteps())).contains("Webhooks", "Delivery URL", "Order updated", "Secret");
        assertThat(woo.signs()).isTrue();
        assertThat(woo.answersRejectedWith400()).isFalse();
    }

    // ---- helpers ----

    private static Delivery delivery(Sample s) {
        return new Delivery(s.method(), s.headers(), s.body());
    }

    private static Delivery topicDelivery(String topic, String body) {
        return Delivery.post(Map.of("Content-Type", "application/json", "X-WC-Webhook-Topic", topic),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** The sample's events; its topic header checked when expectedTopic is given. */
    private List<SourceEvent> events(Sample s, String expectedTopic) {
        if (expectedTopic != null) {
            assertThat(s.headers()).containsEntry("X-WC-Webhook-Topic", expectedTopic)
                    .containsEntry("Content-Type", "application/json");
        }
        Translation t = woo.translationOf(delivery(s));
        assertThat(t).isInstanceOf(Translation.Events.class);
        return ((Translation.Events) t).events();
    }

    private ObjectNode single(Sample s, String expectedTopic) {
        List<SourceEvent> events = events(s, expectedTopic);
        assertThat(events).hasSize(1);
        return events.get(0).event();
    }

    private List<String> keys(Sample s) {
        return events(s, null).stream().map(SourceEvent::key).toList();
    }

    private List<String> keys(Delivery d) {
        return ((Translation.Events) woo.translationOf(d)).events().stream().map(SourceEvent::key).toList();
    }

    private List<SourceEvent> events(ObjectNode order) {
        Translation t = woo.translationOf(topicDelivery("order.updated", order.toString()));
        assertThat(t).isInstanceOf(Translation.Events.class);
        List<SourceEvent> events = ((Translation.Events) t).events();
        events.forEach(e -> assertThatCode(() -> schema.parse(Json.MAPPER.writeValueAsBytes(e.event())))
                .doesNotThrowAnyException());
        return events;
    }

    private ObjectNode firstEvent(ObjectNode order) {
        return events(order).get(0).event();
    }

    private void assertUntranslatable(ObjectNode order, String reason) {
        assertThatThrownBy(() -> woo.translationOf(topicDelivery("order.updated", order.toString())))
                .isInstanceOf(Untranslatable.class).hasMessageContaining(reason);
    }

    /** A REST v3 order of one 97.00 line, paid at datePaidGmt (or not paid when null). */
    private static ObjectNode order(String status, String datePaidGmt) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", 1);
        line.put("name", "Course");
        line.put("product_id", 93);
        line.put("variation_id", 0);
        line.put("quantity", 1);
        line.put("subtotal", "97.00");
        line.put("total", "97.00");
        line.put("sku", "");
        line.put("price", 97);
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", 727);
        order.put("status", status);
        order.put("currency", "usd");
        order.put("total", "97.00");
        order.put("customer_id", 12);
        order.put("created_via", "checkout");
        order.put("billing", Map.of("first_name", "Ada", "last_name", "Lovelace", "email", "ada@example.com"));
        order.put("date_paid_gmt", datePaidGmt);
        order.put("date_modified_gmt", "2026-11-27T08:00:00");
        order.put("meta_data", List.of());
        order.put("line_items", List.of(line));
        order.put("refunds", List.of());
        return Json.MAPPER.valueToTree(order);
    }

    private static ObjectNode twoLineOrder(String status) {
        ObjectNode order = order(status, "2026-11-26T10:00:00").put("total", "105.00");
        ((ObjectNode) order.at("/line_items/0")).put("total", "60.00");
        ObjectNode second = ((ObjectNode) order.at("/line_items/0")).deepCopy();
        second.put("id", 2).put("product_id", 94).put("name", "Workbook").put("total", "40.00");
        order.withArray("line_items").add(second);
        return order;
    }

    private static ObjectNode renewal(String status, String datePaidGmt) {
        ObjectNode order = order(status, datePaidGmt).put("created_via", "subscription");
        order.putArray("meta_data").addObject().put("id", 1).put("key", "_subscription_renewal").put("value", "700");
        return order;
    }

    private static ObjectNode refund(long id, String total) {
        return Json.object().put("id", id).put("reason", "").put("total", total);
    }

    private static ObjectNode without(ObjectNode order, String path, String field) {
        ((ObjectNode) (path.isEmpty() ? order : order.at("/" + path))).remove(field);
        return order;
    }
}
