package io.hlbridge.engine.ingest;

import static io.hlbridge.engine.support.EngineUnderTest.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Webhooks;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebhookIT {
    static EngineUnderTest engine;
    static String marketplaceId;
    static String secret;

    @BeforeAll
    static void start() {
        engine = EngineUnderTest.start();
        JsonNode m = Json.read(engine.send("POST", "/api/v1/marketplaces", OPERATOR_TOKEN, "{\"name\":\"Webhook Shop\"}").body());
        marketplaceId = m.path("id").asText();
        secret = m.path("webhook_secret").asText();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    HttpResponse<String> deliver(String id, String body) {
        return engine.send(Webhooks.signed(engine.baseUrl(), marketplaceId, secret, id, body));
    }

    int storedCount(String webhookId) {
        return engine.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM inbox_event WHERE webhook_id = :id")
                .bind("id", webhookId).mapTo(Integer.class).one());
    }

    String inboxStatus(String webhookId) {
        return engine.jdbi().withHandle(h -> h.createQuery("SELECT status FROM inbox_event WHERE webhook_id = :id")
                .bind("id", webhookId).mapTo(String.class).one());
    }

    @Test
    void aSignedEventIsStoredThenAcknowledged_andARedeliveryIsADuplicate() {
        String body = Webhooks.order("Ada@Example.com", "o-100", "prod_1");
        HttpResponse<String> first = deliver("evt_100", body);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(Json.read(first.body()).path("status").asText()).isEqualTo("accepted");
        assertThat(Json.read(first.body()).path("id").asText()).isEqualTo("evt_100");
        assertThat(storedCount("evt_100")).as("stored (committed) before the 202").isEqualTo(1);

        HttpResponse<String> again = deliver("evt_100", body);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(Json.read(again.body()).path("status").asText()).isEqualTo("duplicate");
        assertThat(storedCount("evt_100")).isEqualTo(1);

        JsonNode row = engine.jdbi().withHandle(h -> h.createQuery(
                "SELECT json_build_object('type', event_type, 'key', ordering_key, 'status', status, 'payload', payload)::text FROM inbox_event WHERE webhook_id = 'evt_100'")
                .map((rs, ctx) -> Json.read(rs.getString(1))).one());
        assertThat(row.path("type").asText()).isEqualTo("order.completed");
        assertThat(row.path("key").asText()).isEqualTo("ada@example.com");
        assertThat(row.path("payload").path("items").get(0).path("product_id").asText()).isEqualTo("prod_1");
        // and the engine core then consumes it: the stored row reaches done
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> inboxStatus("evt_100"), "done"::equals);
    }

    @Test
    void concurrentDeliveriesOfOneIdStoreItOnce() throws Exception {
        String body = Webhooks.order("race@example.com", "o-race", "prod_1");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> Json.read(deliver("evt_race", body).body()).path("status").asText());
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).containsOnly("accepted", "duplicate");
            assertThat(outcomes.stream().filter("accepted"::equals)).hasSize(1);
            assertThat(storedCount("evt_race")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Many different events, each delivered twice at once, are each stored once, answered accepted once and
     * duplicate once, and each delivery has its own receipt in the log.
     */
    @Test
    void eventsArrivingTogetherAreEachStoredOnce_withTheirOwnReceipts() throws Exception {
        int events = 48;
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                String id = "evt_group_" + i;
                String body = Webhooks.order("group" + i + "@example.com", "o-group-" + i, "prod_1");
                calls.add(() -> id + ":" + Json.read(deliver(id, body).body()).path("status").asText());
                calls.add(() -> id + ":" + Json.read(deliver(id, body).body()).path("status").asText());
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                outcomes.add(f.get());
            }
            for (int i = 0; i < events; i++) {
                assertThat(outcomes).as("evt_group_" + i).containsOnlyOnce("evt_group_" + i + ":accepted", "evt_group_" + i + ":duplicate");
                assertThat(storedCount("evt_group_" + i)).isEqualTo(1);
            }
            var receipts = engine.jdbi().withHandle(h -> h.createQuery("""
                    SELECT status, count(*) FROM event_log
                     WHERE kind = 'event' AND event_id LIKE 'evt_group_%' GROUP BY status""")
                    .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getInt(2))).list());
            assertThat(receipts).containsExactlyInAnyOrder(java.util.Map.entry("accepted", events), java.util.Map.entry("duplicate", events));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badSignaturesAndStaleTimestampsAre401_andStoreNothing() {
        String body = Webhooks.order("ada@example.com", "o-1", "p");
        String wrongSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(engine.send(Webhooks.signed(engine.baseUrl(), marketplaceId, wrongSecret, "evt_bad", body)).statusCode()).isEqualTo(401);
        long stale = Instant.now().minusSeconds(301).getEpochSecond();
        HttpResponse<String> old = engine.send(Webhooks.signedAt(engine.baseUrl(), marketplaceId, secret, "evt_stale", body, stale));
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> unsigned = engine.send(HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/webhooks/" + marketplaceId))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(Json.read(unsigned.body()).path("detail").asText()).contains("webhook-id");
        assertThat(storedCount("evt_bad") + storedCount("evt_stale")).isZero();
    }

    @Test
    void anUnknownMarketplaceIs404() {
        HttpResponse<String> r = engine.send(Webhooks.signed(engine.baseUrl(), "mkt_unknown", secret, "evt_x", Webhooks.order("a@b.co", "o", "p")));
        assertThat(r.statusCode()).isEqualTo(404);
        HttpResponse<String> nul = engine.send(Webhooks.signed(engine.baseUrl(), "mkt%00", secret, "evt_x", Webhooks.order("a@b.co", "o", "p")));
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(Json.read(nul.body()).path("field").asText()).isEqualTo("marketplaceId");
    }

    @Test
    void notJsonIs415_andTooLargeIs413() {
        HttpResponse<String> xml = engine.send(HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/webhooks/" + marketplaceId))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString("<a/>")).build());
        assertThat(xml.statusCode()).isEqualTo(415);
        String huge = "{\"type\":\"course.enrolled\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
        HttpResponse<String> big = deliver("evt_big", huge);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(storedCount("evt_big")).isZero();
    }

    @Test
    void malformedOrInvalidBodiesAre400NamingTheField_neverA5xx() {
        HttpResponse<String> malformed = deliver("evt_m", "{\"type\": \"order.completed\",");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("at io.");

        HttpResponse<String> invalid = deliver("evt_i", "{\"type\":\"course.enrolled\",\"customer\":{},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode problem = Json.read(invalid.body());
        assertThat(problem.path("field").asText()).isEqualTo("customer.email");
        assertThat(problem.path("detail").asText()).contains("customer.email");

        for (String junk : List.of("", "null", "[]", "\"str\"", "{\"type\":null}", "{\"type\":\"order.completed\",\"customer\":{\"email\":\"a@b.co\"},\"items\":\"x\"}",
                "{\"type\":\"order.completed\",\"customer\":{\"email\":\"a@b.co\"},\"order\":{\"id\":\"o\",\"total_cents\":1e400,\"currency\":\"USD\"}}",
                // PostgreSQL cannot store a NUL character or a lone surrogate, escaped or not
                "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"a@b.co\",\"first_name\":\"A\\u0000\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}",
                "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"a@b.co\",\"first_name\":\"A\\ud800\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}")) {
            HttpResponse<String> r = deliver("evt_junk_" + junk.hashCode(), junk);
            assertThat(r.statusCode()).as(junk + " → " + r.body()).isEqualTo(400);
        }
        assertThat(storedCount("evt_m") + storedCount("evt_i")).isZero();

        HttpResponse<String> nul = deliver("evt_nul", "{\"type\":\"order.completed\",\"customer\":{\"email\":\"a@b.co\"},"
                + "\"items\":[{\"product_id\":\"p\\u0000\",\"product_name\":\"P\",\"role\":\"primary\",\"price_cents\":1,\"quantity\":1}]}");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(Json.read(nul.body()).path("field").asText()).isEqualTo("items[0].product_id");
        // amounts are added up as 64-bit integers: one past 2^53 - 1 could not be
        HttpResponse<String> huge = deliver("evt_huge", "{\"type\":\"refund.created\",\"customer\":{\"email\":\"a@b.co\"},\"refund\":{\"id\":\"r\"},"
                + "\"order\":{\"id\":\"o\"},\"items\":[{\"product_id\":\"p\",\"price_cents\":1,\"refunded_cents\":99999999999999999999}]}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(Json.read(huge.body()).path("field").asText()).isEqualTo("items[0].refunded_cents");
        assertThat(Json.read(huge.body()).path("detail").asText()).contains("at most 9007199254740991");
        // an escaped character PostgreSQL can store is fine
        assertThat(deliver("evt_accent", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"a@b.co\",\"first_name\":\"Ren\\u00e9 \\ud83d\\ude00\"},"
                + "\"course\":{\"id\":\"c\",\"name\":\"C\"}}").statusCode()).isEqualTo(202);
    }

    @Test
    void responsesNeverEchoRequestSecrets() {
        HttpResponse<String> r = deliver("evt_echo", Webhooks.order("echo@example.com", "o-echo", "p"));
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("webhook-signature") || h.equalsIgnoreCase("authorization"));
        HttpResponse<String> api = engine.send("GET", "/api/v1/marketplaces/" + marketplaceId, OPERATOR_TOKEN, null);
        assertThat(api.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("authorization"));
    }
}
