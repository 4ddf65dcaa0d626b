package io.hlbridge.engine.eventlog;

import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log explains itself and replays (issue 13, console points 2, 3 and 9): the bodies of each HighLevel
 * call, an event's payload (secrets masked) and its entries by {@code event_id}; an original naming its
 * replay; bulk replay of the filtered failures, each once; "retry now"; and the overview counted from the
 * durable tables, by index.
 */
class ExplainedLogIT {
    static HighLevelHarness highLevel;
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        highLevel = new HighLevelHarness();
        engine = EngineUnderTest.start(highLevel.engineEnvironment());
    }

    @AfterAll
    static void stop() {
        engine.close();
        highLevel.close();
    }

    private static Marketplace shopWithTagRule(String name, String tag) {
        Marketplace m = Marketplace.create(engine, name);
        JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), name + " HL");
        m.rule("{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\"" + integration.path("id").asText()
                + "\",\"action\":\"add_tags\",\"tags\":[\"" + tag + "\"]}");
        return m;
    }

    @Test
    void anEventEntryShowsItsPayloadMaskedAndLeadsToWhatItProduced_andEachCallKeepsItsBodies() {
        Marketplace m = shopWithTagRule("Explained", "explained");
        m.deliver("evt_x1", """
                {"type":"order.completed","customer":{"email":"explained@example.com","first_name":"Ada",
                 "password":"hunter2","api_key":"k-123"},"checkout_token":"tok-9","note":"whsec_c2VjcmV0",
                 "order":{"id":"ox1","total_cents":4900,"currency":"USD"},
                 "items":[{"product_id":"p1","product_name":"Course X","role":"primary","price_cents":4900,"quantity":1}]}""");
        JsonNode action = m.awaitActions("evt_x1", 1, status("succeeded")).get(0);

        JsonNode sameEvent = m.logs("event_id=evt_x1").path("items");
        List<String> kinds = new ArrayList<>();
        sameEvent.forEach(e -> {
            assertThat(e.path("event_id").asText()).isEqualTo("evt_x1");
            kinds.add(e.path("kind").asText());
        });
        assertThat(kinds).containsExactly("action", "trigger", "event"); // newest first
        assertThat(m.logs("event_id=evt_other").path("items")).isEmpty();

        JsonNode eventEntry = Json.read(m.call("GET", "/logs/" + sameEvent.get(2).path("id").asText(), null).body());
        JsonNode payload = eventEntry.path("payload");
        assertThat(payload.path("customer").path("email").asText()).isEqualTo("explained@example.com");
        assertThat(payload.path("customer").path("first_name").asText()).isEqualTo("Ada");
        assertThat(payload.path("customer").path("password").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(payload.path("customer").path("api_key").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(payload.path("checkout_token").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(payload.path("note").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(eventEntry.toString()).doesNotContain("hunter2", "k-123", "tok-9", "c2VjcmV0");
        // the list stays light: payloads only on one entry
        assertThat(sameEvent.get(2).has("payload")).isFalse();
        // the action names the rule it came from; its calls carry bodies, never a header or a token
        assertThat(action.path("rule_id").asText()).startsWith("rul_");
        JsonNode calls = action.path("calls");
        assertThat(calls).hasSize(2);
        JsonNode upsert = calls.get(0);
        assertThat(upsert.path("path").asText()).isEqualTo("/contacts/upsert");
        assertThat(Json.read(upsert.path("request_body").asText()).path("email").asText()).isEqualTo("explained@example.com");
        assertThat(Json.read(upsert.path("response_body").asText()).path("contact").path("id").asText()).isNotEmpty();
        assertThat(Json.read(calls.get(1).path("request_body").asText()).path("tags").get(0).asText()).isEqualTo("explained");
        assertThat(action.toString()).doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("bearer");
    }

    @Test
    void aReplayedActionNamesItsReplay_andBulkReplayRerunsEachFilteredFailureOnce() {
        Marketplace m = shopWithTagRule("Bulk", "bulk");
        highLevel.sandbox().failNext("/tags", 422, 3);
        for (int i = 1; i <= 3; i++) {
            m.deliver("evt_f" + i, Webhooks.order("bulk" + i + "@example.com", "of" + i, "p"));
        }
        List<String> failed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            failed.add(m.awaitActions("evt_f" + i, 1, status("failed")).get(0).path("id").asText());
        }
        // one replayed on its own first: the original names its replay
        JsonNode single = Json.read(m.call("POST", "/logs/" + failed.get(0) + "/replay", null).body());
        assertThat(Json.read(m.call("GET", "/logs/" + failed.get(0), null).body()).path("replayed_by").asText())
                .isEqualTo(single.path("id").asText());

        assertThat(Json.read(m.call("POST", "/logs/replay?kind=event", null).body()).path("field").asText()).isEqualTo("kind");
        assertThat(Json.read(m.call("POST", "/logs/replay?status=succeeded", null).body()).path("field").asText()).isEqualTo("status");
        // filtered: only the second customer's failure
        HttpResponse<String> narrow = m.call("POST", "/logs/replay?status=failed&q=bulk2%40example.com", null);
        assertThat(narrow.statusCode()).isEqualTo(202);
        assertThat(Json.read(narrow.body()).path("replayed").asInt()).isEqualTo(1);
        // all failures: only the third is left to replay
        JsonNode all = Json.read(m.call("POST", "/logs/replay?status=failed", null).body());
        assertThat(all.path("replayed").asInt()).isEqualTo(1);
        assertThat(all.path("items").get(0).path("replay_of").asText()).isEqualTo(failed.get(2));
        assertThat(all.path("more").asBoolean()).isFalse();
        assertThat(Json.read(m.call("POST", "/logs/replay", null).body()).path("replayed").asInt()).isZero();
        for (String id : failed) {
            JsonNode original = Json.read(m.call("GET", "/logs/" + id, null).body());
            String replay = original.path("replayed_by").asText();
            assertThat(replay).startsWith("log_");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    Json.read(m.call("GET", "/logs/" + replay, null).body()).path("status").asText().equals("succeeded"));
        }
        assertThat(m.logs("kind=action&status=succeeded").path("items")).hasSize(3);
    }

    /** Deleting an integration keeps its name on the log's old entries, marked deleted (console point 10). */
    @Test
    void anIntegrationDeletedSinceIsStillNamedInOldEntries() {
        Marketplace m = shopWithTagRule("Gone Shop", "gone");
        m.deliver("evt_gone1", Webhooks.order("gone@example.com", "og1", "p"));
        JsonNode action = m.awaitActions("evt_gone1", 1, status("succeeded")).get(0);
        assertThat(action.path("integration_name").asText()).isEqualTo("Gone Shop HL");
        assertThat(action.path("integration_deleted").asBoolean()).isFalse();

        assertThat(m.call("DELETE", "/integrations/" + action.path("integration_id").asText(), null).statusCode()).isEqualTo(204);
        JsonNode after = Json.read(m.call("GET", "/logs/" + action.path("id").asText(), null).body());
        assertThat(after.path("integration_name").asText()).isEqualTo("Gone Shop HL");
        assertThat(after.path("integration_deleted").asBoolean()).isTrue();
        JsonNode listed = m.logs("kind=action&event_id=evt_gone1").path("items").get(0);
        assertThat(listed.path("integration_name").asText()).isEqualTo("Gone Shop HL");
        assertThat(listed.path("integration_deleted").asBoolean()).isTrue();
    }

    /** Two bulk replays at once (a double click, two tabs, two replicas) still replay each failure once. */
    @Test
    void bulkReplaysAtOnceReplayEachFailureOnce() throws Exception {
        Marketplace m = shopWithTagRule("Bulk Race", "race");
        int failures = 6;
        highLevel.sandbox().failNext("/tags", 422, failures);
        List<String> failed = new ArrayList<>();
        for (int i = 1; i <= failures; i++) {
            m.deliver("evt_race" + i, Webhooks.order("race" + i + "@example.com", "orace" + i, "p"));
            failed.add(m.awaitActions("evt_race" + i, 1, status("failed")).get(0).path("id").asText());
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> bulk = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bulk.add(pool.submit(() -> Json.read(m.call("POST", "/logs/replay?status=failed&q=race", null).body()).path("replayed").asInt()));
            }
            int replayed = 0;
            for (var f : bulk) {
                replayed += f.get();
            }
            assertThat(replayed).isEqualTo(failures);
        } finally {
            pool.shutdownNow();
        }
        for (String id : failed) {
            int replays = engine.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM event_log WHERE replay_of = :id")
                    .bind("id", id).mapTo(Integer.class).one());
            assertThat(replays).as("replays of " + id).isEqualTo(1);
        }
    }

    @Test
    void retryNowMakesARetryingActionDueAtOnce_andAnythingElseIsAConflict() {
        Marketplace m = shopWithTagRule("Retry Now", "again");
        highLevel.sandbox().failNext("/contacts/upsert", 503, 1);
        m.deliver("evt_r1", Webhooks.order("retrynow@example.com", "or1", "p"));
        String id = m.awaitActions("evt_r1", 1, status("retrying")).get(0).path("id").asText();
        boolean dueLater = engine.jdbi().withHandle(h -> h.createQuery("SELECT due_at > now() + interval '2 seconds' FROM action_job WHERE log_id = :id")
                .bind("id", id).mapTo(Boolean.class).one());
        assertThat(dueLater).isTrue();

        HttpResponse<String> retry = m.call("POST", "/logs/" + id + "/retry", null);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(Json.read(retry.body()).path("id").asText()).isEqualTo(id);
        // due at once rather than in 10 s: a worker may already have claimed it and, the location's next pacing
        // slot being a few hundred milliseconds away, deferred it to that slot (still 'retrying', due in < 2 s)
        boolean dueNow = engine.jdbi().withHandle(h -> h.createQuery(
                "SELECT due_at <= now() + interval '2 seconds' OR status <> 'retrying' FROM action_job WHERE log_id = :id")
                .bind("id", id).mapTo(Boolean.class).one());
        assertThat(dueNow).isTrue();
        JsonNode done = m.awaitActions("evt_r1", 1, status("succeeded")).get(0);
        assertThat(done.path("calls").get(0).path("status").asInt()).isEqualTo(503);

        assertThat(m.call("POST", "/logs/" + id + "/retry", null).statusCode()).isEqualTo(409);
        assertThat(m.call("POST", "/logs/log_nope/retry", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theOverviewCountsTheLastDayAndWeekFromTheDurableTables() {
        Marketplace m = shopWithTagRule("Overview", "seen");
        highLevel.sandbox().failNext("/tags", 422, 1);
        m.deliver("evt_o1", Webhooks.order("overview1@example.com", "oo1", "p"));
        m.awaitActions("evt_o1", 1, status("failed"));
        m.deliver("evt_o2", Webhooks.order("overview2@example.com", "oo2", "p"));
        m.awaitActions("evt_o2", 1, status("succeeded"));
        // an event of three days ago, as an older inbox row
        engine.jdbi().useHandle(h -> h.execute("""
                INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload, received_at, status)
                VALUES (?, 'evt_old', 'order.completed', 'k', '{}', now() - interval '3 days', 'done')""", m.id()));
        assertThat(m.call("POST", "/integrations", "{\"name\":\"Not yet\"}").statusCode()).isEqualTo(201);

        JsonNode o = Json.read(m.call("GET", "/overview?tz=UTC", null).body());
        assertThat(o.path("last_24h").path("events").asInt()).isEqualTo(2);
        assertThat(o.path("last_24h").path("actions").path("succeeded").asInt()).isEqualTo(1);
        assertThat(o.path("last_24h").path("actions").path("failed").asInt()).isEqualTo(1);
        assertThat(o.path("last_24h").path("actions").path("waiting").asInt()).isZero();
        assertThat(o.path("last_7_days").path("events").asInt()).isEqualTo(3);
        JsonNode days = o.path("days");
        assertThat(days).hasSize(7);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(days.get(6).path("date").asText()).isEqualTo(today.toString());
        assertThat(days.get(3).path("date").asText()).isEqualTo(today.minusDays(3).toString());
        assertThat(days.get(3).path("events").asInt()).isEqualTo(1);
        assertThat(o.path("last_event_at").asText()).isNotEmpty();
        assertThat(o.path("integrations_not_connected")).hasSize(1);
        assertThat(o.path("integrations_not_connected").get(0).path("status").asText()).isEqualTo("pending");

        assertThat(Json.read(m.call("GET", "/overview?tz=Mars/Olympus", null).body()).path("field").asText()).isEqualTo("tz");
        assertThat(engine.send("GET", "/api/v1/marketplaces/mkt_nope/overview", EngineUnderTest.OPERATOR_TOKEN, null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void theOverviewsCountsReadIndexesNotTheWholeTables() {
        // thousands of rows over 20 marketplaces and 90 days; one marketplace's last week is a small range
        engine.jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc)
                    SELECT 'mkt_plan' || g, 'Plan ' || g, 'hash-plan-' || g, 'x' FROM generate_series(1, 20) g""");
            h.execute("""
                    INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload, received_at, status)
                    SELECT 'mkt_plan' || (g % 20 + 1), 'evt_plan' || g, 'order.completed', 'k' || g, '{}',
                           now() - (g % 90) * interval '1 day', 'done' FROM generate_series(1, 6000) g""");
            h.execute("""
                    INSERT INTO action_job (log_id, marketplace_id, integration_id, action, trigger, event_id, customer, source, status, created_at)
                    SELECT 'log_plan' || g, 'mkt_plan' || (g % 20 + 1), 'int_plan', 'add_tags', 'product.purchased', 'evt_plan' || g,
                           '{"email":"p@example.com"}', 'Plan', 'succeeded', now() - (g % 90) * interval '1 day'
                      FROM generate_series(1, 6000) g""");
            h.execute("ANALYZE inbox_event");
            h.execute("ANALYZE action_job");
        });
        String events = plan("""
                SELECT width_bucket(received_at, ARRAY[now() - interval '6 days']), count(*) FROM inbox_event
                 WHERE marketplace_id = 'mkt_plan3' AND received_at >= now() - interval '6 days' GROUP BY 1""");
        String actions = plan("""
                SELECT width_bucket(created_at, ARRAY[now() - interval '6 days']), status, count(*) FROM action_job
                 WHERE marketplace_id = 'mkt_plan3' AND created_at >= now() - interval '6 days' GROUP BY 1, 2""");
        String last = plan("SELECT max(received_at) FROM inbox_event WHERE marketplace_id = 'mkt_plan3'");
        assertThat(events).contains("inbox_event_received").doesNotContain("Seq Scan");
        assertThat(actions).contains("action_job_created").doesNotContain("Seq Scan");
        assertThat(last).contains("inbox_event_received").doesNotContain("Seq Scan");
    }

    private static String plan(String sql) {
        List<String> lines = engine.jdbi().withHandle(h -> h.createQuery("EXPLAIN " + sql).mapTo(String.class).list());
        return String.join("\n", lines);
    }
}
