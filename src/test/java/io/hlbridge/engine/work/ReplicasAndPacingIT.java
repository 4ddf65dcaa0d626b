package io.hlbridge.engine.work;

import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.sandbox.SandboxSettings;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.support.Webhooks;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Two engines on one database share the work without doubling any effect; calls are paced per location. */
class ReplicasAndPacingIT {

    @Test
    void twoEnginesOnOneDatabaseProcessTheSameStreamWithNoEffectDoubled() {
        try (HighLevelHarness highLevel = new HighLevelHarness(SandboxSettings.builder().rateLimit(100_000, 10_000).build())) {
            Map<String, String> env = new HashMap<>(highLevel.engineEnvironment());
            env.put("ENGINE_DB_URL", TestDatabase.newDatabase());
            try (EngineUnderTest a = EngineUnderTest.start(env); EngineUnderTest b = EngineUnderTest.start(env)) {
                Marketplace m = Marketplace.create(a, "Replicated");
                JsonNode integration = highLevel.connect(a, m.id(), m.apiKey(), "HL");
                m.rule("{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\"" + integration.path("id").asText()
                        + "\",\"action\":\"add_tags\",\"tags\":[\"buyer\"]}");
                m.rule("{\"scope\":\"global\",\"trigger\":\"subscription.charge_failed\",\"integration_id\":\"" + integration.path("id").asText()
                        + "\",\"action\":\"add_tags\",\"tags\":[\"dunning\"]}");
                Marketplace viaB = new Marketplace(b, m.id(), m.apiKey(), m.secret());
                int events = 0;
                for (int i = 0; i < 30; i++) {
                    Marketplace via = i % 2 == 0 ? m : viaB;
                    via.deliver("evt_o" + i, Webhooks.order("c" + (i % 6) + "@example.com", "o" + i, "p"));
                    // the same order reported again under a new webhook-id, through the other engine: fires nothing new
                    (i % 2 == 0 ? viaB : m).deliver("evt_o" + i + "_again", Webhooks.order("c" + (i % 6) + "@example.com", "o" + i, "p"));
                    events += 2;
                }
                for (int i = 0; i < 4; i++) { // a run of failed charges: only the first fires charge_failed
                    (i % 2 == 0 ? m : viaB).deliver("evt_f" + i, """
                            {"type":"subscription.charge_failed","customer":{"email":"sub@example.com"},
                             "subscription":{"id":"sub_1","product_id":"p","product_name":"P","kind":"recurring","charge_number":3},
                             "charge":{"id":"ch_%d"}}""".formatted(i));
                    events++;
                }
                int expectedEvents = events;
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> a.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FILTER (WHERE status = 'done') = :n AND count(*) = :n FROM inbox_event")
                        .bind("n", expectedEvents).mapTo(Boolean.class).one()));
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> a.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM action_job WHERE status <> 'succeeded'").mapTo(Integer.class).one()) == 0);
                Map<String, Object> jobs = a.jdbi().withHandle(h -> h.createQuery("""
                        SELECT count(*) AS total, max(attempts) AS max_attempts,
                               count(*) FILTER (WHERE trigger = 'subscription.charge_failed') AS dunning
                          FROM action_job""").mapToMap().one());
                assertThat(((Number) jobs.get("total")).intValue()).isEqualTo(31);
                assertThat(((Number) jobs.get("max_attempts")).intValue()).isEqualTo(1);
                assertThat(((Number) jobs.get("dunning")).intValue()).isEqualTo(1);
                long tagCalls = highLevel.exchanges().stream().filter(e -> e.getRequest().getUrl().endsWith("/tags")).count();
                assertThat(tagCalls).isEqualTo(31);
            }
        }
    }

    @Test
    void callsToOneLocationStayUnderItsAdvertisedLimit_andABusyLocationDoesNotDelayAnother() {
        SandboxSettings tight = SandboxSettings.builder().rateLimit(10, 2_000).build();
        try (HighLevelHarness highLevel = new HighLevelHarness(tight);
             EngineUnderTest engine = EngineUnderTest.start(highLevel.engineEnvironment())) {
            Marketplace m = Marketplace.create(engine, "Paced");
            JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "Tight location");
            m.rule("{\"scope\":\"global\",\"trigger\":\"course.enrolled\",\"integration_id\":\"" + integration.path("id").asText()
                    + "\",\"action\":\"create_contact\"}");
            // the first answer teaches the engine this location's limit (it assumes HighLevel's 100 / 10 s before)
            m.deliver("evt_learn", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"learn@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
            m.awaitActions("evt_learn", 1, status("succeeded"));
            for (int i = 0; i < 16; i++) {
                m.deliver("evt_pace" + i, "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"pace" + i
                        + "@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
            }
            Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> engine.jdbi().withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM action_job WHERE status = 'succeeded'").mapTo(Integer.class).one()) == 17);
            assertThat(highLevel.sandbox().stats().rateLimited()).isZero();
            Integer learned = engine.jdbi().withHandle(h -> h.createQuery("SELECT max_requests FROM location_pace")
                    .mapTo(Integer.class).one());
            assertThat(learned).isEqualTo(10);

            // the first location is booked a minute ahead; the second one's actions still run at once
            engine.jdbi().useHandle(h -> h.execute("UPDATE location_pace SET next_free_at = now() + interval '1 minute'"));
            m.deliver("evt_busy", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"busy@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
            Marketplace other = Marketplace.create(engine, "Other location");
            JsonNode created = io.hlbridge.engine.api.Json.read(other.call("POST", "/integrations", "{\"name\":\"Second\"}").body());
            String second = highLevel.sandbox().locations().get(1).id();
            highLevel.approve(engine, created.path("authorize_url").asText() + "&location_id=" + second);
            other.rule("{\"scope\":\"global\",\"trigger\":\"course.enrolled\",\"integration_id\":\"" + created.path("id").asText()
                    + "\",\"action\":\"create_contact\"}");
            other.deliver("evt_free", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"free@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
            other.awaitActions("evt_free", 1, status("succeeded"));
            JsonNode busy = m.awaitActions("evt_busy", 1, status("pending")).get(0);
            assertThat(busy.path("status").asText()).isEqualTo("pending");
            assertThat(busy.path("calls")).isEmpty();
        }
    }
}
