package io.hlbridge.engine.sources.thrivecart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

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
import io.hlbridge.engine.sources.samples.ThriveCartSamples;
import java.net.URLEncoder;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ThriveCartSourceTest {
    static final Instant NOW = Instant.parse("2026-02-01T12:00:00Z");
    static final ThriveCartSource SOURCE = new ThriveCartSource(Clock.fixed(NOW, ZoneOffset.UTC));
    static final ThriveCartSamples SAMPLES = new ThriveCartSamples();
    static final String SECRET = SAMPLES.exampleSecret();
    static final StoreEventSchema SCHEMA = new StoreEventSchema();
    static final Buyer ADA = new Buyer("ada-1", "ada@example.com", "Ada", "Lovelace", "prod_7", "Course & Co <Pro>", 9700);
    static final Buyer BOB = new Buyer("bob-2", "bob@example.com", "Bob", "Byron", "prod_7", "Course & Co <Pro>", 9700);
    static final String FORM = "application/x-www-form-urlencoded";

    // ---- helpers ----

    static Delivery delivery(Sample sample) {
        Sample signed = SAMPLES.signed(sample, SECRET, NOW.getEpochSecond());
        return new Delivery(signed.method(), signed.headers(), signed.body());
    }

    static Delivery form(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return Delivery.post(Map.of("Content-Type", FORM), String.join("&", pairs).getBytes(StandardCharsets.UTF_8));
    }

    static Delivery raw(String contentType, String body) {
        return Delivery.post(Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
    }

    static SourceEvent only(Delivery d) {
        Translation t = SOURCE.translationOf(d);
        assertThat(t).isInstanceOf(Translation.Events.class);
        List<SourceEvent> events = ((Translation.Events) t).events();
        assertThat(events).hasSize(1);
        assertValid(events.get(0).event());
        return events.get(0);
    }

    static SourceEvent only(Sample sample) {
        return only(delivery(sample));
    }

    static void assertValid(ObjectNode event) {
        assertThatCode(() -> SCHEMA.parse(Json.MAPPER.writeValueAsBytes(event))).doesNotThrowAnyException();
    }

    static void assertCustomer(JsonNode event, Buyer b) {
        assertThat(event.at("/customer/email").asText()).isEqualTo(b.email());
        assertThat(event.at("/customer/first_name").asText()).isEqualTo(b.firstName());
        assertThat(event.at("/customer/last_name").asText()).isEqualTo(b.lastName());
        assertThat(event.at("/customer/phone").asText()).isEqualTo("+14155550100");
        assertThat(event.at("/customer/address/postal_code").asText()).isEqualTo("62701");
        assertThat(event.path("test_mode").asBoolean()).isFalse();
    }

    static String untranslatable(Delivery d) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> SOURCE.translationOf(d));
        assertThat(thrown).isInstanceOf(Untranslatable.class);
        return thrown.getMessage();
    }

    static String notAuthentic(Delivery d, String secret) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> SOURCE.verify(d, secret, NOW));
        assertThat(thrown).isInstanceOf(NotAuthentic.class);
        return thrown.getMessage();
    }

    /** A sample's fields, to change one and send it again. */
    static Map<String, String> fields(Sample sample) {
        return new LinkedHashMap<>(delivery(sample).form());
    }

    // ---- every sample, translated ----

    @Test
    void aPurchaseIsOneOrderCompletedWithTheBuyersProductAsPrimary() {
        SourceEvent e = only(SAMPLES.purchase(ADA));
        JsonNode event = e.event();
        String orderId = fields(SAMPLES.purchase(ADA)).get("order_id");
        assertThat(event.path("type").asText()).isEqualTo("order.completed");
        assertCustomer(event, ADA);
        assertThat(event.at("/order/id").asText()).isEqualTo(orderId);
        assertThat(event.at("/order/total_cents").asLong()).isEqualTo(9700);
        assertThat(event.at("/order/currency").asText()).isEqualTo("USD");
        assertThat(event.path("items")).hasSize(1);
        JsonNode item = event.path("items").get(0);
        assertThat(item.path("product_id").asText()).isEqualTo("prod_7");
        assertThat(item.path("product_name").asText()).isEqualTo("Course & Co <Pro>");
        assertThat(item.path("role").asText()).isEqualTo("primary");
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("quantity").asInt()).isEqualTo(1);
        assertThat(event.path("occurred_at").asText()).isEqualTo("2026-01-05T10:00:00Z");
        assertThat(e.key()).isEqualTo("order.success:" + orderId);
    }

    @Test
    void refundsNameThePurchasesOrderAndProductWithThisRefundsAmount() {
        JsonNode purchase = only(SAMPLES.purchase(ADA)).event();
        SourceEvent full = only(SAMPLES.fullRefund(ADA));
        SourceEvent partial = only(SAMPLES.partialRefund(ADA));
        for (SourceEvent refund : List.of(full, partial)) {
            JsonNode event = refund.event();
            assertThat(event.path("type").asText()).isEqualTo("refund.created");
            assertCustomer(event, ADA);
            assertThat(event.at("/order/id").asText()).isEqualTo(purchase.at("/order/id").asText());
            assertThat(event.at("/items/0/product_id").asText()).isEqualTo(purchase.at("/items/0/product_id").asText());
            assertThat(event.at("/items/0/price_cents").asLong()).isEqualTo(9700);
            assertThat(refund.key()).isEqualTo("order.refund:" + event.at("/refund/id").asText());
        }
        assertThat(full.event().at("/items/0/refunded_cents").asLong()).isEqualTo(9700);
        assertThat(partial.event().at("/items/0/refunded_cents").asLong()).isEqualTo(3233);
        assertThat(full.event().at("/refund/id").asText()).isNotEqualTo(partial.event().at("/refund/id").asText());
    }

    @Test
    void renewalsAreChargesOfOneSubscriptionOfTheBuyersProduct() {
        SourceEvent second = only(SAMPLES.renewal(ADA, 2));
        SourceEvent third = only(SAMPLES.renewal(ADA, 3));
        JsonNode event = second.event();
        assertThat(event.path("type").asText()).isEqualTo("subscription.charged");
        assertCustomer(event, ADA);
        assertThat(event.at("/subscription/product_id").asText()).isEqualTo("prod_7");
        assertThat(event.at("/subscription/product_name").asText()).isEqualTo("Course & Co <Pro>");
        assertThat(event.at("/subscription/kind").asText()).isEqualTo("recurring");
        assertThat(event.at("/subscription/charge_number").asInt()).isEqualTo(2);
        assertThat(third.event().at("/subscription/charge_number").asInt()).isEqualTo(3);
        assertThat(third.event().at("/subscription/id")).isEqualTo(event.at("/subscription/id"));
        assertThat(third.event().at("/charge/id")).isNotEqualTo(event.at("/charge/id"));
        Map<String, String> f = fields(SAMPLES.renewal(ADA, 2));
        String chargeId = f.get("order_id") + ":prod_7:" + f.get("invoice_id");
        assertThat(event.at("/charge/id").asText()).isEqualTo(chargeId);
        assertThat(second.key()).isEqualTo("order.subscription_payment:" + chargeId);
    }

    @Test
    void eachFailedAttemptIsItsOwnChargeOfTheSameSubscription() {
        JsonNode renewal = only(SAMPLES.renewal(ADA, 2)).event();
        Set<String> chargeIds = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int attempt = 1; attempt <= 4; attempt++) {
            SourceEvent failed = only(SAMPLES.failedRenewal(ADA, attempt));
            JsonNode event = failed.event();
            assertThat(event.path("type").asText()).isEqualTo("subscription.charge_failed");
            assertCustomer(event, ADA);
            assertThat(event.at("/subscription/id")).isEqualTo(renewal.at("/subscription/id"));
            assertThat(event.at("/subscription/product_id").asText()).isEqualTo("prod_7");
            assertThat(event.at("/subscription/charge_number").asInt()).isEqualTo(2);
            chargeIds.add(event.at("/charge/id").asText());
            keys.add(failed.key());
            assertThat(failed.key()).startsWith("order.rebill_failed:");
        }
        assertThat(chargeIds).hasSize(4).doesNotContain(renewal.at("/charge/id").asText());
        assertThat(keys).hasSize(4);
    }

    @Test
    void aCancellationNamesTheSameSubscription() {
        SourceEvent canceled = only(SAMPLES.cancellation(ADA));
        JsonNode event = canceled.event();
        assertThat(event.path("type").asText()).isEqualTo("subscription.canceled");
        assertCustomer(event, ADA);
        assertThat(event.at("/subscription/id")).isEqualTo(only(SAMPLES.renewal(ADA, 2)).event().at("/subscription/id"));
        assertThat(event.at("/subscription/product_id").asText()).isEqualTo("prod_7");
        assertThat(canceled.key()).isEqualTo("order.subscription_cancelled:" + event.at("/subscription/id").asText()
                + ":" + fields(SAMPLES.cancellation(ADA)).get("date_unix"));
    }

    @Test
    void anAbandonedCartIsAProspectForTheProductThePurchaseWouldName() {
        SourceEvent prospect = only(SAMPLES.abandonedCheckout(ADA));
        JsonNode event = prospect.event();
        assertThat(event.path("type").asText()).isEqualTo("prospect.created");
        assertCustomer(event, ADA);
        assertThat(event.at("/items/0/product_id").asText()).isEqualTo(only(SAMPLES.purchase(ADA)).event().at("/items/0/product_id").asText());
        assertThat(event.at("/items/0/product_name").asText()).isEqualTo("Course & Co <Pro>");
        assertThat(event.at("/prospect/id").asText()).startsWith("cart:prod_7:ada@example.com:");
        assertThat(prospect.key()).isEqualTo("cart.abandoned:" + event.at("/prospect/id").asText());
    }

    @Test
    void otherEventsAreIgnoredWithThriveCartsType() {
        Translation t = SOURCE.translationOf(delivery(SAMPLES.ignored(ADA)));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo("affiliate.commission_earned");
        for (String type : List.of("order.subscription_paused", "order.subscription_resumed", "customer_updated")) {
            Map<String, String> f = fields(SAMPLES.purchase(ADA));
            f.put("event", type);
            assertThat(SOURCE.translationOf(form(f))).isEqualTo(new Translation.Ignored(type,
                    "ThriveCart's " + type + " is not a store event the engine uses"));
        }
    }

    static Stream<Sample> everySample() {
        return Stream.of(SAMPLES.purchase(ADA), SAMPLES.fullRefund(ADA), SAMPLES.partialRefund(ADA), SAMPLES.renewal(ADA, 2),
                SAMPLES.renewal(ADA, 3), SAMPLES.failedRenewal(ADA, 1), SAMPLES.failedRenewal(ADA, 2), SAMPLES.failedRenewal(ADA, 3),
                SAMPLES.failedRenewal(ADA, 4), SAMPLES.cancellation(ADA), SAMPLES.abandonedCheckout(ADA),
                SAMPLES.purchase(BOB), SAMPLES.fullRefund(BOB), SAMPLES.renewal(BOB, 2), SAMPLES.failedRenewal(BOB, 1),
                SAMPLES.cancellation(BOB), SAMPLES.abandonedCheckout(BOB));
    }

    @Test
    void aRetriedDeliveryHasTheSameKeysAndEveryFactItsOwn() {
        List<String> keys = everySample().map(s -> only(s).key()).toList();
        List<String> again = everySample().map(s -> only(s).key()).toList();
        assertThat(again).isEqualTo(keys);
        assertThat(new HashSet<>(keys)).hasSize(keys.size());
    }

    @Test
    void sampleIdsOfTwoBuyersNeverMeet() {
        JsonNode ada = only(SAMPLES.renewal(ADA, 2)).event();
        JsonNode bob = only(SAMPLES.renewal(BOB, 2)).event();
        assertThat(ada.at("/subscription/id")).isNotEqualTo(bob.at("/subscription/id"));
        assertThat(only(SAMPLES.purchase(ADA)).event().at("/order/id")).isNotEqualTo(only(SAMPLES.purchase(BOB)).event().at("/order/id"));
    }

    // ---- ThriveCart's own shapes, written here from its documentation and published deliveries ----

    /** An order with ThriveCart's four item types: a bump shares its product's id, so the role is part of the id. */
    @Test
    void aHandBuiltOrderMapsProductBumpUpsellAndDownsellToRoles() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("event", "order.success");
        f.put("mode", "test");
        f.put("mode_int", "1");
        f.put("thrivecart_account", "magloft");
        f.put(ThriveCartSource.SECRET_FIELD, "P9G9F1XL6GNU");
        f.put("base_product", "12");
        f.put("order_id", "23370556");
        f.put("invoice_id", "000001382");
        f.put("order_timestamp", "1699487300");
        f.put("currency", "usd");
        f.put("customer[name]", "Tobias Strebitzer");
        f.put("customer[email]", "tobias@example.com");
        f.put("customer[address][country]", "ID");
        f.put("order[total]", "524600");
        addCharge(f, 0, "product", "12", "Mobile &amp; Universal App Pro", "499700");
        addCharge(f, 1, "bump", "12", "Priority support", "4900");
        addCharge(f, 2, "upsell", "3", "Done-for-you setup", "15000");
        addCharge(f, 3, "downsell", "4", "Setup call", "5000");
        f.put("purchase_map_flat", "product-12,bump-12,upsell-3,downsell-4");

        SourceEvent e = only(form(f));
        JsonNode event = e.event();
        assertThat(e.key()).isEqualTo("order.success:23370556");
        assertThat(event.path("test_mode").asBoolean()).isTrue();
        assertThat(event.path("occurred_at").asText()).isEqualTo("2023-11-08T23:48:20Z");
        assertThat(event.at("/order/currency").asText()).isEqualTo("USD");
        assertThat(event.at("/order/total_cents").asLong()).isEqualTo(524600);
        assertThat(event.at("/customer/first_name").asText()).isEqualTo("Tobias");
        assertThat(event.at("/customer/last_name").asText()).isEqualTo("Strebitzer");
        assertThat(event.at("/customer/address/country").asText()).isEqualTo("ID");
        assertThat(event.path("items").findValuesAsText("product_id")).containsExactly("12", "bump-12", "upsell-3", "downsell-4");
        assertThat(event.path("items").findValuesAsText("role")).containsExactly("primary", "order_bump", "upsell", "downsell");
        assertThat(event.at("/items/0/product_name").asText()).isEqualTo("Mobile & Universal App Pro");
        assertThat(event.at("/items/1/price_cents").asLong()).isEqualTo(4900);
    }

    static void addCharge(Map<String, String> f, int i, String type, String reference, String name, String amount) {
        String c = "order[charges][" + i + "]";
        f.put(c + "[name]", name);
        f.put(c + "[reference]", reference);
        f.put(c + "[item_type]", type);
        f.put(c + "[amount]", amount);
        f.put(c + "[type]", "single");
        f.put(c + "[quantity]", "1");
    }

    /** The same order as JSON (ThriveCart's JSON option): nested objects read as the form's bracketed names. */
    @Test
    void aJsonDeliveryReadsAsTheForm() {
        String json = """
                {"event":"order.success","mode":"live","mode_int":"2","thrivecart_account":"magloft",
                 "thrivecart_secret":"P9G9F1XL6GNU","base_product":"12","order_id":"23370556","invoice_id":"000001382",
                 "order_timestamp":"1699487300","currency":"USD","customer_id":"429583657727489355","affiliate":"null",
                 "customer":{"id":"429583657727489355","name":"Tobias Strebitzer","email":"tobias@example.com",
                   "address":{"country":"ID"},"first_name":"Tobias","last_name":"Strebitzer"},
                 "order":{"id":"23370556","total":"499700","tax":"null","charges":[{"name":"Mobile &amp; Universal App Pro",
                   "label":"","reference":"12","item_type":"product","item_identifier":"product_12","amount":"499700",
                   "type":"single","quantity":"1","payment_plan_id":"83322"}],
                   "future_charges":[{"reference":"12","item_type":"product","amount":"499700","type":"recurring"}]},
                 "subscriptions":{"product-12":"sub_1OALTiD8ltzmnnomYVvKqjze"},"purchase_map":["product-12"]}
                """;
        Delivery d = raw("application/json", json);
        assertThatCode(() -> SOURCE.verify(d, "P9G9F1XL6GNU", NOW)).doesNotThrowAnyException();
        JsonNode event = only(d).event();
        assertThat(event.at("/customer/id").asText()).isEqualTo("429583657727489355");
        assertThat(event.path("items")).hasSize(1);
        assertThat(event.at("/items/0/product_id").asText()).isEqualTo("12");
        assertThat(event.at("/items/0/price_cents").asLong()).isEqualTo(499700);
    }

    /** A rebill as ThriveCart sends it: rebill 6 of order 3230022, invoice 000000141-6, subscription[…] of product 17. */
    static Map<String, String> rebill(String event) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("event", event);
        f.put("mode", "live");
        f.put("thrivecart_secret", "IEYDASLZ8FR7");
        f.put("base_product", "17");
        f.put("base_product_name", "$69/Month Special Price");
        f.put("currency", "USD");
        f.put("recurring_payment_idx", "6");
        f.put("customer[email]", "susan@example.com");
        f.put("customer[contactno]", "9152091701");
        f.put("customer[first_name]", "Susan");
        f.put("customer[last_name]", "Flores");
        f.put("date_iso8601", "2020-07-24T05:17:34+00:00");
        f.put("date_unix", "1595567854");
        f.put("order[id]", "3230022");
        f.put("order[total]", "6900");
        f.put("order_id", "3230022");
        f.put("invoice_id", "000000141-6");
        f.put("subscription[type]", "product");
        f.put("subscription[id]", "17");
        f.put("subscription[product_id]", "17");
        f.put("subscription[name]", "$69/Month Special Price");
        f.put("subscription[amount]", "6900");
        f.put("subscription[frequency]", "month");
        f.put("subscription[remaining_rebills]", "null");
        f.put("subscription[invoice_str]", "000000141-6");
        f.put("subscription[recurring_payment_idx]", "6");
        return f;
    }

    @Test
    void aHandBuiltRebillIsTheSeventhChargeOfAnOpenEndedSubscription() {
        SourceEvent e = only(form(rebill("order.subscription_payment")));
        JsonNode event = e.event();
        assertThat(event.at("/subscription/id").asText()).isEqualTo("3230022:product-17");
        assertThat(event.at("/subscription/product_id").asText()).isEqualTo("17");
        assertThat(event.at("/subscription/kind").asText()).isEqualTo("recurring");
        assertThat(event.at("/subscription/charge_number").asInt()).isEqualTo(7);
        assertThat(event.at("/charge/id").asText()).isEqualTo("3230022:17:000000141-6");
        assertThat(event.path("occurred_at").asText()).isEqualTo("2020-07-24T05:17:34Z");
        assertThat(event.at("/customer/phone").asText()).isEqualTo("9152091701");
        assertThat(e.key()).isEqualTo("order.subscription_payment:3230022:17:000000141-6");
    }

    @Test
    void aLimitedSubscriptionCountsItsRemainingRebills() {
        Map<String, String> f = rebill("order.subscription_payment");
        f.put("subscription[remaining_rebills]", "2");
        JsonNode s = only(form(f)).event().path("subscription");
        assertThat(s.path("kind").asText()).isEqualTo("limited");
        assertThat(s.path("charge_number").asInt()).isEqualTo(7);
        assertThat(s.path("total_charges").asInt()).isEqualTo(9);
    }

    @Test
    void withoutAnIndexTheInvoiceSuffixNumbersTheRebill() {
        Map<String, String> f = rebill("order.rebill_failed");
        f.remove("recurring_payment_idx");
        f.remove("subscription[recurring_payment_idx]");
        assertThat(only(form(f)).event().at("/subscription/charge_number").asInt()).isEqualTo(7);
        f.put("invoice_id", "000000141");
        assertThat(untranslatable(form(f))).contains("recurring_payment_idx");
    }

    /** ThriveCart retries a failed rebill under the same invoice id: only the moment tells the attempts apart. */
    @Test
    void failedAttemptsOfOneInvoiceDifferByTheirMoment() {
        Map<String, String> first = rebill("order.rebill_failed");
        Map<String, String> second = rebill("order.rebill_failed");
        second.put("date_unix", "1595827054");
        SourceEvent a = only(form(first));
        SourceEvent b = only(form(second));
        assertThat(a.event().path("type").asText()).isEqualTo("subscription.charge_failed");
        assertThat(a.event().at("/charge/id").asText()).isEqualTo("3230022:17:000000141-6:1595567854:failed");
        assertThat(a.event().at("/charge/id")).isNotEqualTo(b.event().at("/charge/id"));
        assertThat(a.key()).isNotEqualTo(b.key());
        assertThat(a.event().at("/subscription/id")).isEqualTo(b.event().at("/subscription/id"));
        assertThat(only(form(first)).key()).isEqualTo(a.key());
    }

    @Test
    void anUpsellSubscriptionIsTheUpsellsProduct() {
        Map<String, String> f = rebill("order.subscription_cancelled");
        f.put("subscription[type]", "upsell");
        f.put("subscription[id]", "5");
        f.remove("subscription[product_id]");
        f.remove("date_unix");
        SourceEvent e = only(form(f));
        assertThat(e.event().at("/subscription/product_id").asText()).isEqualTo("upsell-5");
        assertThat(e.event().at("/subscription/id").asText()).isEqualTo("3230022:upsell-5");
        assertThat(e.key()).isEqualTo("order.subscription_cancelled:3230022:upsell-5");
    }

    /** A refund of a bump: the bump's price is read from its own charge, and its id is the purchase's bump-12. */
    @Test
    void aHandBuiltBumpRefundIsTheBumpsOrderItem() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("event", "order.refund");
        f.put("thrivecart_secret", "P9G9F1XL6GNU");
        f.put("order_id", "23370556");
        f.put("currency", "USD");
        f.put("customer[email]", "tobias@example.com");
        f.put("date_unix", "1699573700");
        addCharge(f, 0, "product", "12", "App Pro", "499700");
        addCharge(f, 1, "bump", "12", "Priority support", "4900");
        f.put("refund[type]", "bump");
        f.put("refund[id]", "12");
        f.put("refund[amount]", "4900");
        SourceEvent e = only(form(f));
        JsonNode item = e.event().at("/items/0");
        assertThat(item.path("product_id").asText()).isEqualTo("bump-12");
        assertThat(item.path("price_cents").asLong()).isEqualTo(4900);
        assertThat(item.path("refunded_cents").asLong()).isEqualTo(4900);
        assertThat(e.event().at("/refund/id").asText()).isEqualTo("23370556:bump-12:1699573700");
        assertThat(e.key()).isEqualTo("order.refund:23370556:bump-12:1699573700");
    }

    // ---- the secret word ----

    @Test
    void theSecretWordAuthenticates() {
        for (Sample sample : everySample().toList()) {
            assertThatCode(() -> SOURCE.verify(delivery(sample), SECRET, NOW)).doesNotThrowAnyException();
        }
        assertThatCode(() -> SOURCE.verify(delivery(SAMPLES.purchase(ADA)), "  " + SECRET + "\n", NOW))
                .as("a pasted secret word keeps no stray whitespace").doesNotThrowAnyException();
    }

    @Test
    void aWrongMissingOrUnsetSecretIsRefused() {
        Delivery d = delivery(SAMPLES.purchase(ADA));
        assertThat(notAuthentic(d, "WRONGWORD123")).contains("does not match");
        assertThat(notAuthentic(d, SECRET.toLowerCase())).contains("does not match");
        assertThat(notAuthentic(d, null)).contains("no signing secret set");
        assertThat(notAuthentic(d, " ")).contains("no signing secret set");
        Map<String, String> f = fields(SAMPLES.purchase(ADA));
        f.remove(ThriveCartSource.SECRET_FIELD);
        assertThat(notAuthentic(form(f), SECRET)).contains("thrivecart_secret is missing");
        f.put(ThriveCartSource.SECRET_FIELD, "");
        assertThat(notAuthentic(form(f), SECRET)).contains("does not match");
        assertThat(notAuthentic(raw("application/json", "[1,2]"), SECRET)).contains("cannot be read");
        assertThat(notAuthentic(raw(FORM, "thrivecart_secret=%zz"), SECRET)).contains("cannot be read");
    }

    /**
     * The secret word is not a MAC: tampering with it is refused, while ThriveCart gives nothing that would reveal
     * a changed amount next to the right word (and there is no timestamp, so no staleness to check).
     */
    @Test
    void tamperingWithTheWordIsRefusedButTheWordCoversNothingElse() {
        Map<String, String> f = fields(SAMPLES.purchase(ADA));
        f.put(ThriveCartSource.SECRET_FIELD, SECRET + "x");
        assertThat(notAuthentic(form(f), SECRET)).contains("does not match");
        f.put(ThriveCartSource.SECRET_FIELD, SECRET);
        f.put("order[total]", "1");
        assertThatCode(() -> SOURCE.verify(form(f), SECRET, Instant.EPOCH)).doesNotThrowAnyException();
    }

    @Test
    void signingPutsTheWordAfterTheAccountAndReplacesAnOldOne() {
        Sample once = SAMPLES.signed(SAMPLES.purchase(ADA), "OLDWORD", 0);
        Sample twice = SAMPLES.signed(once, SECRET, 0);
        String body = new String(twice.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("thrivecart_account=hlbridge-demo&thrivecart_secret=" + SECRET + "&").doesNotContain("OLDWORD");
        assertThat(twice.headers()).containsEntry("Content-Type", FORM);
    }

    // ---- the set-up check ----

    @Test
    void theSetUpCheckIsAPing() {
        Sample ping = SAMPLES.ping();
        assertThat(SOURCE.isPing(new Delivery(ping.method(), ping.headers(), ping.body()))).isTrue();
        assertThat(SOURCE.isPing(delivery(ping))).as("signed, it is still empty").isTrue();
        assertThat(SOURCE.isPing(new Delivery("HEAD", Map.of(), null))).isTrue();
        assertThat(SOURCE.isPing(raw(FORM, "hello=1"))).isTrue();
        assertThat(SOURCE.isPing(delivery(SAMPLES.purchase(ADA)))).isFalse();
        assertThat(SOURCE.isPing(raw(FORM, "event=order.success"))).as("an event without the word must authenticate").isFalse();
        assertThat(SOURCE.isPing(raw(FORM, "thrivecart_secret=x"))).isFalse();
        assertThat(SOURCE.isPing(raw("application/json", "{not json"))).isFalse();
        assertThat(SOURCE.isPing(new Delivery("GET", Map.of(), null))).isFalse();
    }

    // ---- rejected deliveries ----

    static Stream<Object[]> missingFields() {
        return Stream.of(
                new Object[] {SAMPLES.purchase(ADA), "customer[email]"},
                new Object[] {SAMPLES.purchase(ADA), "order_id"},
                new Object[] {SAMPLES.purchase(ADA), "order[total]"},
                new Object[] {SAMPLES.purchase(ADA), "currency"},
                new Object[] {SAMPLES.purchase(ADA), "event"},
                new Object[] {SAMPLES.fullRefund(ADA), "refund[amount]"},
                new Object[] {SAMPLES.fullRefund(ADA), "date_unix"},
                new Object[] {SAMPLES.fullRefund(ADA), "refund[type]"},
                new Object[] {SAMPLES.renewal(ADA, 2), "invoice_id"},
                new Object[] {SAMPLES.renewal(ADA, 2), "subscription[type]"},
                new Object[] {SAMPLES.failedRenewal(ADA, 1), "date_unix"},
                new Object[] {SAMPLES.cancellation(ADA), "order_id"},
                new Object[] {SAMPLES.abandonedCheckout(ADA), "base_product"},
                new Object[] {SAMPLES.abandonedCheckout(ADA), "customer[email]"});
    }

    @ParameterizedTest
    @MethodSource("missingFields")
    void aMissingRequiredFieldIsUntranslatableNamingIt(Sample sample, String field) {
        Map<String, String> f = fields(sample);
        f.remove(field);
        assertThat(untranslatable(form(f))).contains(field);
        f.put(field, "null");
        assertThat(untranslatable(form(f))).as("ThriveCart's \"null\" is absent").contains(field);
    }

    @Test
    void anOrderWithoutChargesOrProductsIsUntranslatable() {
        Map<String, String> f = fields(SAMPLES.purchase(ADA));
        f.keySet().removeIf(k -> k.startsWith("order[charges]"));
        assertThat(untranslatable(form(f))).contains("order[charges]");
        f.put("order[charges][0][item_type]", "shipping");
        f.put("order[charges][0][amount]", "500");
        assertThat(untranslatable(form(f))).contains("names no product");
        f.put("order[charges][0][item_type]", "product");
        assertThat(untranslatable(form(f))).contains("order[charges][0][reference] is missing");
    }

    @Test
    void aRefundOfAnItemTheOrderDoesNotListIsUntranslatable() {
        Map<String, String> f = fields(SAMPLES.fullRefund(ADA));
        f.put("refund[id]", "999");
        assertThat(untranslatable(form(f))).contains("order[charges] has no product 999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order[total]=abc", "order[total]=-5", "order[total]=1.5", "order[charges][0][amount]=9e9",
        "order[charges][0][quantity]=0", "order[charges][0][quantity]=two", "currency=US", "currency=€€€",
        "subscription[remaining_rebills]=many", "recurring_payment_idx=x"})
    void wrongTypesAreUntranslatableNamingTheField(String change) {
        String[] kv = change.split("=", 2);
        Sample sample = kv[0].startsWith("subscription") || kv[0].startsWith("recurring") ? SAMPLES.renewal(ADA, 2) : SAMPLES.purchase(ADA);
        Map<String, String> f = fields(sample);
        f.put(kv[0], kv[1]);
        f.remove("subscription[recurring_payment_idx]");
        assertThat(untranslatable(form(f))).contains(kv[0].replaceAll("\\[\\d+]\\[.*", ""));
    }

    @Test
    void malformedBodiesAreUntranslatable() {
        assertThat(untranslatable(raw("application/json", "{\"event\": "))).contains("not JSON");
        assertThat(untranslatable(raw("application/json", "[{\"event\":\"order.success\"}]"))).contains("not a JSON object");
        assertThat(untranslatable(raw("text/plain", "event=order.success"))).contains("not JSON");
        assertThat(untranslatable(raw(FORM, "event=order.success&customer%5Bemail%5D=%E0%A4%A"))).contains("percent-escape");
        assertThat(untranslatable(raw("application/json", "{\"event\":\"order.success\",\"customer\":42,\"order_id\":{}}")))
                .contains("order_id");
        assertThat(untranslatable(raw("application/json", "{\"event\":[1]}"))).contains("event");
        assertThat(untranslatable(raw(FORM, ""))).contains("event");
    }

    /** Every prefix of every sample: translated, ignored or Untranslatable, never another exception. */
    @Test
    void truncatedDeliveriesNeverThrowAnythingElse() {
        List<Sample> samples = new ArrayList<>(everySample().toList());
        samples.add(SAMPLES.ignored(ADA));
        for (Sample sample : samples) {
            byte[] body = delivery(sample).body();
            for (int n = 0; n < body.length; n += 7) {
                Delivery cut = Delivery.post(Map.of("Content-Type", FORM), java.util.Arrays.copyOf(body, n));
                assertThatCode(() -> {
                    try {
                        SOURCE.translationOf(cut);
                    } catch (Untranslatable expected) {
                        // the only way to refuse
                    }
                    SOURCE.deliveryId(cut);
                    SOURCE.bestEffortType(cut);
                    SOURCE.isPing(cut);
                }).doesNotThrowAnyException();
            }
        }
    }

    // ---- what the log is told ----

    @Test
    void theLogNamesTheEventAndItsOrder() {
        Map<String, String> f = fields(SAMPLES.renewal(ADA, 2));
        assertThat(SOURCE.deliveryId(form(f))).isEqualTo("order.subscription_payment:" + f.get("order_id") + ":" + f.get("invoice_id"));
        assertThat(SOURCE.deliveryId(delivery(SAMPLES.abandonedCheckout(ADA)))).isNull();
        assertThat(SOURCE.deliveryId(raw("application/json", "nope"))).isNull();
        Map<String, String> broken = fields(SAMPLES.purchase(ADA));
        broken.remove("customer[email]");
        assertThat(SOURCE.bestEffortType(form(broken))).isEqualTo("order.success");
        assertThat(SOURCE.bestEffortType(raw("application/json", "nope"))).isNull();
    }

    @Test
    void thePlatformsFacts() {
        assertThat(SOURCE.id()).isEqualTo("thrivecart").isEqualTo(SAMPLES.platform());
        assertThat(SOURCE.displayName()).isEqualTo("ThriveCart");
        assertThat(SOURCE.signs()).isTrue();
        assertThat(SOURCE.answersRejectedWith400()).isFalse();
        assertThat(SOURCE.setupSteps()).hasSizeBetween(3, 4);
        assertThat(String.join(" ", SOURCE.setupSteps())).contains("Settings → API & Webhooks", "Secret word", "webhook URL");
    }
}
