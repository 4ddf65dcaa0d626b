package io.hlbridge.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules API (spec §4): validation naming the field, scopes, enable/disable, and the dry run. */
class RulesApiIT {
    static EngineUnderTest engine;
    static Marketplace shop;
    static String integrationId;

    @BeforeAll
    static void start() {
        engine = EngineUnderTest.start();
        shop = Marketplace.create(engine, "Rules Shop");
        integrationId = Json.read(shop.call("POST", "/integrations", "{\"name\":\"Main\"}").body()).path("id").asText();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static String body(String scope, String product, String trigger, String action, String tags) {
        return "{\"scope\":\"" + scope + "\"," + (product == null ? "" : "\"product_id\":\"" + product + "\",")
                + "\"trigger\":\"" + trigger + "\",\"integration_id\":\"" + integrationId + "\",\"action\":\"" + action + "\""
                + (tags == null ? "" : ",\"tags\":" + tags) + "}";
    }

    static String fieldOf(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return Json.read(r.body()).path("field").asText();
    }

    @Test
    void createsAProductRule_trimmingAndDeduplicatingTags() {
        HttpResponse<String> r = shop.call("POST", "/rules", body("product", "prod_1", "product.purchased", "add_tags",
                "[\" customer \",\"course-x\",\"Customer\",\"course-x \"]"));
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode rule = Json.read(r.body());
        assertThat(rule.path("id").asText()).startsWith("rul_");
        assertThat(rule.path("tags")).extracting(JsonNode::asText).containsExactly("customer", "course-x");
        assertThat(rule.path("enabled").asBoolean()).isTrue();
        assertThat(rule.path("product_id").asText()).isEqualTo("prod_1");
        assertThat(Json.read(shop.call("GET", "/rules/" + rule.path("id").asText(), null).body()).path("trigger").asText())
                .isEqualTo("product.purchased");
    }

    @Test
    void refusesInvalidRulesNamingTheField() {
        assertThat(fieldOf(shop.call("POST", "/rules", body("everything", null, "product.purchased", "add_tags", "[\"a\"]")))).isEqualTo("scope");
        assertThat(fieldOf(shop.call("POST", "/rules", body("product", null, "product.purchased", "add_tags", "[\"a\"]")))).isEqualTo("product_id");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.exploded", "add_tags", "[\"a\"]")))).isEqualTo("trigger");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.purchased", "send_email", "[\"a\"]")))).isEqualTo("action");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.purchased", "add_tags", null)))).isEqualTo("tags");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.purchased", "remove_tags", "[]")))).isEqualTo("tags");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.purchased", "add_tags", "[\"  \"]")))).isEqualTo("tags[0]");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.purchased", "add_tags",
                "[" + "\"t\",".repeat(0) + String.join(",", java.util.stream.IntStream.range(0, 21).mapToObj(i -> "\"t" + i + "\"").toList()) + "]"))))
                .isEqualTo("tags");
        assertThat(fieldOf(shop.call("POST", "/rules", body("global", null, "product.purchased", "add_tags", "[\"" + "x".repeat(101) + "\"]"))))
                .isEqualTo("tags[0]");
        assertThat(fieldOf(shop.call("POST", "/rules", "{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\"int_nope\",\"action\":\"create_contact\"}")))
                .isEqualTo("integration_id");
        assertThat(shop.call("POST", "/rules", "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void anotherMarketplacesIntegrationIsRefused_andItsRulesAreInvisible() {
        Marketplace other = Marketplace.create(engine, "Other Rules Shop");
        String otherIntegration = Json.read(other.call("POST", "/integrations", "{\"name\":\"Theirs\"}").body()).path("id").asText();
        HttpResponse<String> r = shop.call("POST", "/rules", "{\"scope\":\"global\",\"trigger\":\"course.enrolled\",\"integration_id\":\""
                + otherIntegration + "\",\"action\":\"create_contact\"}");
        assertThat(fieldOf(r)).isEqualTo("integration_id");
        String theirs = other.rule("{\"scope\":\"global\",\"trigger\":\"course.enrolled\",\"integration_id\":\"" + otherIntegration
                + "\",\"action\":\"create_contact\"}").path("id").asText();
        assertThat(shop.call("GET", "/rules/" + theirs, null).statusCode()).isEqualTo(404);
        assertThat(engine.send("GET", other.path("/rules"), shop.apiKey(), null).statusCode()).isEqualTo(403);
    }

    @Test
    void replacesPatchesDisablesAndDeletes_andListsByScope() {
        String id = Json.read(shop.call("POST", "/rules", body("global", null, "subscription.charge_failed", "add_tags", "[\"dunning\"]")).body())
                .path("id").asText();
        JsonNode patched = Json.read(shop.call("PATCH", "/rules/" + id, "{\"enabled\":false}").body());
        assertThat(patched.path("enabled").asBoolean()).isFalse();
        assertThat(patched.path("tags").get(0).asText()).isEqualTo("dunning");
        JsonNode replaced = Json.read(shop.call("PUT", "/rules/" + id, body("product", "prod_9", "subscription.charge_failed", "remove_tags", "[\"paid\"]")).body());
        assertThat(replaced.path("scope").asText()).isEqualTo("product");
        assertThat(replaced.path("enabled").asBoolean()).isTrue();
        assertThat(Json.read(shop.call("GET", "/rules?scope=product&product_id=prod_9", null).body()).path("items"))
                .extracting(n -> n.path("id").asText()).contains(id);
        assertThat(fieldOf(shop.call("PATCH", "/rules/" + id, "{\"enabled\":\"no\"}"))).isEqualTo("enabled");
        assertThat(shop.call("DELETE", "/rules/" + id, null).statusCode()).isEqualTo(204);
        assertThat(shop.call("GET", "/rules/" + id, null).statusCode()).isEqualTo(404);
        assertThat(shop.call("DELETE", "/rules/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void theDryRunShowsTriggersAndCalls_makingNoneAndStoringNothing() {
        String id = Json.read(shop.call("POST", "/rules", body("global", null, "upsell.purchased", "add_tags", "[\"upsold\"]")).body())
                .path("id").asText();
        int inboxBefore = count("inbox_event") + count("action_job") + count("fired_trigger");
        HttpResponse<String> r = shop.call("POST", "/rules/" + id + "/test", """
                {"type":"order.completed","customer":{"email":"dry@example.com","first_name":"Dry"},
                 "order":{"id":"o1","total_cents":200,"currency":"USD"},
                 "items":[{"product_id":"p1","product_name":"Main","role":"primary","price_cents":100,"quantity":1},
                          {"product_id":"p2","product_name":"Extra","role":"upsell","price_cents":100,"quantity":1}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode dry = Json.read(r.body());
        assertThat(dry.path("triggers")).extracting(t -> t.path("trigger").asText() + "/" + t.path("product_id").asText() + "/" + t.path("matches_rule").asBoolean())
                .containsExactlyInAnyOrder("product.purchased/p1/false", "product.purchased/p2/false", "upsell.purchased/p2/true");
        assertThat(dry.path("calls")).extracting(c -> c.path("method").asText() + " " + c.path("path").asText())
                .containsExactly("POST /contacts/upsert", "POST /contacts/{contactId}/tags");
        assertThat(dry.path("calls").get(0).path("body").has("tags")).isFalse();
        assertThat(dry.path("calls").get(1).path("body").path("tags").get(0).asText()).isEqualTo("upsold");
        assertThat(count("inbox_event") + count("action_job") + count("fired_trigger")).isEqualTo(inboxBefore);
        assertThat(fieldOf(shop.call("POST", "/rules/" + id + "/test", "{\"type\":\"order.completed\",\"customer\":{}}"))).isEqualTo("customer.email");
    }

    @Test
    void theTriggerCatalogAndProductsAreListed() {
        JsonNode triggers = Json.read(engine.send("GET", "/api/v1/triggers", shop.apiKey(), null).body()).path("items");
        assertThat(triggers).hasSize(15);
        assertThat(triggers.get(0).path("display_name").asText()).isEqualTo("Product Purchased");
        // each explained in one sentence, with the delay and the threshold this engine runs with (PT2H, 4)
        assertThat(triggers).allSatisfy(t -> assertThat(t.path("explanation").asText()).startsWith("Fires ").doesNotContain("{"));
        assertThat(explanation(triggers, "prospect.created")).startsWith("Fires 2 hours after a customer started a checkout");
        assertThat(explanation(triggers, "subscription.delinquent")).contains("the 4th failed charge in a row");
        JsonNode settings = Json.read(engine.send("GET", "/api/v1/triggers", shop.apiKey(), null).body()).path("settings");
        assertThat(settings.path("prospect_delay").asText()).isEqualTo("PT2H");
        assertThat(settings.path("delinquent_after").asInt()).isEqualTo(4);
    }

    private static String explanation(JsonNode triggers, String id) {
        for (JsonNode t : triggers) {
            if (t.path("id").asText().equals(id)) {
                return t.path("explanation").asText();
            }
        }
        throw new AssertionError("no trigger " + id);
    }

    @Test
    void productsSeenInEventsAreListed_withTheNameLastSent() {
        Marketplace store = Marketplace.create(engine, "Products Shop");
        store.deliver("evt_p1", Webhooks.order("p1@example.com", "op1", "prod_seen"));
        awaitProducts(store, "prod_seen=Course X");
        store.deliver("evt_p2", Webhooks.order("p2@example.com", "op2", "prod_seen").replace("Course X", "Course X (2nd edition)"));
        awaitProducts(store, "prod_seen=Course X (2nd edition)");
    }

    /** Waits until the store's product list is exactly {@code products} ("id=name"). */
    static void awaitProducts(Marketplace store, String... products) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Json.read(store.call("GET", "/products", null).body()).path("items"))
                        .extracting(i -> i.path("product_id").asText() + "=" + i.path("product_name").asText())
                        .containsExactly(products));
    }

    static int count(String table) {
        return engine.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
    }
}
