package io.hlbridge.engine.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.hlbridge.engine.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prospects wait out their delay, fire unless bought meanwhile, and are claimed once across replicas. */
class ProspectScheduleIT {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Duration DELAY = Duration.ofHours(2);

    final TriggerDeriver deriver = new TriggerDeriver(4, DELAY);
    final ProspectSchedule schedule = new ProspectSchedule();

    static Jdbi jdbi;
    String marketplace;
    int webhooks;

    @BeforeAll
    static void database() {
        String url = TestDatabase.newDatabase();
        Flyway.configure().dataSource(url, "postgres", "").load().migrate();
        jdbi = Jdbi.create(url, "postgres", "");
    }

    @BeforeEach
    void emptyQueue() {
        // claimDue spans every marketplace: each test starts with no prospects.
        jdbi.useHandle(h -> h.execute("TRUNCATE prospect, purchase, inbox_event"));
        marketplace = "mkt_" + UUID.randomUUID();
        jdbi.useHandle(h -> h.execute(
                "INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES (?, ?, ?, 'x')",
                marketplace, marketplace, marketplace));
    }

    List<DerivedTrigger> derive(String body, Instant acceptedAt) {
        String webhookId = "wh_" + ++webhooks;
        return jdbi.inTransaction(h -> deriver.derive(h.getConnection(), marketplace, webhookId, TriggerDeriverIT.parse(body), acceptedAt));
    }

    static String prospect(String prospectId, String occurredAt, String... products) {
        List<String> items = new ArrayList<>();
        for (String p : products) {
            items.add("{\"product_id\": \"" + p + "\", \"product_name\": \"Name of " + p + "\"}");
        }
        return """
                {"type": "prospect.created", "occurred_at": "%s", %s, "prospect": {"id": "%s"}, "items": [%s]}"""
                .formatted(occurredAt, TriggerDeriverIT.CUSTOMER, prospectId, String.join(",", items));
    }

    static String order(String orderId, String occurredAt, String productId) {
        return """
                {"type": "order.completed", "occurred_at": "%s", "customer": {"email": "ada@example.com"},
                 "order": {"id": "%s", "total_cents": 100, "currency": "USD"},
                 "items": [{"product_id": "%s", "product_name": "P", "role": "primary", "price_cents": 100, "quantity": 1}]}"""
                .formatted(occurredAt, orderId, productId);
    }

    List<DueProspect> claim(Instant now) {
        return jdbi.inTransaction(h -> schedule.claimDue(h, now, 100));
    }

    @Test
    void aProspectFiresOnceAfterItsDelayWhenNotBought() {
        assertThat(derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1"), T0)).isEmpty();
        assertThat(jdbi.withHandle(schedule::nextDue)).contains(T0.plus(DELAY));

        assertThat(claim(T0.plus(DELAY).minusSeconds(1))).isEmpty();
        List<DueProspect> due = claim(T0.plus(DELAY));

        assertThat(due).hasSize(1);
        assertThat(due.get(0).marketplaceId()).isEqualTo(marketplace);
        assertThat(due.get(0).sourceWebhookId()).isEqualTo("wh_1");
        DerivedTrigger trigger = due.get(0).trigger();
        assertThat(trigger).extracting(DerivedTrigger::trigger, DerivedTrigger::productId, DerivedTrigger::productName,
                DerivedTrigger::fired).containsExactly("prospect.created", "p1", "Name of p1", true);
        assertThat(trigger.customer().email()).isEqualTo("Ada@Example.com");
        assertThat(trigger.customer().city()).isEqualTo("Springfield");
        assertThat(claim(T0.plus(DELAY).plusSeconds(60))).isEmpty();
        assertThat(jdbi.withHandle(schedule::nextDue)).isEmpty();
    }

    @Test
    void aProspectBoughtMeanwhileIsSuppressedOnceAndNeverFires() {
        derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1", "p2"), T0);
        derive(order("o1", "2026-11-26T10:30:00Z", "p1"), T0.plus(Duration.ofMinutes(30)));

        List<DueProspect> due = claim(T0.plus(DELAY));

        assertThat(due).extracting(d -> d.trigger().productId(), d -> d.trigger().fired(), d -> d.trigger().message())
                .containsExactlyInAnyOrder(
                        tuple("p1", false, "bought meanwhile (order o1)"),
                        tuple("p2", true, "prospect pr1 not bought within the delay"));
        assertThat(claim(T0.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void aPurchaseBeforeTheProspectDoesNotSuppressIt() {
        derive(order("o1", "2026-11-26T09:00:00Z", "p1"), T0.minus(Duration.ofHours(1)));
        derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1"), T0);

        assertThat(claim(T0.plus(DELAY))).extracting(d -> d.trigger().fired()).containsExactly(true);
    }

    @Test
    void aProspectDeliveredLateIsSuppressedByAPurchaseAfterItWasCreated() {
        derive(order("o1", "2026-11-26T10:30:00Z", "p1"), T0.plus(Duration.ofMinutes(30)));
        derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1"), T0.plus(Duration.ofMinutes(31)));

        assertThat(claim(T0.plus(Duration.ofHours(3)))).extracting(d -> d.trigger().message())
                .containsExactly("bought meanwhile (order o1)");
    }

    @Test
    void aReReportedProspectIsNotDuplicated() {
        derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1"), T0);
        derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1"), T0.plusSeconds(5));

        assertThat(claim(T0.plus(Duration.ofHours(3)))).hasSize(1);
    }

    @Test
    void aProspectWaitsForItsCustomersUnprocessedEvents() {
        derive(prospect("pr1", "2026-11-26T10:00:00Z", "p1"), T0);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload, received_at)
                VALUES (?, 'wh_pending', 'order.completed', 'ada@example.com', '{}', ?)""",
                marketplace, T0.plus(Duration.ofHours(1))));

        assertThat(claim(T0.plus(DELAY))).isEmpty();

        jdbi.useHandle(h -> h.execute("UPDATE inbox_event SET status = 'done'"));
        assertThat(claim(T0.plus(DELAY))).hasSize(1);
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void twoConcurrentClaimersNeverClaimTheSameProspect() throws Exception {
        String[] products = new String[40];
        for (int i = 0; i < products.length; i++) {
            products[i] = "p" + i;
        }
        derive(prospect("pr1", "2026-11-26T10:00:00Z", products), T0);
        Instant due = T0.plus(DELAY);
        CountDownLatch firstClaimed = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);

        // The first claimer holds its rows (transaction open) while the second claims.
        CompletableFuture<List<DueProspect>> first = CompletableFuture.supplyAsync(() -> jdbi.inTransaction(h -> {
            List<DueProspect> claimed = schedule.claimDue(h, due, 15);
            firstClaimed.countDown();
            awaitQuietly(secondDone);
            return claimed;
        }));
        assertThat(firstClaimed.await(20, TimeUnit.SECONDS)).isTrue();
        List<DueProspect> second = CompletableFuture.supplyAsync(
                () -> jdbi.inTransaction(h -> schedule.claimDue(h, due, 15))).get(20, TimeUnit.SECONDS);
        secondDone.countDown();
        List<DueProspect> rest = claim(due);

        Set<String> claimed = new HashSet<>();
        for (List<DueProspect> batch : List.of(first.get(20, TimeUnit.SECONDS), second, rest)) {
            for (DueProspect p : batch) {
                assertThat(claimed.add(p.trigger().productId())).as("claimed twice: %s", p).isTrue();
            }
        }
        assertThat(first.get()).hasSize(15);
        assertThat(second).hasSize(15);
        assertThat(claimed).hasSize(40);
    }
}
