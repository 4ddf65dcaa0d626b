package io.hlbridge.engine.sources.stripe;

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
import io.hlbridge.engine.sources.samples.StripeSamples;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripeSourceTest {
    private static final long NOW = 1_767_300_000L;
    private static final StripeSource STRIPE = new StripeSource(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    private static final StripeSamples SAMPLES = new StripeSamples();
    private static final String SECRET = SAMPLES.exampleSecret();
    private static final StoreEventSchema SCHEMA = new StoreEventSchema();
    private static final Buyer ADA = new Buyer("t-1", "ada@example.com", "Ada", "Lovelace", "prod_course",
            "Course \"X\"", 9700);
    private static final Buyer BOB = new Buyer("t-2", "bob@example.com", "Bob", "Van der Berg", "prod_other",
            "Other", 4900);

    // ---- the samples, translated ----

    @Test
    void aPurchaseIsAnOrderOfTheMetadataProductUnderItsPaymentIntent() {
        SourceEvent e = only(SAMPLES.purchase(ADA));
        JsonNode event = e.event();
        assertThat(e.key()).isEqualTo("evt_t1_purchase");
        assertThat(event.path("type").asText()).isEqualTo("order.completed");
        assertThat(event.path("test_mode").asBoolean()).isTrue();
        assertThat(event.path("occurred_at").asText()).isEqualTo("2026-01-01T00:10:00Z");
        assertThat(event.path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(event.path("customer").path("first_name").asText()).isEqualTo("Ada");
        assertThat(event.path("customer").path("last_name").asText()).isEqualTo("Lovelace");
        assertThat(event.path("customer").path("address").path("postal_code").asText()).isEqualTo("62701");
        assertThat(event.path("order").path("id").asText()).isEqualTo("pi_t1");
        assertThat(event.path("order").path("total_cents").asLong()).isEqualTo(9700);
        assertThat(event.path("order").path("currency").asText()).isEqualTo("USD");
        JsonNode item = event.path("items").path(0);
        assertThat(item.path("product_id").asText()).isEqualTo("prod_course");
        assertThat(item.path("product_name").asText()).isEqualTo("Course \"X\"");
        assertThat(item.path("role").asText()).isEqualTo("primary");
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("quantity").asLong()).isEqualTo(1);
    }

    @Test
    void aFullRefundMeetsThePurchasesOrderItemWithTheWholePrice() {
        SourceEvent e = only(SAMPLES.fullRefund(ADA));
        assertThat(e.key()).isEqualTo("evt_t1_refund_full");
        JsonNode event = e.event();
        assertThat(event.path("type").asText()).isEqualTo("refund.created");
        assertThat(event.path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(event.path("order").path("id").asText())
                .isEqualTo(only(SAMPLES.purchase(ADA)).event().path("order").path("id").asText());
        assertThat(event.path("refund").path("id").asText()).isEqualTo("ch_t1#refunded-9700");
        JsonNode item = event.path("items").path(0);
        assertThat(item.path("product_id").asText()).isEqualTo("prod_course");
        assertThat(item.path("price_cents").asLong()).isEqualTo(9700);
        assertThat(item.path("refunded_cents").asLong()).isEqualTo(9700);
    }

    @Test
    void aPartialRefundIsAThirdOfThePrice() {
        SourceEvent e = only(SAMPLES.partialRefund(ADA));
        assertThat(e.key()).isEqualTo("evt_t1_refund_partial");
        assertThat(e.event().path("order").path("id").asText()).isEqualTo("pi_t1");
        assertThat(e.event().path("refund").path("id").asText()).isEqualTo("ch_t1#refunded-3233");
        assertThat(e.event().path("items").path(0).path("price_cents").asLong()).isEqualTo(9700);
        assertThat(e.event().path("items").path(0).path("refunded_cents").asLong()).isEqualTo(3233);
    }

    @Test
    void renewalsAreChargesOfOneSubscriptionWithAChargeIdPerInvoice() {
        SourceEvent second = only(SAMPLES.renewal(ADA, 2));
        SourceEvent third = only(SAMPLES.renewal(ADA, 3));
        for (SourceEvent e : List.of(second, third)) {
            JsonNode event = e.event();
            assertThat(event.path("type").asText()).isEqualTo("subscription.charged");
            assertThat(event.path("customer").path("email").asText()).isEqualTo("ada@example.com");
            assertThat(event.path("subscription").path("id").asText()).isEqualTo("sub_t1");
            assertThat(event.path("subscription").path("product_id").asText()).isEqualTo("prod_course");
            assertThat(event.path("subscription").path("kind").asText()).isEqualTo("recurring");
            assertThat(event.path("subscription").path("charge_number").asInt())
                    .isEqualTo(StripeSource.RENEWAL_CHARGE_NUMBER);
        }
        assertThat(second.event().path("charge").path("id").asText()).isEqualTo("in_t1_c2");
        assertThat(third.event().path("charge").path("id").asText()).isEqualTo("in_t1_c3");
        assertThat(second.key()).isEqualTo("evt_t1_renewal_2").isNotEqualTo(third.key());
    }

    @Test
    void everyFailedAttemptOfARenewalIsItsOwnCharge() {
        List<String> charges = new ArrayList<>();
        for (int attempt = 1; attempt <= 4; attempt++) {
            SourceEvent e = only(SAMPLES.failedRenewal(ADA, attempt));
            assertThat(e.key()).isEqualTo("evt_t1_failed_" + attempt);
            assertThat(e.event().path("type").asText()).isEqualTo("subscription.charge_failed");
            assertThat(e.event().path("subscription").path("id").asText()).isEqualTo("sub_t1");
            assertThat(e.event().path("subscription").path("product_id").asText()).isEqualTo("prod_course");
            charges.add(e.event().path("charge").path("id").asText());
        }
        assertThat(charges).containsExactly("in_t1_dunning#attempt-1", "in_t1_dunning#attempt-2",
                "in_t1_dunning#attempt-3", "in_t1_dunning#attempt-4");
    }

    @Test
    void aCancellationNamesTheSubscriptionAndItsProduct() {
        SourceEvent e = only(SAMPLES.cancellation(ADA));
        assertThat(e.key()).isEqualTo("evt_t1_canceled");
        assertThat(e.event().path("type").asText()).isEqualTo("subscription.canceled");
        assertThat(e.event().path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(e.event().path("customer").path("id").asText()).isEqualTo("cus_t1");
        assertThat(e.event().path("subscription").path("id").asText()).isEqualTo("sub_t1");
        assertThat(e.event().path("subscription").path("product_id").asText()).isEqualTo("prod_course");
        assertThat(e.event().path("subscription").path("product_name").asText()).isEqualTo("Course \"X\"");
    }

    @Test
    void anExpiredCheckoutWithAnEmailIsAProspect() {
        SourceEvent e = only(SAMPLES.abandonedCheckout(ADA));
        assertThat(e.key()).isEqualTo("evt_t1_expired");
        assertThat(e.event().path("type").asText()).isEqualTo("prospect.created");
        assertThat(e.event().path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(e.event().path("prospect").path("id").asText()).isEqualTo("cs_test_t1_abandoned");
        assertThat(e.event().path("items").path(0).path("product_id").asText()).isEqualTo("prod_course");
        assertThat(e.event().path("items").path(0).path("product_name").asText()).isEqualTo("Course \"X\"");
    }

    @Test
    void aPaymentIntentSucceededIsIgnoredWithItsType() {
        Translation t = STRIPE.translationOf(delivery(SAMPLES.ignored(ADA)));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo("payment_intent.succeeded");
        assertThat(((Translation.Ignored) t).reason()).contains("invoice");
    }

    @Test
    void stripeSendsNoPing() {
        assertThat(SAMPLES.ping()).isNull();
        assertThat(STRIPE.isPing(delivery(SAMPLES.purchase(ADA)))).isFalse();
    }

    @Test
    void aRetryGivesTheSameKeysAndDistinctFactsDistinctKeys() {
        List<Sample> facts = new ArrayList<>(allSamples(ADA));
        facts.addAll(allSamples(BOB));
        List<String> keys = new ArrayList<>();
        for (Sample sample : facts) {
            List<String> first = keys(STRIPE.translationOf(delivery(sample)));
            assertThat(keys(STRIPE.translationOf(delivery(sample)))).isEqualTo(first);
            keys.addAll(first);
        }
        assertThat(new HashSet<>(keys)).hasSameSizeAs(keys);
    }

    @Test
    void theDeliveryIdIsTheEventId() {
        assertThat(STRIPE.deliveryId(delivery(SAMPLES.renewal(ADA, 2)))).isEqualTo("evt_t1_renewal_2");
        assertThat(STRIPE.bestEffortType(delivery(SAMPLES.renewal(ADA, 2)))).isEqualTo("invoice.paid");
    }

    // ---- signatures ----

    @Test
    void stripesOwnTestVectorVerifies() {
        // stripe-java WebhookTest's secret and payload; the hex computed apart (Python's hmac).
        String payload = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
        Delivery d = Delivery.post(Map.of("Content-Type", "application/json", "Stripe-Signature",
                        "t=1700000000,v1=4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150"),
                payload.getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> STRIPE.verify(d, "whsec_test_secret", Instant.ofEpochSecond(1_700_000_100L)))
                .doesNotThrowAnyException();
    }

    @Test
    void aSignedSampleVerifies() {
        assertThatCode(() -> STRIPE.verify(signed(SAMPLES.purchase(ADA), SECRET, NOW), SECRET, now()))
                .doesNotThrowAnyException();
    }

    @Test
    void aTamperedBodyIsRefused() {
        Sample s = SAMPLES.signed(SAMPLES.purchase(ADA), SECRET, NOW);
        byte[] body = new String(s.body(), StandardCharsets.UTF_8).replace("9700", "9701")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> STRIPE.verify(Delivery.post(s.headers(), body), SECRET, now()))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("matches");
    }

    @Test
    void theWrongSecretIsRefused() {
        assertThatThrownBy(() -> STRIPE.verify(signed(SAMPLES.purchase(ADA), "whsec_other", NOW), SECRET, now()))
                .isInstanceOf(NotAuthentic.class);
    }

    @Test
    void aMissingHeaderIsRefused() {
        assertThatThrownBy(() -> STRIPE.verify(delivery(SAMPLES.purchase(ADA)), SECRET, now()))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("Stripe-Signature header is missing");
    }

    @Test
    void aSourceWithoutASecretRefusesEverything() {
        Delivery d = signed(SAMPLES.purchase(ADA), SECRET, NOW);
        assertThatThrownBy(() -> STRIPE.verify(d, null, now()))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("no signing secret set");
        assertThatThrownBy(() -> STRIPE.verify(d, " ", now()))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("no signing secret set");
    }

    @ParameterizedTest
    @ValueSource(longs = {-300, 300})
    void aTimestampAtTheToleranceEdgeVerifies(long offset) {
        assertThatCode(() -> STRIPE.verify(signed(SAMPLES.purchase(ADA), SECRET, NOW + offset), SECRET, now()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(longs = {-301, 301, -86_400})
    void aTimestampBeyondTheToleranceIsRefused(long offset) {
        assertThatThrownBy(() -> STRIPE.verify(signed(SAMPLES.purchase(ADA), SECRET, NOW + offset), SECRET, now()))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("300 s");
    }

    @Test
    void anyOfTwoV1SignaturesMayMatchWhileASecretIsRolled() {
        Sample old = SAMPLES.signed(SAMPLES.purchase(ADA), "whsec_old", NOW);
        Sample current = SAMPLES.signed(SAMPLES.purchase(ADA), SECRET, NOW);
        String both = old.headers().get("Stripe-Signature") + ","
                + current.headers().get("Stripe-Signature").split(",", 2)[1];
        Delivery d = Delivery.post(Map.of("Content-Type", "application/json", "Stripe-Signature", both), old.body());
        assertThatCode(() -> STRIPE.verify(d, SECRET, now())).doesNotThrowAnyException();
        assertThatCode(() -> STRIPE.verify(d, "whsec_old", now())).doesNotThrowAnyException();
        assertThatThrownBy(() -> STRIPE.verify(d, "whsec_third", now())).isInstanceOf(NotAuthentic.class);
    }

    @Test
    void onlyAV0SignatureIsRefused() {
        Sample s = SAMPLES.signed(SAMPLES.purchase(ADA), SECRET, NOW);
        String v0 = s.headers().get("Stripe-Signature").replace("v1=", "v0=");
        Delivery d = Delivery.post(Map.of("Stripe-Signature", v0), s.body());
        assertThatThrownBy(() -> STRIPE.verify(d, SECRET, now()))
                .isInstanceOf(NotAuthentic.class).hasMessageContaining("no v1 signature");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad_header", "t=not_a_number,v1=abc", "v1=abc", "t=,v1=", "t=1767300000"})
    void aMalformedHeaderIsRefusedNeverAnotherException(String header) {
        Delivery d = Delivery.post(Map.of("Stripe-Signature", header), SAMPLES.purchase(ADA).body());
        assertThatThrownBy(() -> STRIPE.verify(d, SECRET, now())).isInstanceOf(NotAuthentic.class);
    }

    // ---- payloads built here from Stripe's documented shapes, apart from StripeSamples ----

    @Test
    void aFirstInvoiceBeforeBasilIsAPurchaseOfItsLineProductsUnderItsPaymentIntent() {
        ObjectNode event = only(envelope("evt_first", "invoice.paid", """
                {"id": "in_1", "object": "invoice", "billing_reason": "subscription_create",
                 "subscription": "sub_1", "payment_intent": "pi_1", "charge": "ch_1",
                 "customer": "cus_1", "customer_email": "grace@example.com", "customer_name": "Grace Brewster Hopper",
                 "customer_phone": "+14155550100", "customer_address": null,
                 "amount_paid": 5900, "currency": "eur", "attempt_count": 1,
                 "lines": {"object": "list", "data": [
                   {"id": "il_1", "amount": 4900, "quantity": 1, "description": "1 × Pro (at €49.00 / month)",
                    "price": {"id": "price_1", "product": "prod_pro", "nickname": "Pro monthly", "unit_amount": 4900}},
                   {"id": "il_2", "amount": 1000, "quantity": 2, "description": "Setup fee",
                    "price": {"id": "price_2", "product": "prod_setup", "nickname": null}},
                   {"id": "il_3", "amount": -500, "quantity": 1, "description": "Unused time",
                    "price": {"id": "price_1", "product": "prod_pro"}}]}}""")).event();
        assertThat(event.path("type").asText()).isEqualTo("order.completed");
        assertThat(event.path("order").path("id").asText()).isEqualTo("pi_1");
        assertThat(event.path("order").path("currency").asText()).isEqualTo("EUR");
        assertThat(event.path("order").path("total_cents").asLong()).isEqualTo(5900);
        assertThat(event.path("customer").path("first_name").asText()).isEqualTo("Grace");
        assertThat(event.path("customer").path("last_name").asText()).isEqualTo("Brewster Hopper");
        assertThat(event.path("customer").path("phone").asText()).isEqualTo("+14155550100");
        assertThat(event.path("items")).hasSize(2);
        assertThat(event.path("items").path(0).path("product_id").asText()).isEqualTo("prod_pro");
        assertThat(event.path("items").path(0).path("product_name").asText()).isEqualTo("Pro monthly");
        assertThat(event.path("items").path(1).path("product_id").asText()).isEqualTo("prod_setup");
        assertThat(event.path("items").path(1).path("product_name").asText()).isEqualTo("Setup fee");
        assertThat(event.path("items").path(1).path("quantity").asLong()).isEqualTo(2);
        assertThat(event.path("items").path(1).path("price_cents").asLong()).isEqualTo(1000);
    }

    @Test
    void aFirstInvoiceOfBasilIsAPurchaseUnderTheInvoiceId() {
        ObjectNode event = only(envelope("evt_first2", "invoice.paid", """
                {"id": "in_2", "object": "invoice", "billing_reason": "subscription_create",
                 "parent": {"type": "subscription_details", "subscription_details": {"subscription": "sub_2"}},
                 "customer_email": "grace@example.com", "amount_paid": 4900, "currency": "usd",
                 "lines": {"data": [{"amount": 4900, "quantity": 1, "description": "1 × Pro",
                   "pricing": {"type": "price_details", "price_details": {"price": "price_1", "product": "prod_pro"}}}]}}
                """)).event();
        assertThat(event.path("order").path("id").asText()).isEqualTo("in_2");
        assertThat(event.path("items").path(0).path("product_id").asText()).isEqualTo("prod_pro");
    }

    @Test
    void aRenewalBeforeBasilReadsTheTopLevelSubscriptionAndLinePrice() {
        ObjectNode event = only(envelope("evt_cycle", "invoice.paid", """
                {"id": "in_3", "object": "invoice", "billing_reason": "subscription_cycle", "subscription": "sub_1",
                 "customer_email": "grace@example.com", "amount_paid": 4900, "currency": "usd",
                 "lines": {"data": [{"amount": 4900, "price": {"product": "prod_pro", "nickname": "Pro monthly"}}]}}
                """)).event();
        assertThat(event.path("type").asText()).isEqualTo("subscription.charged");
        assertThat(event.path("subscription").path("id").asText()).isEqualTo("sub_1");
        assertThat(event.path("subscription").path("product_id").asText()).isEqualTo("prod_pro");
        assertThat(event.path("charge").path("id").asText()).isEqualTo("in_3");
    }

    @Test
    void aRefundOfAnOlderApiVersionUsesTheNewestRefundsIdAndOnlyThisRefundsAmount() {
        ObjectNode event = only(envelope("evt_ref2", "charge.refunded", """
                {"id": "ch_9", "object": "charge", "amount": 9000, "amount_refunded": 5000, "payment_intent": "pi_9",
                 "billing_details": {"email": null, "name": "Ada"}, "receipt_email": "ada@example.com",
                 "metadata": {}, "refunds": {"object": "list", "data": [
                   {"id": "re_new", "amount": 2000, "created": 1700000200},
                   {"id": "re_old", "amount": 3000, "created": 1700000100}]}}""",
                """
                {"amount_refunded": 3000, "refunds": {"data": [{"id": "re_old"}]}}""")).event();
        assertThat(event.path("refund").path("id").asText()).isEqualTo("re_new");
        assertThat(event.path("order").path("id").asText()).isEqualTo("pi_9");
        assertThat(event.path("customer").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(event.path("customer").has("last_name")).isFalse();
        JsonNode item = event.path("items").path(0);
        assertThat(item.path("product_id").asText()).isEqualTo(StripeSource.GENERIC_PRODUCT);
        assertThat(item.path("price_cents").asLong()).isEqualTo(9000);
        assertThat(item.path("refunded_cents").asLong()).isEqualTo(2000);
    }

    @Test
    void withoutMetadataAPurchaseAndItsRefundMeetOnTheGenericProduct() {
        ObjectNode purchase = only(envelope("evt_p", "checkout.session.completed", """
                {"id": "cs_1", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
                 "payment_intent": "pi_5", "amount_total": 2500, "currency": "usd", "metadata": {},
                 "customer_details": null, "customer_email": "lin@example.com"}""")).event();
        ObjectNode refund = only(envelope("evt_r", "charge.refunded", """
                {"id": "ch_5", "object": "charge", "amount": 2500, "amount_refunded": 2500,
                 "payment_intent": "pi_5", "billing_details": {"email": "lin@example.com"}}""")).event();
        assertThat(purchase.path("customer").path("email").asText()).isEqualTo("lin@example.com");
        assertThat(refund.path("order")).isEqualTo(Json.object().put("id", "pi_5"));
        assertThat(purchase.path("order").path("id").asText()).isEqualTo("pi_5");
        assertThat(refund.path("items").path(0).path("product_id"))
                .isEqualTo(purchase.path("items").path(0).path("product_id"));
        assertThat(refund.path("items").path(0).path("price_cents"))
                .isEqualTo(purchase.path("items").path(0).path("price_cents"));
    }

    @Test
    void aPaymentLinkSessionWithoutMetadataIsAPurchaseOfTheGenericProduct_asItsRefundWouldBe() {
        ObjectNode event = only(envelope("evt_pl", "checkout.session.completed", """
                {"id": "cs_2", "mode": "payment", "payment_status": "paid", "payment_intent": "pi_6",
                 "payment_link": "plink_1", "amount_total": 1500, "currency": "usd",
                 "customer_details": {"email": "lin@example.com", "name": null}}""")).event();
        assertThat(event.path("items").path(0).path("product_id").asText()).isEqualTo("stripe_checkout");
    }

    @Test
    void aTrialsFirstInvoiceOfZeroIsStillThePurchase() {
        ObjectNode event = only(envelope("evt_trial", "invoice.paid", """
                {"id": "in_t", "billing_reason": "subscription_create", "subscription": "sub_t", "amount_paid": 0,
                 "currency": "usd", "customer_email": "lin@example.com",
                 "lines": {"data": [{"amount": 0, "quantity": 1, "price": {"product": "prod_trial", "nickname": "Pro"}}]}}"""))
                .event();
        assertThat(event.path("type").asText()).isEqualTo("order.completed");
        assertThat(event.path("items").path(0).path("product_id").asText()).isEqualTo("prod_trial");
        assertThat(event.path("items").path(0).path("price_cents").asLong()).isZero();
    }

    @Test
    void anExpiredCheckoutDatesFromWhenItBegan_soAPurchaseInBetweenCountsAsBoughtMeanwhile() {
        ObjectNode event = only(envelope("evt_exp", "checkout.session.expired", """
                {"id": "cs_e", "mode": "payment", "created": 1764000000, "customer_details": {"email": "lin@example.com"},
                 "metadata": {"product_id": "prod_9"}}""")).event();
        assertThat(event.path("occurred_at").asText()).isEqualTo("2025-11-24T16:00:00Z");
    }

    @Test
    void anAsyncPaymentThatArrivesIsThePurchase() {
        String session = """
                {"id": "cs_3", "mode": "payment", "payment_status": "%s", "payment_intent": "pi_7",
                 "amount_total": 1500, "currency": "usd", "customer_details": {"email": "lin@example.com"}}""";
        Translation pending = STRIPE.translationOf(envelope("evt_c", "checkout.session.completed",
                session.formatted("unpaid")));
        assertThat(pending).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) pending).reason()).contains("async_payment_succeeded");
        ObjectNode paid = only(envelope("evt_a", "checkout.session.async_payment_succeeded",
                session.formatted("paid"))).event();
        assertThat(paid.path("order").path("id").asText()).isEqualTo("pi_7");
    }

    @Test
    void aSubscriptionsCheckoutSessionIsNotAPurchaseItsFirstInvoiceIs() {
        Translation t = STRIPE.translationOf(envelope("evt_s", "checkout.session.completed", """
                {"id": "cs_4", "mode": "subscription", "payment_status": "paid", "subscription": "sub_1",
                 "amount_total": 4900, "currency": "usd", "customer_details": {"email": "lin@example.com"}}"""));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(((Translation.Ignored) t).reason()).contains("first invoice");
    }

    @Test
    void anExpiredCheckoutWithoutAnEmailIsIgnored() {
        Translation t = STRIPE.translationOf(envelope("evt_x", "checkout.session.expired", """
                {"id": "cs_5", "mode": "payment", "customer_details": null, "customer_email": null}"""));
        assertThat(t).isEqualTo(new Translation.Ignored("checkout.session.expired",
                "no email was collected before the Checkout Session expired"));
    }

    @Test
    void aCancellationWithoutAnEmailInMetadataIsUntranslatableSayingWhy() {
        assertThatThrownBy(() -> STRIPE.translationOf(envelope("evt_d", "customer.subscription.deleted", """
                {"id": "sub_1", "object": "subscription", "customer": "cus_1", "metadata": {},
                 "items": {"data": [{"price": {"product": "prod_pro"}}]}}""")))
                .isInstanceOf(Untranslatable.class).hasMessageContaining("data.object.metadata.email");
    }

    @Test
    void aFailedFirstPaymentAndOneOffInvoicesAreIgnored() {
        String invoice = """
                {"id": "in_4", "billing_reason": "%s", %s "customer_email": "lin@example.com",
                 "attempt_count": 1, "amount_paid": 0, "currency": "usd",
                 "lines": {"data": [{"amount": 4900, "price": {"product": "prod_pro"}}]}}""";
        assertThat(STRIPE.translationOf(envelope("evt_f", "invoice.payment_failed",
                invoice.formatted("subscription_create", "\"subscription\": \"sub_1\","))))
                .isInstanceOf(Translation.Ignored.class);
        assertThat(STRIPE.translationOf(envelope("evt_m", "invoice.paid", invoice.formatted("manual", ""))))
                .isInstanceOf(Translation.Ignored.class);
        assertThat(STRIPE.translationOf(envelope("evt_u", "invoice.paid",
                invoice.formatted("subscription_update", "\"subscription\": \"sub_1\","))))
                .isInstanceOf(Translation.Ignored.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"invoice.payment_succeeded", "customer.created", "payment_intent.succeeded",
            "customer.subscription.updated"})
    void otherTypesAreIgnoredWithTheirType(String type) {
        Translation t = STRIPE.translationOf(envelope("evt_o", type, "{\"id\": \"x_1\"}"));
        assertThat(t).isInstanceOf(Translation.Ignored.class);
        assertThat(t.platformType()).isEqualTo(type);
    }

    @Test
    void aSecondChargeRefundedEventOfTheSameRefundGivesTheSameRefundId() {
        String charge = """
                {"id": "ch_8", "amount": 9000, "amount_refunded": 3000, "payment_intent": "pi_8",
                 "billing_details": {"email": "lin@example.com"}}""";
        String first = only(envelope("evt_1", "charge.refunded", charge)).event().path("refund").path("id").asText();
        String again = only(envelope("evt_2", "charge.refunded", charge)).event().path("refund").path("id").asText();
        assertThat(again).isEqualTo(first).isEqualTo("ch_8#refunded-3000");
    }

    @Test
    void aChargeRefundedThatRefundsNothingNewIsUntranslatable() {
        assertThatThrownBy(() -> STRIPE.translationOf(envelope("evt_n", "charge.refunded", """
                {"id": "ch_8", "amount": 9000, "amount_refunded": 3000, "billing_details": {"email": "l@example.com"}}""",
                "{\"amount_refunded\": 3000}")))
                .isInstanceOf(Untranslatable.class).hasMessageContaining("data.object.amount_refunded");
    }

    // ---- malformed and incomplete deliveries ----

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1, 2]", "\"text\"", "{\"type\": 5, \"id\": \"evt_1\"}",
            "{\"id\": \"evt_1\"}", "{\"type\": \"invoice.paid\"}", "{\"type\": \"invoice.paid\", \"id\": \"evt_1\"}",
            "{\"type\": \"invoice.paid\", \"id\": \"evt_1\", \"data\": {\"object\": \"in_1\"}}",
            "{\"type\": \"invoice.paid\", \"id\": \"evt_1\", \"data\": []}", "{\"type\": [], \"id\": {}}"})
    void aBodyThatIsNotAStripeEventIsUntranslatable(String body) {
        Delivery d = Delivery.post(Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> STRIPE.translationOf(d)).isInstanceOf(Untranslatable.class);
        assertThatCode(() -> STRIPE.deliveryId(d)).doesNotThrowAnyException();
        assertThatCode(() -> STRIPE.bestEffortType(d)).doesNotThrowAnyException();
    }

    @Test
    void theTypeOfAnUntranslatableDeliveryIsStillReadForTheLog() {
        Delivery d = envelope("evt_b", "invoice.paid", "{\"id\": \"in_1\", \"subscription\": \"sub_1\"}");
        assertThat(STRIPE.bestEffortType(d)).isEqualTo("invoice.paid");
        assertThat(STRIPE.bestEffortType(Delivery.post(Map.of(), "nope".getBytes(StandardCharsets.UTF_8)))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "checkout.session.completed|{\"id\":\"cs_1\",\"mode\":\"payment\",\"payment_status\":\"paid\",\"amount_total\":100,\"currency\":\"usd\"}|customer_details.email",
            "checkout.session.completed|{\"id\":\"cs_1\",\"mode\":\"payment\",\"payment_status\":\"paid\",\"currency\":\"usd\",\"customer_email\":\"a@b.co\"}|data.object.amount_total is missing",
            "checkout.session.completed|{\"id\":\"cs_1\",\"mode\":\"payment\",\"payment_status\":\"paid\",\"amount_total\":\"97.00\",\"currency\":\"usd\",\"customer_email\":\"a@b.co\"}|data.object.amount_total is not a whole number",
            "checkout.session.completed|{\"id\":\"cs_1\",\"mode\":\"payment\",\"payment_status\":\"paid\",\"amount_total\":100,\"currency\":\"dollars\",\"customer_email\":\"a@b.co\"}|data.object.currency",
            "checkout.session.completed|{\"id\":\"cs_1\",\"payment_status\":\"paid\"}|data.object.mode is missing",
            "checkout.session.completed|{\"id\":\"cs_1\",\"mode\":7}|data.object.mode is not a string",
            "invoice.paid|{\"id\":\"in_1\",\"subscription\":\"sub_1\",\"billing_reason\":\"subscription_cycle\",\"lines\":{\"data\":[{\"amount\":100,\"price\":{\"product\":\"prod_1\"}}]}}|data.object.customer_email is missing",
            "invoice.paid|{\"id\":\"in_1\",\"subscription\":\"sub_1\",\"billing_reason\":\"subscription_cycle\",\"customer_email\":\"a@b.co\"}|data.object.lines.data is missing",
            "invoice.paid|{\"id\":\"in_1\",\"subscription\":\"sub_1\",\"billing_reason\":\"subscription_cycle\",\"customer_email\":\"a@b.co\",\"lines\":{\"data\":[{\"amount\":100}]}}|data.object.lines.data[0].price.product",
            "invoice.paid|{\"id\":\"in_1\",\"subscription\":\"sub_1\",\"billing_reason\":\"subscription_cycle\",\"customer_email\":\"a@b.co\",\"lines\":{\"data\":[{\"amount\":1e99,\"price\":{\"product\":\"prod_1\"}}]}}|data.object.lines.data[0].amount",
            "invoice.payment_failed|{\"id\":\"in_1\",\"subscription\":\"sub_1\",\"billing_reason\":\"subscription_cycle\",\"customer_email\":\"a@b.co\",\"lines\":{\"data\":[{\"amount\":100,\"price\":{\"product\":\"prod_1\"}}]}}|data.object.attempt_count is missing",
            "invoice.paid|{\"id\":\"in_1\",\"subscription\":\"sub_1\",\"billing_reason\":\"subscription_create\",\"customer_email\":\"a@b.co\",\"amount_paid\":100,\"lines\":{\"data\":[{\"amount\":100,\"price\":{\"product\":\"prod_1\"}}]}}|data.object.currency is missing",
            "charge.refunded|{\"id\":\"ch_1\",\"amount\":100,\"amount_refunded\":100}|billing_details.email",
            "charge.refunded|{\"id\":\"ch_1\",\"amount_refunded\":100,\"receipt_email\":\"a@b.co\"}|data.object.amount is missing",
            "charge.refunded|{\"id\":\"ch_1\",\"amount\":-5,\"amount_refunded\":100,\"receipt_email\":\"a@b.co\"}|data.object.amount is negative",
            "customer.subscription.deleted|{\"id\":\"sub_1\",\"metadata\":{\"email\":\"a@b.co\"},\"items\":{\"data\":[]}}|data.object.items.data[0].price.product",
            "customer.subscription.deleted|{\"metadata\":{\"email\":\"a@b.co\"}}|data.object.id is missing"})
    void aMissingOrWrongRequiredFieldIsNamed(String row) {
        String[] parts = row.split("\\|");
        assertThatThrownBy(() -> STRIPE.translationOf(envelope("evt_m", parts[0], parts[1])))
                .isInstanceOf(Untranslatable.class).hasMessageContaining(parts[2]);
    }

    // ---- helpers ----

    private static List<Sample> allSamples(Buyer buyer) {
        return List.of(SAMPLES.purchase(buyer), SAMPLES.fullRefund(buyer), SAMPLES.partialRefund(buyer),
                SAMPLES.renewal(buyer, 2), SAMPLES.renewal(buyer, 3), SAMPLES.failedRenewal(buyer, 1),
                SAMPLES.failedRenewal(buyer, 2), SAMPLES.failedRenewal(buyer, 3), SAMPLES.failedRenewal(buyer, 4),
                SAMPLES.cancellation(buyer), SAMPLES.abandonedCheckout(buyer));
    }

    /** The one store event of a sample, checked against the store-event schema. */
    private static SourceEvent only(Sample sample) {
        assertThat(sample.headers()).containsEntry("Content-Type", "application/json; charset=utf-8");
        assertThat(sample.method()).isEqualTo("POST");
        return only(delivery(sample));
    }

    private static SourceEvent only(Delivery delivery) {
        Translation t = STRIPE.translationOf(delivery);
        assertThat(t).isInstanceOf(Translation.Events.class);
        List<SourceEvent> events = ((Translation.Events) t).events();
        assertThat(events).hasSize(1);
        try {
            SCHEMA.parse(Json.MAPPER.writeValueAsBytes(events.get(0).event()));
        } catch (Exception e) {
            throw new AssertionError("breaks the store-event schema: " + events.get(0).event(), e);
        }
        return events.get(0);
    }

    private static List<String> keys(Translation t) {
        return t instanceof Translation.Events events ? events.events().stream().map(SourceEvent::key).toList() : List.of();
    }

    private static Delivery delivery(Sample sample) {
        return new Delivery(sample.method(), sample.headers(), sample.body());
    }

    private static Delivery signed(Sample sample, String secret, long at) {
        return delivery(SAMPLES.signed(sample, secret, at));
    }

    private static Instant now() {
        return Instant.ofEpochSecond(NOW);
    }

    /** A Stripe event envelope, as documented, around a hand-written {@code data.object}. */
    private static Delivery envelope(String id, String type, String object) {
        return envelope(id, type, object, null);
    }

    private static Delivery envelope(String id, String type, String object, String previous) {
        String body = "{\"id\": \"" + id + "\", \"object\": \"event\", \"api_version\": \"2024-06-20\", "
                + "\"created\": 1700000000, \"livemode\": true, \"type\": \"" + type + "\", \"data\": {\"object\": "
                + object + (previous == null ? "" : ", \"previous_attributes\": " + previous) + "}}";
        return Delivery.post(Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }
}
