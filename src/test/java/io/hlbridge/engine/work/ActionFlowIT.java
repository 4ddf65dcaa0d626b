package io.hlbridge.engine.work;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.highlevel.HighLevelContract;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Store events through the whole engine into HighLevel (the sandbox, behind a recording proxy):
 * every action's HighLevel calls (spec §5), and every request and answer checked against
 * HighLevel's official OpenAPI files.
 */
class ActionFlowIT {
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

    record Shop(Marketplace marketplace, String integrationId) {
    }

    static Shop shop(String name) {
        Marketplace m = Marketplace.create(engine, name);
        JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "HL " + name);
        assertThat(integration.path("status").asText()).isEqualTo("connected");
        return new Shop(m, integration.path("id").asText());
    }

    static String rule(Shop s, String scope, String productId, String trigger, String action, String tags) {
        return s.marketplace().rule("""
                {"scope":"%s",%s"trigger":"%s","integration_id":"%s","action":"%s"%s}"""
                .formatted(scope, productId == null ? "" : "\"product_id\":\"" + productId + "\",", trigger, s.integrationId(),
                        action, tags == null ? "" : ",\"tags\":" + tags)).path("id").asText();
    }

    static List<String> paths(JsonNode entry) {
        List<String> out = new ArrayList<>();
        entry.path("calls").forEach(c -> out.add(c.path("method").asText() + " " + c.path("path").asText().replaceAll("/contacts/[^/?]+/tags", "/contacts/{id}/tags")));
        return out;
    }

    @Test
    void addTags_upsertsWithoutTags_thenTags_andAReturningCustomerCostsOneCall() {
        Shop s = shop("Tags Shop");
        rule(s, "product", "prod_1", "product.purchased", "add_tags", "[\" customer \",\"course-x\",\"Customer\"]");
        s.marketplace().deliver("evt_t1", Webhooks.order("ada@example.com", "o1", "prod_1"));
        JsonNode first = s.marketplace().awaitActions("evt_t1", 1, status("succeeded")).get(0);
        assertThat(paths(first)).containsExactly("POST /contacts/upsert", "POST /contacts/{id}/tags");
        JsonObject contact = highLevel.contact("ada@example.com");
        assertThat(contact.getJsonArray("tags").getList()).containsExactlyInAnyOrder("customer", "course-x");
        assertThat(contact.getString("firstName")).isEqualTo("Ada");

        s.marketplace().deliver("evt_t2", Webhooks.order("ada@example.com", "o2", "prod_1"));
        JsonNode again = s.marketplace().awaitActions("evt_t2", 1, status("succeeded")).get(0);
        assertThat(paths(again)).containsExactly("POST /contacts/{id}/tags");

        JsonNode upsert = recordedBody("/contacts/upsert", "ada@example.com");
        assertThat(upsert.has("tags")).isFalse();
        assertThat(upsert.path("source").asText()).isEqualTo("Tags Shop");
        assertThat(upsert.has("phone")).isFalse(); // not sent by the store: left out, never null
    }

    @Test
    void createContact_withAndWithoutTags_andTheEventLogTellsTheStory() {
        Shop s = shop("Create Shop");
        rule(s, "global", null, "course.enrolled", "create_contact", null);
        rule(s, "global", null, "course.enrolled", "create_contact", "[\"student\"]");
        s.marketplace().deliver("evt_c1", """
                {"type":"course.enrolled","customer":{"email":"grace@example.com","first_name":"Grace","phone":"+14155550101",
                 "address":{"line1":"1 Main St","city":"Springfield","state":"IL","postal_code":"62701","country":"US"}},
                 "course":{"id":"course_1","name":"Navy"}}""");
        JsonNode actions = s.marketplace().awaitActions("evt_c1", 2, status("succeeded"));
        List<List<String>> calls = new ArrayList<>();
        actions.forEach(a -> calls.add(paths(a)));
        assertThat(calls).anySatisfy(c -> assertThat(c).containsExactly("POST /contacts/upsert"));
        assertThat(calls).anySatisfy(c -> assertThat(c).endsWith("POST /contacts/{id}/tags"));
        assertThat(highLevel.contact("grace@example.com").getJsonArray("tags").getList()).containsExactly("student");
        JsonNode upsert = recordedBody("/contacts/upsert", "grace@example.com");
        assertThat(upsert.path("address1").asText()).isEqualTo("1 Main St");
        assertThat(upsert.path("postalCode").asText()).isEqualTo("62701");

        JsonNode all = s.marketplace().logs("q=evt_c1").path("items");
        assertThat(StreamSupport.stream(all.spliterator(), false).map(e -> e.path("kind").asText() + ":" + e.path("status").asText()))
                .contains("event:accepted", "trigger:fired", "action:succeeded");
        JsonNode call = actions.get(0).path("calls").get(0);
        assertThat(call.path("status").asInt()).isEqualTo(200);
        assertThat(call.path("latency_ms").isNumber()).isTrue();
        assertThat(call.path("trace_id").asText()).isNotBlank();
    }

    @Test
    void removeTags_skipsAnUnknownCustomer_andRemovesFromAKnownOne() {
        Shop s = shop("Remove Shop");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"buyer\",\"vip\"]");
        rule(s, "global", null, "product.refunded", "remove_tags", "[\"vip\"]");
        s.marketplace().deliver("evt_r0", """
                {"type":"refund.created","customer":{"email":"nobody@example.com"},"refund":{"id":"r0"},"order":{"id":"o0"},
                 "items":[{"product_id":"p","price_cents":100,"refunded_cents":100}]}""");
        JsonNode skipped = s.marketplace().awaitActions("evt_r0", 1, status("skipped")).get(0);
        assertThat(paths(skipped)).containsExactly("GET /contacts/search/duplicate");
        assertThat(skipped.path("message").asText()).contains("nothing to remove");

        s.marketplace().deliver("evt_r1", Webhooks.order("lin@example.com", "o9", "p"));
        s.marketplace().awaitActions("evt_r1", 1, status("succeeded"));
        s.marketplace().deliver("evt_r2", """
                {"type":"refund.created","customer":{"email":"lin@example.com"},"refund":{"id":"r9"},"order":{"id":"o9"},
                 "items":[{"product_id":"p","price_cents":4900,"refunded_cents":4900}]}""");
        JsonNode removed = s.marketplace().awaitActions("evt_r2", 1, status("succeeded")).get(0);
        assertThat(paths(removed)).containsExactly("DELETE /contacts/{id}/tags");
        assertThat(highLevel.contact("lin@example.com").getJsonArray("tags").getList()).containsExactly("buyer");
    }

    @Test
    void aJobNamingAnActionNoRouteFileDeclaresFailsSayingSo_withNoCall() {
        Shop s = shop("Unknown Action Shop");
        String ruleId = rule(s, "global", null, "product.purchased", "add_tags", "[\"buyer\"]");
        // the API refuses it (RulesApiIT); the catalog is the only list, so only a hand-edited database, or a
        // rule saved by an engine that had another action file, can hold one
        engine.jdbi().useHandle(h -> h.execute("UPDATE rule SET action = 'send_sms' WHERE id = ?", ruleId));
        try {
            s.marketplace().deliver("evt_u1", Webhooks.order("unknown-action@example.com", "ou1", "p"));
            JsonNode failed = s.marketplace().awaitActions("evt_u1", 1, status("failed")).get(0);
            assertThat(failed.path("message").asText()).contains("unknown action 'send_sms'");
            assertThat(failed.path("calls")).isEmpty();
            assertThat(highLevel.exchanges()).noneMatch(e -> e.getRequest().getBodyAsString().contains("unknown-action@example.com"));
        } finally {
            engine.jdbi().useHandle(h -> h.execute("UPDATE rule SET action = 'add_tags' WHERE id = ?", ruleId));
        }
    }

    @Test
    void productAndGlobalRulesEachFireOncePerTrigger_andOtherProductsDoNot() {
        Shop s = shop("Scope Shop");
        rule(s, "product", "prod_a", "product.purchased", "add_tags", "[\"a-buyer\"]");
        rule(s, "product", "prod_b", "product.purchased", "add_tags", "[\"b-buyer\"]");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"any-buyer\"]");
        String disabled = rule(s, "global", null, "product.purchased", "add_tags", "[\"disabled\"]");
        s.marketplace().call("PATCH", "/rules/" + disabled, "{\"enabled\":false}");
        s.marketplace().deliver("evt_s1", Webhooks.order("scope@example.com", "os1", "prod_a"));
        s.marketplace().awaitActions("evt_s1", 2, status("succeeded"));
        assertThat(highLevel.contact("scope@example.com").getJsonArray("tags").getList()).containsExactlyInAnyOrder("a-buyer", "any-buyer");
    }

    @Test
    void aStoreEventThatCannotBeProcessedHoldsUpNoOther_andIsProcessedOnceWhenItCan() {
        Shop s = shop("Batch Shop");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"buyer\"]");
        // the database refuses this one order (as it would refuse a row breaking a constraint)
        engine.jdbi().useHandle(h -> h.execute("ALTER TABLE purchase ADD CONSTRAINT refuse_for_test CHECK (order_id <> 'o-refused')"));
        try {
            s.marketplace().deliver("evt_b0", Webhooks.order("refused@example.com", "o-refused", "prod_1"));
            for (int i = 1; i <= 5; i++) {
                s.marketplace().deliver("evt_b" + i, Webhooks.order("batch" + i + "@example.com", "ob" + i, "prod_1"));
            }
            for (int i = 1; i <= 5; i++) {
                s.marketplace().awaitActions("evt_b" + i, 1, status("succeeded"));
            }
            String refused = engine.jdbi().withHandle(h -> h.createQuery(
                    "SELECT status FROM inbox_event WHERE webhook_id = 'evt_b0'").mapTo(String.class).one());
            assertThat(refused).isEqualTo("pending");
            assertThat(s.marketplace().logs("kind=action&q=evt_b0").path("items")).isEmpty();
        } finally {
            engine.jdbi().useHandle(h -> h.execute("ALTER TABLE purchase DROP CONSTRAINT refuse_for_test"));
        }
        // its lease runs out (made to, here): it is processed, once
        engine.jdbi().useHandle(h -> h.execute("UPDATE inbox_event SET lease_until = NULL WHERE webhook_id = 'evt_b0'"));
        assertThat(s.marketplace().awaitActions("evt_b0", 1, status("succeeded"))).hasSize(1);
        assertThat(highLevel.contact("refused@example.com").getJsonArray("tags").getList()).containsExactly("buyer");
    }

    @Test
    void aServerErrorIsRetried_andAnUnprocessableRequestFailsAtOnce_andReplaySucceeds() {
        Shop s = shop("Retry Shop");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"retry\"]");
        highLevel.sandbox().failNext("/contacts/upsert", 503, 1);
        s.marketplace().deliver("evt_e1", Webhooks.order("retry@example.com", "oe1", "p"));
        JsonNode retrying = s.marketplace().awaitActions("evt_e1", 1, status("retrying")).get(0);
        assertThat(retrying.path("message").asText()).contains("503").contains("next attempt");
        engine.jdbi().useHandle(h -> h.execute("UPDATE action_job SET due_at = now() WHERE log_id = ?", retrying.path("id").asText()));
        JsonNode done = s.marketplace().awaitActions("evt_e1", 1, status("succeeded")).get(0);
        assertThat(done.path("calls")).hasSize(3);
        assertThat(done.path("calls").get(0).path("status").asInt()).isEqualTo(503);

        highLevel.sandbox().failNext("/tags", 422, 1);
        s.marketplace().deliver("evt_e2", Webhooks.order("retry@example.com", "oe2", "p"));
        JsonNode failed = s.marketplace().awaitActions("evt_e2", 1, status("failed")).get(0);
        assertThat(failed.path("message").asText()).contains("422");
        var replay = s.marketplace().call("POST", "/logs/" + failed.path("id").asText() + "/replay", null);
        assertThat(replay.statusCode()).isEqualTo(202);
        JsonNode replayEntry = Json.read(replay.body());
        assertThat(replayEntry.path("replay_of").asText()).isEqualTo(failed.path("id").asText());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                Json.read(s.marketplace().call("GET", "/logs/" + replayEntry.path("id").asText(), null).body()).path("status").asText().equals("succeeded"));
        assertThat(s.marketplace().call("POST", "/logs/" + done.path("id").asText() + "/replay", null).statusCode()).isEqualTo(409);

        // each attempt's outcome is counted for operators (README, "Metrics"); other tests share the engine
        String metrics = engine.send("GET", engine.managementUrl() + "/observe/metrics", null, null).body();
        assertThat(actionsCounted(metrics, "add_tags", "retrying")).isGreaterThanOrEqualTo(1);
        assertThat(actionsCounted(metrics, "add_tags", "failed")).isGreaterThanOrEqualTo(1);
        assertThat(actionsCounted(metrics, "add_tags", "succeeded")).isGreaterThanOrEqualTo(2);
    }

    static double actionsCounted(String metrics, String action, String outcome) {
        Matcher m = Pattern.compile("(?m)^engine_actions_total\\{action=\"" + action
                + "\",outcome=\"" + outcome + "\",?} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void a429WaitsAsLongAsItsRetryAfterSays_andItsTraceIdHeaderIsLogged_amongHeadersTheEngineDoesNotRead() {
        // the second location: a 429 holds its location off for the Retry-After, and the other tests use the first
        Marketplace m = Marketplace.create(engine, "Throttled Shop");
        JsonNode created = Json.read(m.call("POST", "/integrations", "{\"name\":\"Throttled location\"}").body());
        HighLevelHarness.approve(engine, created.path("authorize_url").asText() + "&location_id=" + highLevel.sandbox().locations().get(1).id());
        Shop s = new Shop(m, created.path("id").asText());
        rule(s, "global", null, "product.purchased", "add_tags", "[\"slow\"]");
        var throttled = post(urlPathEqualTo("/contacts/upsert")).withRequestBody(containing("throttled@example.com")).atPriority(1)
                .willReturn(aResponse().withStatus(429)
                        .withHeader("Content-Type", "application/json").withHeader("Retry-After", "600")
                        .withHeader("x-trace-id", "trace-429").withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Daily-Remaining", "199000").withHeader("cf-ray", "8f0c1d2e3a4b5c6d-FRA")
                        .withHeader("Set-Cookie", "__cf_bm=x; path=/").withBody("{\"statusCode\":429,\"message\":\"Too Many Requests\"}"));
        var stub = highLevel.proxy().stubFor(throttled);
        try {
            s.marketplace().deliver("evt_r1", Webhooks.order("throttled@example.com", "or1", "p"));
            JsonNode retrying = s.marketplace().awaitActions("evt_r1", 1, status("retrying")).get(0);
            assertThat(retrying.path("calls").get(0).path("status").asInt()).isEqualTo(429);
            assertThat(retrying.path("calls").get(0).path("trace_id").asText()).isEqualTo("trace-429");
            double dueInSeconds = engine.jdbi().withHandle(h -> h.createQuery(
                    "SELECT extract(epoch FROM due_at - now()) FROM action_job WHERE log_id = :l")
                    .bind("l", retrying.path("id").asText()).mapTo(Double.class).one());
            assertThat(dueInSeconds).as("Retry-After: 600 wins over the schedule's 10 s").isBetween(500.0, 600.0);
        } finally {
            highLevel.proxy().removeStub(stub);
        }
    }

    @Test
    void anExpiredAccessTokenIsRefreshedOnceOn401_andTheActionSucceeds() {
        Shop s = shop("Token Shop");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"t\"]");
        long refreshesBefore = highLevel.sandbox().stats().refreshes();
        highLevel.sandbox().expireAllAccessTokens();
        s.marketplace().deliver("evt_k1", Webhooks.order("token@example.com", "ok1", "p"));
        JsonNode done = s.marketplace().awaitActions("evt_k1", 1, status("succeeded")).get(0);
        assertThat(done.path("calls").get(0).path("status").asInt()).isEqualTo(401);
        assertThat(highLevel.sandbox().stats().refreshes() - refreshesBefore).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aDeadRefreshChainParksActionsAsWaiting_untilTheIntegrationIsReconnected() {
        Shop s = shop("Dead Chain Shop");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"patient\"]");
        highLevel.sandbox().revokeRefreshChain(highLevel.locationId());
        highLevel.sandbox().expireAllAccessTokens();
        s.marketplace().deliver("evt_d1", Webhooks.order("dead@example.com", "od1", "p"));
        JsonNode waiting = s.marketplace().awaitActions("evt_d1", 1, status("waiting")).get(0);
        assertThat(waiting.path("message").asText()).contains("reconnect");
        JsonNode integration = Json.read(s.marketplace().call("GET", "/integrations/" + s.integrationId(), null).body());
        assertThat(integration.path("status").asText()).isEqualTo("needs_reconnect");

        JsonNode connect = Json.read(s.marketplace().call("POST", "/integrations/" + s.integrationId() + "/connect", null).body());
        highLevel.approve(engine, connect.path("authorize_url").asText());
        s.marketplace().awaitActions("evt_d1", 1, status("succeeded"));
        assertThat(highLevel.contact("dead@example.com").getJsonArray("tags").getList()).contains("patient");
    }

    @Test
    void actionsOfAPendingIntegrationWait_andDeletingItCancelsThem() {
        Marketplace m = Marketplace.create(engine, "Pending Shop");
        JsonNode integration = Json.read(m.call("POST", "/integrations", "{\"name\":\"Not yet\"}").body());
        m.rule("{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\"" + integration.path("id").asText()
                + "\",\"action\":\"add_tags\",\"tags\":[\"x\"]}");
        m.deliver("evt_p1", Webhooks.order("pending@example.com", "op1", "p"));
        JsonNode waiting = m.awaitActions("evt_p1", 1, status("waiting")).get(0);
        assertThat(waiting.path("message").asText()).contains("Not yet");
        assertThat(m.call("DELETE", "/integrations/" + integration.path("id").asText(), null).statusCode()).isEqualTo(204);
        JsonNode canceled = Json.read(m.call("GET", "/logs/" + waiting.path("id").asText(), null).body());
        assertThat(canceled.path("status").asText()).isEqualTo("canceled");
    }

    @Test
    void aRememberedContactThatIsGoneIsForgottenAndFoundAgain() {
        Shop s = shop("Gone Shop");
        rule(s, "global", null, "product.purchased", "add_tags", "[\"back\"]");
        s.marketplace().deliver("evt_g1", Webhooks.order("gone@example.com", "og1", "p"));
        s.marketplace().awaitActions("evt_g1", 1, status("succeeded"));
        engine.jdbi().useHandle(h -> h.execute("UPDATE contact_ref SET contact_id = 'deleted-contact' WHERE email = 'gone@example.com'"));
        s.marketplace().deliver("evt_g2", Webhooks.order("gone@example.com", "og2", "p"));
        JsonNode done = s.marketplace().awaitActions("evt_g2", 1, status("succeeded")).get(0);
        assertThat(paths(done)).containsExactly("POST /contacts/{id}/tags", "POST /contacts/upsert", "POST /contacts/{id}/tags");
    }

    @Test
    void everyRequestTheEngineSendsAndEveryAnswerConformToHighLevelsOpenApiFiles() {
        Shop s = shop("Contract Shop");
        rule(s, "global", null, "product.purchased", "create_contact", "[\"c\"]");
        rule(s, "global", null, "product.purchased", "remove_tags", "[\"c\"]");
        s.marketplace().deliver("evt_x1", Webhooks.order("contract@example.com", "ox1", "p"));
        s.marketplace().awaitActions("evt_x1", 2, status("succeeded", "skipped"));
        // enough traffic of its own, whatever ran before (a customer's actions now run one after another)
        for (int i = 2; i <= 4; i++) {
            s.marketplace().deliver("evt_x" + i, Webhooks.order("contract" + i + "@example.com", "ox" + i, "p"));
            s.marketplace().awaitActions("evt_x" + i, 2, status("succeeded", "skipped"));
        }
        HighLevelContract contract = HighLevelContract.get();
        int checked = 0;
        for (ServeEvent e : highLevel.exchanges()) {
            URI uri = URI.create(e.getRequest().getAbsoluteUrl());
            String path = uri.getRawPath();
            if (!HighLevelContract.covers(path)) {
                continue;
            }
            Map<String, List<String>> headers = new java.util.HashMap<>();
            e.getRequest().getHeaders().all().forEach(h -> headers.put(h.key(), h.values()));
            String body = e.getRequest().getBodyAsString();
            contract.assertRequestConforms(e.getRequest().getMethod().getName(), path, HighLevelContract.query(uri), headers,
                    body == null || body.isEmpty() ? null : body);
            Map<String, List<String>> responseHeaders = new java.util.HashMap<>();
            e.getResponse().getHeaders().all().forEach(h -> responseHeaders.put(h.key(), h.values()));
            contract.assertResponseConforms(e.getRequest().getMethod().getName(), path, e.getResponse().getStatus(),
                    responseHeaders, e.getResponse().getBodyAsString());
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    /** The body of the last recorded request to {@code path} that mentions {@code email}. */
    static JsonNode recordedBody(String path, String email) {
        return highLevel.exchanges().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(path) && e.getRequest().getBodyAsString().contains(email))
                .reduce((a, b) -> b)
                .map(e -> Json.read(e.getRequest().getBodyAsString()))
                .orElseThrow(() -> new AssertionError("no " + path + " request for " + email));
    }
}
