package io.hlbridge.engine.sources.samcart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.sources.Delivery;
import io.hlbridge.engine.sources.SourceEvent;
import io.hlbridge.engine.sources.Translation;
import io.hlbridge.engine.sources.Untranslatable;
import io.hlbridge.engine.sources.samples.SamCartSamples;
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamCartSourceTest {
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final StoreEventSchema SCHEMA = new StoreEventSchema();
    static final SamCartSamples SAMPLES = new SamCartSamples();
    static final Buyer ADA = new Buyer("ada", "ada@example.com", "Ada", "Lovelace", "4411", "Analytical Course", 9700);
    static final Buyer BOB = new Buyer("bob", "bob@example.com", "Bob", "Babbage", "prod_9", "Difference \"Engine\"", 3000);

    final SamCartSource source = at(NOW);

    static SamCartSource at(Instant now) {
        return new SamCartSource(Clock.fixed(now, ZoneOffset.UTC));
    }

    static Delivery delivery(Sample sample) {
        return new Delivery(sample.method(), sample.headers(), sample.body());
    }

    static Delivery json(String body) {
        return Delivery.post(Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }

    /** The only event of a translation, after checking it passes the §3 schema as stored. */
    static SourceEvent only(Translation translation) {
        assertThat(translation).isInstanceOf(Translation.Events.class);
        List<SourceEvent> events = ((Translation.Events) translation).events();
        assertThat(events).hasSize(1);
        events.forEach(SamCartSourceTest::assertValid);
        return events.get(0);
    }

    static void assertValid(SourceEvent e) {
        assertThatCode(() -> SCHEMA.parse(Json.MAPPER.writeValueAsBytes(e.event()))).doesNotThrowAnyException();
    }

    SourceEvent translate(Sample sample) {
        return only(source.translationOf(delivery(sample)));
    }

    /** A sample body changed by {@code edit}, as JSON. */
    static Delivery edited(Sample sample, Consumer<ObjectNode> edit) {
        try {
            ObjectNode body = (ObjectNode) Json.MAPPER.readTree(sample.body());
            edit.accept(body);
            return json(Json.MAPPER.writeValueAsString(body));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String reason(SamCartSource source, Delivery delivery) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> source.translationOf(delivery));
        assertThat(thrown).isInstanceOf(Untranslatable.class);
        return thrown.getMessage();
    }

    // ---- the platform ----

    @Test
    void describesItself() {
        assertThat(source.id()).isEqualTo("samcart");
        assertThat(source.displayName()).isEqualTo("SamCart");
        assertThat(source.setupSteps()).hasSizeBetween(3, 4).anySatisfy(s -> assertThat(s).contains("Notify URL"));
        assertThat(source.signs()).isFalse();
        assertThat(source.answersRejectedWith400()).isFalse();
        assertThat(source.deliveryId(delivery(SAMPLES.purchase(ADA)))).isNull();
        assertThat(SAMPLES.platform()).isEqualTo(source.id());
    }

    @Test
    void signsNothingSoEveryDeliveryVerifiesWhateverItsSecretOrBody() {
        Sample sample = SAMPLES.purchase(ADA);
        assertThat(SAMPLES.signed(sample, "anything", NOW.getEpochSecond())).isSameAs(sample);
        assertThat(SAMPLES.exampleSecret()).isNull();
        byte[] tampered = new String(sample.body(), StandardCharsets.UTF_8).replace("97.00", "1.00")
                .getBytes(StandardCharsets.UTF_8);
        assertThatCode(() -> {
            source.verify(delivery(sample), null, NOW);
            source.verify(delivery(sample), "a-wrong-secret", NOW);
            source.verify(new Delivery("POST", Map.of(), tampered), null, NOW.plusSeconds(86_400 * 365));
        }).doesNotThrowAnyException();
    }

    @Test
    void hasNoPingAndNoAbandonedCheckout() {
        assertThat(SAMPLES.ping()).isNull();
        assertThat(SAMPLES.abandonedCheckout(ADA)).isNull();
        assertThat(source.isPing(delivery(SAMPLES.purchase(ADA)))).isFalse();
        assertThat(source.isPing(new Delivery("HEAD", Map.of(), null))).isFalse();
    }

    // ---- every sample ----

    @Test
    void purchaseIsAnOrderOfTheBuyersProduct() {
        SourceEvent e = translate(SAMPLES.purchase(ADA));
        JsonNode event = e.event();
        assertThat(event.path("type").asText()).isEqualTo("order.completed");
        assertThat(event.path("test_mode").asBoolean()).isFalse();
        JsonNode customer = event.path("customer");
        assertThat(customer.path("email").asText()).isEqualTo("ada@example.com");
        assertThat(customer.path("first_name").asText()).isEqualTo("Ada");
        assertThat(customer.path("last_name").asText()).isEqualTo("Lovelace");
        assertThat(customer.path("phone").asText()).isEqualTo("+14155550100");
        assertThat(customer.path("id").asText()).matches("[0-9]{9}");
        assertThat(customer.path("address").path("postal_code").asText()).isEqualTo("62701");
        assertThat(event.path("order").path("id").asText()).matches("[0-9]{9}");
        assertThat(event.path("order").path("total_cents").asLong()).isEqualTo(9700);
        assertThat(event.path("order").path("currency").asText()).isEqualTo("USD");
        assertThat(event.path("items")).hasSize(1);
        JsonNode item = event.path("items").get(0);
        assertThat(item.path("product_id").asText()).isEqualTo("4411");
        assertThat(item.path("product_name").asText()).isEqualTo("Analytical Course");
        assertThat(item.path("role").asText()).isEqualTo("primary");
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("quantity").asLong()).isEqualTo(1);
        assertThat(e.key()).isEqualTo("Order:" + event.path("order").path("id").asText() + ":4411");
        assertThat(e.event().toString()).doesNotContain("api_key").doesNotContain("sc_");
    }

    @Test
    void stringProductIdsAndEscapedNamesSurviveTheSamples() {
        SourceEvent e = translate(SAMPLES.purchase(BOB));
        assertThat(e.event().path("items").get(0).path("product_id").asText()).isEqualTo("prod_9");
        assertThat(e.event().path("items").get(0).path("product_name").asText()).isEqualTo("Difference \"Engine\"");
    }

    @Test
    void fullRefundRefundsThePurchasedItemInFull() {
        JsonNode purchase = translate(SAMPLES.purchase(ADA)).event();
        SourceEvent e = translate(SAMPLES.fullRefund(ADA));
        JsonNode event = e.event();
        assertThat(event.path("type").asText()).isEqualTo("refund.created");
        assertThat(event.path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(event.path("order").path("id")).isEqualTo(purchase.path("order").path("id"));
        assertThat(event.path("refund").path("id").asText()).startsWith("re_");
        JsonNode item = event.path("items").get(0);
        assertThat(item.path("product_id").asText()).isEqualTo("4411");
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("refunded_cents").asLong()).isEqualTo(9700);
        assertThat(e.key()).isEqualTo("Refund:" + event.path("order").path("id").asText() + ":4411:"
                + event.path("refund").path("id").asText());
    }

    @Test
    void partialRefundRefundsAThirdUnderItsOwnRefundId() {
        JsonNode full = translate(SAMPLES.fullRefund(ADA)).event();
        SourceEvent e = translate(SAMPLES.partialRefund(ADA));
        JsonNode item = e.event().path("items").get(0);
        assertThat(e.event().path("type").asText()).isEqualTo("refund.created");
        assertThat(e.event().path("order").path("id")).isEqualTo(full.path("order").path("id"));
        assertThat(e.event().path("refund").path("id")).isNotEqualTo(full.path("refund").path("id"));
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("refunded_cents").asLong()).isEqualTo(3233);
        assertThat(e.key()).startsWith("PartialRefund:");
    }

    @Test
    void renewalsChargeTheSubscriptionOfThePurchasedProduct() {
        SourceEvent second = translate(SAMPLES.renewal(ADA, 2));
        SourceEvent third = translate(SAMPLES.renewal(ADA, 3));
        JsonNode sub = second.event().path("subscription");
        assertThat(second.event().path("type").asText()).isEqualTo("subscription.charged");
        assertThat(second.event().path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(sub.path("id").asText()).matches("[0-9]{9}");
        assertThat(sub.path("product_id").asText()).isEqualTo("4411");
        assertThat(sub.path("product_name").asText()).isEqualTo("Analytical Course");
        assertThat(sub.path("kind").asText()).isEqualTo("recurring");
        assertThat(sub.path("charge_number").asInt()).isEqualTo(2);
        assertThat(third.event().path("subscription").path("id")).isEqualTo(sub.path("id"));
        assertThat(third.event().path("charge").path("id")).isNotEqualTo(second.event().path("charge").path("id"));
        assertThat(second.key()).startsWith("RecurringPaymentSucceeded:").isNotEqualTo(third.key());
    }

    @Test
    void eachFailedAttemptIsItsOwnFailedChargeOfTheSameSubscription() {
        Set<String> charges = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int attempt = 1; attempt <= 4; attempt++) {
            SourceEvent e = translate(SAMPLES.failedRenewal(ADA, attempt));
            assertThat(e.event().path("type").asText()).isEqualTo("subscription.charge_failed");
            assertThat(e.event().path("subscription").path("id"))
                    .isEqualTo(translate(SAMPLES.renewal(ADA, 2)).event().path("subscription").path("id"));
            charges.add(e.event().path("charge").path("id").asText());
            keys.add(e.key());
        }
        assertThat(charges).hasSize(4);
        assertThat(keys).hasSize(4);
    }

    @Test
    void cancellationCancelsTheSubscription() {
        SourceEvent e = translate(SAMPLES.cancellation(ADA));
        assertThat(e.event().path("type").asText()).isEqualTo("subscription.canceled");
        assertThat(e.event().path("subscription").path("id"))
                .isEqualTo(translate(SAMPLES.renewal(ADA, 2)).event().path("subscription").path("id"));
        assertThat(e.event().path("subscription").path("product_id").asText()).isEqualTo("4411");
        assertThat(e.key()).startsWith("Cancel:").endsWith(":2026-11-26");
    }

    @Test
    void ignoredSampleIsIgnoredWithItsType() {
        Translation t = source.translationOf(delivery(SAMPLES.ignored(ADA)));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo("SubscriptionPaused");
        assertThat(((Translation.Ignored) t).reason()).contains("SubscriptionPaused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Affiliate", "ProspectCreated", "", "  "})
    void otherOrNoTypes(String type) {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> b.put("type", type));
        if (type.isBlank()) {
            assertThat(reason(source, d)).isEqualTo("type is missing");
        } else {
            assertThat(source.translationOf(d)).isEqualTo(new Translation.Ignored(type,
                    "SamCart's " + type + " notification is not one the engine uses"));
        }
    }

    @Test
    void typesAreReadWithoutCaseAndLoggedAsCanonical() {
        Translation t = source.translationOf(edited(SAMPLES.purchase(ADA), b -> b.put("type", "order")));
        assertThat(t.platformType()).isEqualTo("Order");
        assertThat(only(t).key()).startsWith("Order:");
    }

    @Test
    void recoveriesAndRestartsTranslate() {
        for (String type : List.of("RecurringPaymentRecovered", "SubscriptionRecovered")) {
            SourceEvent e = only(source.translationOf(edited(SAMPLES.renewal(ADA, 2), b -> b.put("type", type))));
            assertThat(e.event().path("type").asText()).isEqualTo("subscription.charged");
            assertThat(e.key()).startsWith(type + ":");
        }
        SourceEvent restart = only(source.translationOf(
                edited(SAMPLES.cancellation(ADA), b -> b.put("type", "SubscriptionRestarted"))));
        assertThat(restart.event().path("type").asText()).isEqualTo("subscription.restarted");
        assertThat(restart.event().path("subscription").path("product_id").asText()).isEqualTo("4411");
    }

    // ---- idempotency keys ----

    @Test
    void aRetryGivesTheSameKeysAndEveryFactItsOwn() {
        List<Sample> all = new ArrayList<>();
        for (Buyer b : List.of(ADA, BOB)) {
            all.addAll(List.of(SAMPLES.purchase(b), SAMPLES.fullRefund(b), SAMPLES.partialRefund(b),
                    SAMPLES.renewal(b, 2), SAMPLES.renewal(b, 3), SAMPLES.failedRenewal(b, 1),
                    SAMPLES.failedRenewal(b, 2), SAMPLES.cancellation(b)));
        }
        Set<String> keys = new HashSet<>();
        for (Sample s : all) {
            String key = translate(s).key();
            assertThat(at(NOW.plusSeconds(3600)).translationOf(delivery(s))).isEqualTo(source.translationOf(delivery(s)));
            assertThat(translate(s).key()).isEqualTo(key);
            keys.add(key);
        }
        assertThat(keys).hasSize(all.size());
    }

    @Test
    void keysDoNotDependOnWhetherIdsAreNumbersOrStringsNorOnTheApiKey() {
        Sample purchase = SAMPLES.purchase(ADA);
        SourceEvent asSent = translate(purchase);
        Delivery asStrings = edited(purchase, b -> {
            ObjectNode order = (ObjectNode) b.get("order");
            order.put("id", order.get("id").asText());
            ((ObjectNode) b.get("product")).put("id", "4411");
            b.put("api_key", "another key");
        });
        assertThat(only(source.translationOf(asStrings))).isEqualTo(asSent);
    }

    @Test
    void keysCannotBeForgedByIdsThatContainTheSeparator() {
        Delivery a = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("order")).put("id", "1:2"));
        Delivery b2 = edited(SAMPLES.purchase(ADA), b -> {
            ((ObjectNode) b.get("order")).put("id", "1");
            ((ObjectNode) b.get("product")).put("id", "2:4411");
        });
        assertThat(only(source.translationOf(a)).key()).isNotEqualTo(only(source.translationOf(b2)).key());
    }

    // ---- SamCart's hard cases ----

    /** Several products in one POST: ids, names, prices and quantities comma-joined in parallel. */
    @Test
    void commaJoinedProductsAreOneItemEach() {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> {
            ObjectNode p = (ObjectNode) b.get("product");
            p.put("id", "4411, 52,60");
            p.put("name", "Analytical Course,Workbook,Office Hours");
            p.put("price", "97.00,27.00,0.00");
            p.put("quantity", "1,2,1");
            ((ObjectNode) b.get("order")).put("total", "151.00");
        });
        SourceEvent e = only(source.translationOf(d));
        JsonNode items = e.event().path("items");
        assertThat(items).hasSize(3);
        assertThat(items.findValuesAsText("product_id")).containsExactly("4411", "52", "60");
        assertThat(items.findValuesAsText("product_name")).containsExactly("Analytical Course", "Workbook", "Office Hours");
        assertThat(items.findValuesAsText("role")).containsExactly("primary", "order_bump", "order_bump");
        assertThat(items.findValues("price_cents")).extracting(JsonNode::asLong).containsExactly(9700L, 2700L, 0L);
        assertThat(items.findValues("quantity")).extracting(JsonNode::asLong).containsExactly(1L, 2L, 1L);
        assertThat(e.event().path("order").path("total_cents").asLong()).isEqualTo(15100);
        assertThat(e.key()).endsWith(":4411%2C52%2C60");
    }

    @Test
    void aNameWithACommaStaysWholeOnEveryItem() {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> {
            ObjectNode p = (ObjectNode) b.get("product");
            p.put("id", "4411,52");
            p.put("name", "Course, Deluxe,Workbook");
            p.put("price", "97.00,27.00");
        });
        JsonNode items = only(source.translationOf(d)).event().path("items");
        assertThat(items.findValuesAsText("product_name")).containsExactly("Course, Deluxe,Workbook", "Course, Deluxe,Workbook");
        Delivery single = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).put("name", "Course, Deluxe"));
        assertThat(only(source.translationOf(single)).event().path("items").get(0).path("product_name").asText())
                .isEqualTo("Course, Deluxe");
    }

    @Test
    void pricesMustMatchTheProductsInNumber() {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).put("id", "4411,52"));
        assertThat(reason(source, d)).isEqualTo("product.price has 1 amounts for 2 products");
        Delivery empty = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).put("id", "4411,,52"));
        assertThat(reason(source, empty)).isEqualTo("product.id has an empty entry");
    }

    @Test
    void aSingleProductsPriceMayHaveThousandsSeparatorsButNotADecimalComma() {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> {
            ((ObjectNode) b.get("product")).put("price", "1,097.00");
            ((ObjectNode) b.get("order")).remove("total");
        });
        SourceEvent e = only(source.translationOf(d));
        assertThat(e.event().path("items").get(0).path("price_cents").asLong()).isEqualTo(109700);
        assertThat(e.event().path("order").path("total_cents").asLong()).isEqualTo(109700);
        Delivery huge = edited(SAMPLES.purchase(ADA), b -> {
            ((ObjectNode) b.get("product")).put("price", "92233720368547758.07");
            ((ObjectNode) b.get("product")).put("quantity", "2");
            ((ObjectNode) b.get("order")).remove("total");
        });
        assertThat(reason(source, huge)).isEqualTo("product.price is too large");
        Delivery european = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).put("price", "97,00"));
        assertThat(reason(source, european)).isEqualTo("product.price has 2 amounts for 1 products");
    }

    /** Receivers split only ids and prices: a quantity SamCart did not join (or an odd one) is 1, never a rejection. */
    @ParameterizedTest
    @ValueSource(strings = {"1", "2,1,1", "lots,1", "0,1", "1.5,1"})
    void quantitiesThatDoNotFitAreOne(String quantity) {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> {
            ObjectNode p = (ObjectNode) b.get("product");
            p.put("id", "4411,52");
            p.put("name", "Analytical Course,Workbook");
            p.put("price", "97.00,27.00");
            p.put("quantity", quantity);
            ((ObjectNode) b.get("order")).remove("total");
        });
        SourceEvent e = only(source.translationOf(d));
        assertThat(e.event().path("items").findValues("quantity")).extracting(JsonNode::asLong).containsExactly(1L, 1L);
        assertThat(e.event().path("order").path("total_cents").asLong()).isEqualTo(12400);
    }

    @Test
    void pricesMayArriveAsJsonNumbers() {
        Delivery d = edited(SAMPLES.purchase(ADA), b -> {
            ((ObjectNode) b.get("product")).put("price", 97.5);
            ((ObjectNode) b.get("order")).put("total", 97.5);
        });
        assertThat(only(source.translationOf(d)).event().path("items").get(0).path("price_cents").asLong()).isEqualTo(9750);
    }

    @Test
    void aPartialRefundOfSeveralProductsNamesAnAmountPerProduct() {
        Delivery d = edited(SAMPLES.partialRefund(ADA), b -> {
            ObjectNode p = (ObjectNode) b.get("product");
            p.put("id", "4411,52");
            p.put("name", "Analytical Course,Workbook");
            p.put("price", "97.00,27.00");
            b.put("refund_amount", "0.00,27.00");
        });
        JsonNode items = only(source.translationOf(d)).event().path("items");
        assertThat(items.findValues("refunded_cents")).extracting(JsonNode::asLong).containsExactly(0L, 2700L);
        Delivery ambiguous = edited(SAMPLES.partialRefund(ADA), b -> {
            ObjectNode p = (ObjectNode) b.get("product");
            p.put("id", "4411,52");
            p.put("price", "97.00,27.00");
        });
        assertThat(reason(source, ambiguous)).isEqualTo("refund_amount has 1 amounts for 2 products");
        Delivery none = edited(SAMPLES.partialRefund(ADA), b -> b.remove("refund_amount"));
        assertThat(reason(source, none)).isEqualTo("refund_amount is missing");
    }

    /** Without refund_transaction_id the refund is its content on the day it arrives. */
    @Test
    void aRefundWithoutIdIsItsContentOnItsDay() {
        Delivery d = edited(SAMPLES.partialRefund(ADA), b -> b.remove("refund_transaction_id"));
        SourceEvent today = only(source.translationOf(d));
        assertThat(only(at(NOW.plusSeconds(3600)).translationOf(d))).isEqualTo(today);
        SourceEvent tomorrow = only(at(NOW.plusSeconds(86_400)).translationOf(d));
        assertThat(tomorrow.event().path("refund").path("id")).isNotEqualTo(today.event().path("refund").path("id"));
        assertThat(tomorrow.key()).isNotEqualTo(today.key());
        Delivery other = edited(SAMPLES.partialRefund(ADA), b -> {
            b.remove("refund_transaction_id");
            b.put("refund_amount", "10.00");
        });
        assertThat(only(source.translationOf(other)).key()).isNotEqualTo(today.key());
    }

    /** A refund with its id is the same refund whenever it arrives (a retry after midnight counts once). */
    @Test
    void aRefundWithItsIdIsTheSameOnAnyDay() {
        Sample s = SAMPLES.partialRefund(ADA);
        assertThat(only(at(NOW.plusSeconds(86_400 * 3)).translationOf(delivery(s)))).isEqualTo(translate(s));
    }

    /** Without a transaction id, renewals a month apart, and a failure then a recovery on one day, stay distinct. */
    @Test
    void chargesWithoutTransactionIdAreTheSubscriptionOutcomeAndDay() {
        Delivery renewal = edited(SAMPLES.renewal(ADA, 2), b -> ((ObjectNode) b.get("product")).remove("transaction_id"));
        SourceEvent now = only(source.translationOf(renewal));
        assertThat(only(at(NOW.plusSeconds(600)).translationOf(renewal))).isEqualTo(now);
        SourceEvent nextMonth = only(at(NOW.plusSeconds(86_400L * 30)).translationOf(renewal));
        assertThat(nextMonth.event().path("charge").path("id")).isNotEqualTo(now.event().path("charge").path("id"));
        Delivery failed = edited(SAMPLES.failedRenewal(ADA, 1), b -> ((ObjectNode) b.get("product")).remove("transaction_id"));
        Delivery recovered = edited(SAMPLES.failedRenewal(ADA, 1), b -> {
            ((ObjectNode) b.get("product")).remove("transaction_id");
            b.put("type", "RecurringPaymentRecovered");
        });
        assertThat(only(source.translationOf(failed)).event().path("charge").path("id"))
                .isNotEqualTo(only(source.translationOf(recovered)).event().path("charge").path("id"));
    }

    @Test
    void theOrdersTransactionListGivesTheChargeWhenTheProductHasNone() {
        Delivery a = edited(SAMPLES.renewal(ADA, 2), b -> {
            ((ObjectNode) b.get("product")).remove("transaction_id");
            ((ObjectNode) b.get("order")).putArray("transaction_id").add("ch_first").add("ch_second");
        });
        Delivery b2 = edited(SAMPLES.renewal(ADA, 2), b -> {
            ((ObjectNode) b.get("product")).remove("transaction_id");
            ((ObjectNode) b.get("order")).putArray("transaction_id").add("ch_first").add("ch_third");
        });
        String charge = only(source.translationOf(a)).event().path("charge").path("id").asText();
        assertThat(charge).contains("ch_second");
        assertThat(only(source.translationOf(b2)).event().path("charge").path("id").asText()).isNotEqualTo(charge);
    }

    @Test
    void aCancellationAfterALaterRestartIsANewFact() {
        Sample cancel = SAMPLES.cancellation(ADA);
        assertThat(only(at(NOW.plusSeconds(86_400 * 10)).translationOf(delivery(cancel))).key())
                .isNotEqualTo(translate(cancel).key());
    }

    @Test
    void aSubscriptionOfSeveralProductsIsTheFirst() {
        Delivery d = edited(SAMPLES.renewal(ADA, 2), b -> {
            ObjectNode p = (ObjectNode) b.get("product");
            p.put("id", "4411,52");
            p.put("name", "Analytical Course,Workbook");
            p.put("price", "97.00,27.00");
        });
        JsonNode sub = only(source.translationOf(d)).event().path("subscription");
        assertThat(sub.path("product_id").asText()).isEqualTo("4411");
        assertThat(sub.path("product_name").asText()).isEqualTo("Analytical Course");
    }

    @Test
    void orderCreatedAtBecomesOccurredAtWhenReadable() {
        Delivery iso = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("order")).put("created_at", "2026-11-25T09:30:00-05:00"));
        assertThat(only(source.translationOf(iso)).event().path("occurred_at").asText()).isEqualTo("2026-11-25T14:30:00Z");
        Delivery plain = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("order")).put("created_at", "2026-11-25 09:30:00"));
        assertThat(only(source.translationOf(plain)).event().path("occurred_at").asText()).isEqualTo("2026-11-25T09:30:00Z");
        Delivery odd = edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("order")).put("created_at", "Nov 25th"));
        assertThat(only(source.translationOf(odd)).event().has("occurred_at")).isFalse();
    }

    // ---- required fields, malformed bodies ----

    @Test
    void missingRequiredFieldsAreUntranslatableNamingTheField() {
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> b.remove("type")))).isEqualTo("type is missing");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> b.remove("order")))).isEqualTo("order is missing");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("order")).remove("id"))))
                .isEqualTo("order.id is missing");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).remove("id"))))
                .isEqualTo("product.id is missing");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).remove("name"))))
                .isEqualTo("product.name is missing");
        assertThat(reason(source, edited(SAMPLES.fullRefund(ADA), b -> ((ObjectNode) b.get("product")).putNull("price"))))
                .isEqualTo("product.price is missing");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("customer")).remove("email"))))
                .isEqualTo("customer.email is missing");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("customer")).put("email", "ada"))))
                .isEqualTo("customer.email is not an email address");
        assertThat(reason(source, edited(SAMPLES.renewal(ADA, 2), b -> ((ObjectNode) b.get("order")).putNull("subscription_id"))))
                .isEqualTo("order.subscription_id is missing");
        assertThat(reason(source, edited(SAMPLES.cancellation(ADA), b -> b.remove("customer"))))
                .isEqualTo("customer is missing");
    }

    @Test
    void wrongTypesAreUntranslatableNamingTheField() {
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> b.put("customer", "ada@example.com"))))
                .isEqualTo("customer is not an object");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).putObject("id"))))
                .isEqualTo("product.id is not a text or a number");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).put("price", "free"))))
                .isEqualTo("product.price is not an amount: 'free'");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("product")).put("price", "-5.00"))))
                .isEqualTo("product.price is negative");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> b.putArray("type"))))
                .isEqualTo("type is not a text or a number");
        assertThat(reason(source, edited(SAMPLES.purchase(ADA), b -> ((ObjectNode) b.get("customer")).put("first_name", true))))
                .isEqualTo("customer.first_name is not a text or a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[{\"type\":\"Order\"}]", "\"Order\"", "null", "{\"type\":\"Order\"", "42"})
    void malformedBodiesAreUntranslatable(String body) {
        assertThatThrownBy(() -> source.translationOf(json(body))).isInstanceOf(Untranslatable.class);
        assertThat(source.bestEffortType(json(body))).isNull();
    }

    @Test
    void formBodiesAreNotWhatSamCartSends() {
        Delivery form = Delivery.post(Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "type=Order&customer%5Bemail%5D=ada%40example.com".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(source, form)).isEqualTo("order is missing");
        assertThat(source.bestEffortType(form)).isEqualTo("Order");
    }

    @Test
    void bestEffortTypeNamesTheTypeOfARejectedDelivery() {
        assertThat(source.bestEffortType(edited(SAMPLES.purchase(ADA), b -> b.remove("order")))).isEqualTo("Order");
        assertThat(source.bestEffortType(json("{\"type\":7}"))).isNull();
    }

    /** Every field of every sample in turn removed, nulled or made an array: Untranslatable or a valid event. */
    @Test
    void noBadFieldEverEscapesAsAnotherException() {
        List<Sample> samples = List.of(SAMPLES.purchase(ADA), SAMPLES.partialRefund(ADA), SAMPLES.renewal(ADA, 2),
                SAMPLES.failedRenewal(ADA, 1), SAMPLES.cancellation(ADA));
        for (Sample sample : samples) {
            ObjectNode original = (ObjectNode) Json.read(new String(sample.body(), StandardCharsets.UTF_8));
            List<String> paths = new ArrayList<>();
            original.fields().forEachRemaining(f -> {
                paths.add(f.getKey());
                if (f.getValue().isObject()) {
                    f.getValue().fieldNames().forEachRemaining(n -> paths.add(f.getKey() + "." + n));
                }
            });
            for (String path : paths) {
                for (int mutation = 0; mutation < 4; mutation++) {
                    int m = mutation;
                    Delivery d = edited(sample, b -> mutate(b, path, m));
                    try {
                        Translation t = source.translationOf(d);
                        if (t instanceof Translation.Events events) {
                            events.events().forEach(SamCartSourceTest::assertValid);
                        }
                    } catch (Untranslatable expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    }
                }
            }
        }
    }

    private static void mutate(ObjectNode body, String path, int mutation) {
        String[] parts = path.split("\\.");
        ObjectNode parent = parts.length == 1 ? body : (ObjectNode) body.get(parts[0]);
        String field = parts[parts.length - 1];
        switch (mutation) {
            case 0 -> parent.remove(field);
            case 1 -> parent.putNull(field);
            case 2 -> parent.putArray(field).add(1);
            default -> parent.put(field, "");
        }
    }

    // ---- a delivery built by hand from the receivers' shapes, not from SamCartSamples ----

    @Test
    void aHandWrittenOrderOfTwoProducts() {
        String body = """
                {"type":"Order","api_key":"7f3c9e","processor":"Stripe",
                 "product":{"id":"350399,440369","name":"Basic Plan,Bonus Pack","price":"29.00,10.00","quantity":"1,1"},
                 "customer":{"customer_id":81,"first_name":"Grace","last_name":"Hopper","email":" grace@example.org ",
                   "phone_number":"555-0101","billing_address":"2 Navy Way","billing_city":"Arlington",
                   "billing_state":"VA","billing_zip":"22201","billing_country":"US"},
                 "order":{"id":1234567,"total":"39.00","ip_address":"198.51.100.4","stripe_id":"cus_X",
                   "subscription_id":null,"shipping_address":"","created_at":"2026-11-20 08:00:00"},
                 "affiliate":{"id":null,"token":null}}
                """;
        SourceEvent e = only(source.translationOf(json(body)));
        JsonNode event = e.event();
        assertThat(event.path("type").asText()).isEqualTo("order.completed");
        assertThat(event.path("occurred_at").asText()).isEqualTo("2026-11-20T08:00:00Z");
        assertThat(event.path("customer").path("email").asText()).isEqualTo("grace@example.org");
        assertThat(event.path("customer").path("id").asText()).isEqualTo("81");
        assertThat(event.path("customer").path("phone").asText()).isEqualTo("555-0101");
        assertThat(event.path("customer").path("address").path("line1").asText()).isEqualTo("2 Navy Way");
        assertThat(event.path("order").path("id").asText()).isEqualTo("1234567");
        assertThat(event.path("order").path("total_cents").asLong()).isEqualTo(3900);
        assertThat(event.path("items").findValuesAsText("product_id")).containsExactly("350399", "440369");
        assertThat(event.path("items").findValuesAsText("product_name")).containsExactly("Basic Plan", "Bonus Pack");
        assertThat(event.path("items").findValues("price_cents")).extracting(JsonNode::asLong).containsExactly(2900L, 1000L);
        assertThat(e.key()).isEqualTo("Order:1234567:350399%2C440369");
        assertThat(event.toString()).doesNotContain("7f3c9e");
    }

    @Test
    void aHandWrittenFailedPaymentThenRefundOfTheSameOrder() {
        String failed = """
                {"type":"RecurringPaymentFailed","api_key":null,
                 "product":{"id":440369,"name":"Premium Plan","price":"49.00","transaction_id":"ch_3Pq"},
                 "customer":{"email":"grace@example.org","first_name":"Grace","last_name":"Hopper"},
                 "order":{"id":1234568,"total":"49.00","subscription_id":99881}}
                """;
        SourceEvent e = only(source.translationOf(json(failed)));
        assertThat(e.event().path("type").asText()).isEqualTo("subscription.charge_failed");
        assertThat(e.event().path("subscription").path("id").asText()).isEqualTo("99881");
        assertThat(e.event().path("subscription").path("product_id").asText()).isEqualTo("440369");
        assertThat(e.event().path("charge").path("id").asText()).isEqualTo("99881:failed:ch_3Pq:2026-11-26");
        assertThat(e.key()).isEqualTo("RecurringPaymentFailed:1234568:440369:99881%3Afailed%3Ach_3Pq%3A2026-11-26");

        String refund = """
                {"type":"Refund","product":{"id":440369,"name":"Premium Plan","price":"49.00"},
                 "customer":{"email":"grace@example.org"},"order":{"id":1234568,"total":"49.00"},
                 "refund_transaction_id":"re_9Zt"}
                """;
        SourceEvent r = only(source.translationOf(json(refund)));
        assertThat(r.event().path("refund").path("id").asText()).isEqualTo("re_9Zt");
        assertThat(r.event().path("order").path("id").asText()).isEqualTo("1234568");
        assertThat(r.event().path("items").get(0).path("refunded_cents").asLong()).isEqualTo(4900);
        assertThat(r.key()).isEqualTo("Refund:1234568:440369:re_9Zt");
    }
}
