package io.hlbridge.engine.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hlbridge.engine.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each derivation rule of spec §2/§3 against a real PostgreSQL; each test in its own marketplace. */
class TriggerDeriverIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final String CUSTOMER = """
            "customer": {"email": "Ada@Example.com", "first_name": "Ada", "last_name": "Lovelace",
                         "address": {"city": "Springfield", "country": "US"}}""";
    static Jdbi jdbi;

    final TriggerDeriver deriver = new TriggerDeriver(4, Duration.ofHours(2));
    final AtomicInteger webhooks = new AtomicInteger();
    String marketplace;

    @BeforeAll
    static void database() {
        String url = TestDatabase.newDatabase();
        Flyway.configure().dataSource(url, "postgres", "").load().migrate();
        jdbi = Jdbi.create(url, "postgres", "");
    }

    @BeforeEach
    void marketplace() {
        marketplace = createMarketplace();
    }

    static String createMarketplace() {
        String id = "mkt_" + UUID.randomUUID();
        jdbi.useHandle(h -> h.execute(
                "INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES (?, ?, ?, 'x')", id, id, id));
        return id;
    }

    /** Derives the event under a new webhook-id, in its own transaction, as the engine core does. */
    List<DerivedTrigger> derive(String body) {
        return derive(body, T0);
    }

    List<DerivedTrigger> derive(String body, Instant acceptedAt) {
        JsonNode event = parse(body);
        String webhookId = "wh_" + webhooks.incrementAndGet();
        return jdbi.inTransaction(h -> deriver.derive(h.getConnection(), marketplace, webhookId, event, acceptedAt));
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<String> fired(List<DerivedTrigger> triggers) {
        return triggers.stream().filter(DerivedTrigger::fired).map(DerivedTrigger::trigger).toList();
    }

    static String order(String orderId, String items) {
        return """
                {"type": "order.completed", %s, "order": {"id": "%s", "total_cents": 100, "currency": "USD"},
                 "items": [%s]}""".formatted(CUSTOMER, orderId, items);
    }

    static String item(String productId, String role) {
        return """
                {"product_id": "%s", "product_name": "Name of %s", "role": "%s", "price_cents": 100, "quantity": 1}"""
                .formatted(productId, productId, role);
    }

    static String refund(String refundId, String orderId, String productId, int price, int refunded) {
        return """
                {"type": "refund.created", %s, "refund": {"id": "%s"}, "order": {"id": "%s"},
                 "items": [{"product_id": "%s", "price_cents": %d, "refunded_cents": %d}]}"""
                .formatted(CUSTOMER, refundId, orderId, productId, price, refunded);
    }

    static String subscription(String type, String chargeId, int chargeNumber) {
        return subscription(type, chargeId, "\"kind\": \"recurring\", \"charge_number\": " + chargeNumber);
    }

    static String subscription(String type, String chargeId, String extra) {
        String charge = chargeId == null ? "" : ", \"charge\": {\"id\": \"" + chargeId + "\"}";
        return """
                {"type": "%s", %s,
                 "subscription": {"id": "sub_1", "product_id": "prod_sub", "product_name": "Monthly", %s}%s}"""
                .formatted(type, CUSTOMER, extra, charge);
    }

    static String canceled() {
        return subscription("subscription.canceled", null, "\"kind\": \"recurring\"");
    }

    static String restarted() {
        return subscription("subscription.restarted", null, "\"kind\": \"recurring\"");
    }

    // --- orders ---------------------------------------------------------------------------------

    @Test
    void anOrderFiresProductPurchasedPerItemAndUpsellPurchasedForUpsells() {
        List<DerivedTrigger> triggers = derive(order("o1", item("p1", "primary") + "," + item("p2", "upsell")
                + "," + item("p3", "order_bump")));

        assertThat(triggers).extracting(DerivedTrigger::trigger, DerivedTrigger::productId, DerivedTrigger::fired)
                .containsExactly(
                        tuple("product.purchased", "p1", true),
                        tuple("product.purchased", "p2", true),
                        tuple("upsell.purchased", "p2", true),
                        tuple("product.purchased", "p3", true));
        DerivedTrigger first = triggers.get(0);
        assertThat(first.productName()).isEqualTo("Name of p1");
        assertThat(first.customer()).isEqualTo(new Customer("Ada@Example.com", "Ada", "Lovelace", null, null,
                "Springfield", null, null, "US"));
    }

    @Test
    void theSameOrderItemReportedUnderANewWebhookIdFiresNothing() {
        derive(order("o1", item("p1", "upsell")));

        List<DerivedTrigger> again = derive(order("o1", item("p1", "upsell") + "," + item("p2", "primary")));

        assertThat(again).extracting(DerivedTrigger::trigger, DerivedTrigger::productId, DerivedTrigger::fired,
                        DerivedTrigger::message)
                .containsExactly(
                        tuple("product.purchased", "p1", false, "already fired for order o1 item p1"),
                        tuple("upsell.purchased", "p1", false, "already fired for order o1 item p1"),
                        tuple("product.purchased", "p2", true, "bought in order o1"));
        assertThat(fired(derive(order("o2", item("p1", "primary"))))).containsExactly("product.purchased");
    }

    @Test
    void theSameProductTwiceInOneOrderIsOneOrderItem() {
        assertThat(derive(order("o1", item("p1", "primary") + "," + item("p1", "order_bump"))))
                .extracting(DerivedTrigger::trigger, DerivedTrigger::fired)
                .containsExactly(tuple("product.purchased", true), tuple("product.purchased", false));
    }

    @Test
    void theSameFactInAnotherMarketplaceFiresThere() {
        derive(order("o1", item("p1", "primary")));
        marketplace = createMarketplace();

        assertThat(fired(derive(order("o1", item("p1", "primary"))))).containsExactly("product.purchased");
    }

    // --- refunds --------------------------------------------------------------------------------

    @Test
    void refundsAddUpPartialThenFull() {
        derive(order("o1", item("p1", "primary")));

        List<DerivedTrigger> partial = derive(refund("r1", "o1", "p1", 100, 40));
        List<DerivedTrigger> full = derive(refund("r2", "o1", "p1", 100, 60));

        assertThat(partial).extracting(DerivedTrigger::trigger, DerivedTrigger::fired, DerivedTrigger::message)
                .containsExactly(tuple("product.partially_refunded", true, "refunded 40 of 100 cents by refund r1"));
        assertThat(full).extracting(DerivedTrigger::trigger, DerivedTrigger::fired)
                .containsExactly(tuple("product.refunded", true));
    }

    @Test
    void theSameRefundAgainFiresNothingAndAddsNothing() {
        derive(refund("r1", "o1", "p1", 100, 40));

        List<DerivedTrigger> again = derive(refund("r1", "o1", "p1", 100, 40));
        List<DerivedTrigger> next = derive(refund("r2", "o1", "p1", 100, 40));

        assertThat(again).extracting(DerivedTrigger::trigger, DerivedTrigger::fired, DerivedTrigger::message)
                .containsExactly(tuple("product.partially_refunded", false, "refund r1 already counted for order o1 item p1"));
        assertThat(next).extracting(DerivedTrigger::trigger, DerivedTrigger::fired, DerivedTrigger::message)
                .containsExactly(tuple("product.partially_refunded", true, "refunded 80 of 100 cents by refund r2"));
    }

    /**
     * Planned once per connection: an array's length, visible to the planner, made it plan the refund's
     * statement anew at every call (0.3 ms of planning for 0.1 ms of work, bench/ingest).
     */
    @Test
    void aRefundsStatementKeepsItsGenericPlan() {
        Map<String, Object> plans = jdbi.withHandle(h -> {
            for (int i = 0; i < 15; i++) {
                String webhookId = "wh_plan_" + i;
                JsonNode event = parse(refund("r" + i, "o" + i, "p1", 100, 40));
                h.useTransaction(t -> deriver.derive(t.getConnection(), marketplace, webhookId, event, T0));
            }
            return h.createQuery("""
                    SELECT generic_plans, custom_plans FROM pg_prepared_statements
                     WHERE statement LIKE '%INSERT INTO refund_line%'""").mapToMap().one();
        });
        // pgjdbc prepares it on the server at its 5th call; PostgreSQL tries 5 custom plans, then keeps
        // the generic one if it costs no more
        assertThat(((Number) plans.get("generic_plans")).longValue()).as("%s", plans).isPositive();
        assertThat(((Number) plans.get("custom_plans")).longValue()).as("%s", plans).isLessThanOrEqualTo(5);
    }

    @Test
    void productRefundedFiresOncePerOrderItem() {
        assertThat(fired(derive(refund("r1", "o1", "p1", 100, 100)))).containsExactly("product.refunded");

        List<DerivedTrigger> over = derive(refund("r2", "o1", "p1", 100, 5));

        assertThat(over).extracting(DerivedTrigger::trigger, DerivedTrigger::fired)
                .containsExactly(tuple("product.refunded", false));
        assertThat(fired(derive(refund("r3", "o2", "p1", 100, 100)))).containsExactly("product.refunded");
    }

    // --- a batch ------------------------------------------------------------------------------

    /**
     * A batch writes its purchases and fired facts once, at its end: each event still fires what it
     * would one at a time, a fact two of its events share fires for the earlier one, and the same
     * webhook-id in two marketplaces is two events.
     */
    @Test
    void aBatchDecidesEachEventAsOneAtATimeWould() {
        String other = createMarketplace();
        List<TriggerDeriver.Arrival> arrivals = List.of(
                new TriggerDeriver.Arrival(marketplace, "wh_same", parse(order("o1", item("p1", "primary"))), T0),
                new TriggerDeriver.Arrival(other, "wh_same", parse(order("o1", item("p1", "upsell"))), T0),
                new TriggerDeriver.Arrival(marketplace, "wh_b", parse(order("o1", item("p1", "primary") + "," + item("p2", "primary"))), T0),
                new TriggerDeriver.Arrival(marketplace, "wh_c", parse(course("course.enrolled", "bob@example.com")), T0),
                new TriggerDeriver.Arrival(marketplace, "wh_d", parse(refund("r1", "o9", "p9", 100, 100)), T0));

        List<List<DerivedTrigger>> batch = jdbi.inTransaction(h -> deriver.derive(h.getConnection(), arrivals));

        assertThat(batch).hasSize(5);
        assertThat(fired(batch.get(0))).containsExactly("product.purchased");
        assertThat(fired(batch.get(1))).as("another marketplace, the same webhook-id").containsExactly("product.purchased", "upsell.purchased");
        assertThat(batch.get(2)).extracting(DerivedTrigger::productId, DerivedTrigger::fired, DerivedTrigger::message)
                .containsExactly(tuple("p1", false, "already fired for order o1 item p1"), tuple("p2", true, "bought in order o1"));
        assertThat(fired(batch.get(3))).containsExactly("course.enrolled");
        assertThat(fired(batch.get(4))).containsExactly("product.refunded");
        List<String> purchases = jdbi.withHandle(h -> h.createQuery("""
                SELECT marketplace_id = :m AS here, product_id, count(*) FROM purchase
                 WHERE marketplace_id IN (:m, :o) GROUP BY 1, 2 ORDER BY 1, 2""")
                .bind("m", marketplace).bind("o", other)
                .map((rs, ctx) -> rs.getBoolean(1) + " " + rs.getString(2) + " " + rs.getInt(3)).list());
        assertThat(purchases).as("every purchase recorded, once per order item").containsExactly("false p1 1", "true p1 1", "true p2 1");
        assertThat(fired(derive(order("o1", item("p2", "primary"))))).as("recorded for the next batch").isEmpty();
    }

    // --- subscriptions --------------------------------------------------------------------------

    @Test
    void onlyTheFirstFailureOfARunFiresAndTheFourthTurnsItDelinquentAndCanceled() {
        assertThat(fired(derive(subscription("subscription.charge_failed", "ch_1", 2))))
                .containsExactly("subscription.charge_failed");
        List<DerivedTrigger> second = derive(subscription("subscription.charge_failed", "ch_2", 2));
        List<DerivedTrigger> third = derive(subscription("subscription.charge_failed", "ch_3", 2));
        List<DerivedTrigger> fourth = derive(subscription("subscription.charge_failed", "ch_4", 2));
        List<DerivedTrigger> fifth = derive(subscription("subscription.charge_failed", "ch_5", 2));

        assertThat(fired(second)).isEmpty();
        assertThat(fired(third)).isEmpty();
        assertThat(fired(fourth)).containsExactly("subscription.delinquent", "subscription.canceled");
        assertThat(fourth).allSatisfy(t -> assertThat(t.productId()).isEqualTo("prod_sub"));
        assertThat(fired(fifth)).isEmpty();
    }

    @Test
    void aCancellationAfterDelinquencyIsSuppressed() {
        for (int i = 1; i <= 4; i++) {
            derive(subscription("subscription.charge_failed", "ch_" + i, 2));
        }

        assertThat(derive(canceled())).extracting(DerivedTrigger::trigger, DerivedTrigger::fired, DerivedTrigger::message)
                .containsExactly(tuple("subscription.canceled", false, "already canceled when it turned delinquent"));
    }

    @Test
    void aRestartResetsTheRunAndTheCancellationSoTheyFireAgain() {
        for (int i = 1; i <= 4; i++) {
            derive(subscription("subscription.charge_failed", "ch_" + i, 2));
        }

        assertThat(fired(derive(restarted()))).containsExactly("subscription.restarted");
        assertThat(fired(derive(restarted()))).isEmpty();
        assertThat(fired(derive(subscription("subscription.charge_failed", "ch_5", 3))))
                .containsExactly("subscription.charge_failed");
        derive(subscription("subscription.charge_failed", "ch_6", 3));
        derive(subscription("subscription.charge_failed", "ch_7", 3));
        assertThat(fired(derive(subscription("subscription.charge_failed", "ch_8", 3))))
                .containsExactly("subscription.delinquent", "subscription.canceled");
    }

    @Test
    void aCancellationFiresOnceUntilARestart() {
        assertThat(fired(derive(canceled()))).containsExactly("subscription.canceled");
        assertThat(derive(canceled())).extracting(DerivedTrigger::fired).containsExactly(false);
        assertThat(fired(derive(restarted()))).containsExactly("subscription.restarted");
        assertThat(fired(derive(canceled()))).containsExactly("subscription.canceled");
    }

    @Test
    void aSuccessfulChargeDuringARunFiresRecoveredAndEndsTheRun() {
        derive(subscription("subscription.charge_failed", "ch_1", 2));
        derive(subscription("subscription.charge_failed", "ch_2", 2));

        assertThat(fired(derive(subscription("subscription.charged", "ch_3", 2))))
                .containsExactly("subscription.charged", "subscription.recovered");
        assertThat(fired(derive(subscription("subscription.charged", "ch_4", 3))))
                .containsExactly("subscription.charged");
        assertThat(fired(derive(subscription("subscription.charge_failed", "ch_5", 4))))
                .containsExactly("subscription.charge_failed");
    }

    @Test
    void theSameChargeIdTwiceFiresNothingAndCountsOnce() {
        assertThat(fired(derive(subscription("subscription.charged", "ch_1", 1)))).containsExactly("subscription.charged");
        assertThat(derive(subscription("subscription.charged", "ch_1", 1)))
                .extracting(DerivedTrigger::trigger, DerivedTrigger::fired, DerivedTrigger::message)
                .containsExactly(tuple("subscription.charged", false, "charge ch_1 already counted"));

        for (int i = 0; i < 5; i++) {
            derive(subscription("subscription.charge_failed", "ch_2", 2)); // one failure, reported five times
        }
        derive(subscription("subscription.charge_failed", "ch_3", 2));
        derive(subscription("subscription.charge_failed", "ch_4", 2));
        assertThat(fired(derive(subscription("subscription.charge_failed", "ch_5", 2))))
                .containsExactly("subscription.delinquent", "subscription.canceled");
    }

    @Test
    void aLimitedSubscriptionCompletesOnItsFinalCharge() {
        String limited = "\"kind\": \"limited\", \"total_charges\": 3, \"charge_number\": ";
        assertThat(fired(derive(subscription("subscription.charged", "ch_1", limited + 2))))
                .containsExactly("subscription.charged");
        assertThat(fired(derive(subscription("subscription.charged", "ch_2", limited + 3))))
                .containsExactly("subscription.charged", "subscription.completed");
        assertThat(fired(derive(subscription("subscription.charged", "ch_3", limited + 3))))
                .containsExactly("subscription.charged");
    }

    @Test
    void aRestartOfASubscriptionThatIsNotCanceledIsSuppressed() {
        derive(subscription("subscription.charged", "ch_1", 1));

        assertThat(derive(restarted())).extracting(DerivedTrigger::trigger, DerivedTrigger::fired)
                .containsExactly(tuple("subscription.restarted", false));
    }

    @Test
    void aDeriverWithAnotherThresholdTurnsDelinquentThere() {
        TriggerDeriver strict = new TriggerDeriver(2, Duration.ofHours(2));
        List<DerivedTrigger> second = jdbi.inTransaction(h -> {
            strict.derive(h.getConnection(), marketplace, "w1", parse(subscription("subscription.charge_failed", "ch_1", 1)), T0);
            return strict.derive(h.getConnection(), marketplace, "w2", parse(subscription("subscription.charge_failed", "ch_2", 1)), T0);
        });

        assertThat(fired(second)).containsExactly("subscription.delinquent", "subscription.canceled");
    }

    // --- courses --------------------------------------------------------------------------------

    static String course(String type, String email) {
        return """
                {"type": "%s", "customer": {"email": "%s"}, "course": {"id": "c1", "name": "Course"},
                 "lesson": {"id": "l1", "name": "Lesson"}}""".formatted(type, email);
    }

    @Test
    void courseTriggersFireOncePerStudent() {
        for (String type : List.of("course.enrolled", "course.completed", "lesson.completed")) {
            List<DerivedTrigger> first = derive(course(type, "ada@example.com"));
            assertThat(first).extracting(DerivedTrigger::trigger, DerivedTrigger::productId,
                    DerivedTrigger::productName, DerivedTrigger::fired).containsExactly(tuple(type, "c1", "Course", true));
            assertThat(fired(derive(course(type, "ADA@example.com ")))).isEmpty();
            assertThat(fired(derive(course(type, "bob@example.com")))).containsExactly(type);
        }
        String otherLesson = course("lesson.completed", "ada@example.com").replace("\"l1\"", "\"l2\"");
        assertThat(fired(derive(otherLesson))).containsExactly("lesson.completed");
    }

    // --- preview (the rules dry-run) ------------------------------------------------------------

    static final List<String> STATE_TABLES = List.of("fired_trigger", "purchase", "refund_line", "prospect",
            "subscription_charge", "subscription_state");

    static List<Long> rowCounts() {
        return jdbi.withHandle(h -> STATE_TABLES.stream()
                .map(t -> h.createQuery("SELECT count(*) FROM " + t).mapTo(Long.class).one()).toList());
    }

    @Test
    void previewDerivesAsForAFreshCustomerAndTouchesNoTable() {
        derive(order("o1", item("p1", "upsell")));
        derive(refund("r1", "o1", "p1", 100, 40));
        derive(subscription("subscription.charge_failed", "ch_1", 2));
        List<Long> before = rowCounts();

        assertThat(deriver.preview(parse(order("o1", item("p1", "upsell")))))
                .extracting(DerivedTrigger::trigger, DerivedTrigger::fired)
                .containsExactly(tuple("product.purchased", true), tuple("upsell.purchased", true));
        assertThat(fired(deriver.preview(parse(refund("r1", "o1", "p1", 100, 40)))))
                .containsExactly("product.partially_refunded");
        assertThat(fired(deriver.preview(parse(refund("r9", "o1", "p1", 100, 100))))).containsExactly("product.refunded");
        assertThat(fired(deriver.preview(parse(subscription("subscription.charge_failed", "ch_2", 2)))))
                .containsExactly("subscription.charge_failed");
        assertThat(fired(deriver.preview(parse(subscription("subscription.charged", "ch_1", 2)))))
                .containsExactly("subscription.charged");
        assertThat(fired(deriver.preview(parse(canceled())))).containsExactly("subscription.canceled");
        assertThat(fired(deriver.preview(parse(restarted())))).containsExactly("subscription.restarted");
        assertThat(fired(deriver.preview(parse(course("lesson.completed", "ada@example.com")))))
                .containsExactly("lesson.completed");
        assertThat(deriver.preview(parse("""
                {"type": "prospect.created", %s, "prospect": {"id": "pr1"},
                 "items": [{"product_id": "p1", "product_name": "P1"}]}""".formatted(CUSTOMER))))
                .extracting(DerivedTrigger::trigger, DerivedTrigger::productId, DerivedTrigger::fired)
                .containsExactly(tuple("prospect.created", "p1", true));
        assertThat(fired(new TriggerDeriver(1, Duration.ofHours(2))
                .preview(parse(subscription("subscription.charge_failed", "ch_2", 2)))))
                .containsExactly("subscription.charge_failed", "subscription.delinquent", "subscription.canceled");

        assertThat(rowCounts()).isEqualTo(before);
    }
}
