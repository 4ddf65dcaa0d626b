package io.hlbridge.engine.marketplace;

import static io.hlbridge.engine.support.EngineUnderTest.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Webhooks;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MarketplaceApiIT {
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        engine = EngineUnderTest.start();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static JsonNode create(String name) {
        HttpResponse<String> r = engine.send("POST", "/api/v1/marketplaces", OPERATOR_TOKEN, "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.read(r.body());
    }

    @Test
    void theOperatorCreatesAMarketplaceAndGetsItsCredentialsOnce() {
        JsonNode m = create("Shop One");
        assertThat(m.path("id").asText()).startsWith("mkt_");
        assertThat(m.path("name").asText()).isEqualTo("Shop One");
        assertThat(m.path("webhook_secret").asText()).startsWith("whsec_");
        assertThat(m.path("api_key").asText()).startsWith("mk_");

        HttpResponse<String> get = engine.send("GET", "/api/v1/marketplaces/" + m.path("id").asText(), OPERATOR_TOKEN, null);
        assertThat(get.statusCode()).isEqualTo(200);
        JsonNode view = Json.read(get.body());
        assertThat(view.path("name").asText()).isEqualTo("Shop One");
        assertThat(view.has("api_key")).isFalse();
        assertThat(view.has("webhook_secret")).isFalse();

        String stored = engine.jdbi().withHandle(h -> h.createQuery("SELECT api_key_hash || webhook_secret_enc FROM marketplace WHERE id = :id")
                .bind("id", m.path("id").asText()).mapTo(String.class).one());
        assertThat(stored).doesNotContain(m.path("api_key").asText()).doesNotContain(m.path("webhook_secret").asText());
    }

    @Test
    void noTokenIs401_andABadTokenToo_asProblemJson() {
        HttpResponse<String> none = engine.send("POST", "/api/v1/marketplaces", null, "{\"name\":\"x\"}");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.read(none.body()).path("status").asInt()).isEqualTo(401);
        assertThat(engine.send("GET", "/api/v1/marketplaces", "nope", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aMarketplaceKeyReachesOnlyItsOwnMarketplace() {
        JsonNode a = create("Shop A");
        JsonNode b = create("Shop B");
        String keyA = a.path("api_key").asText();
        assertThat(engine.send("GET", "/api/v1/marketplaces/" + a.path("id").asText(), keyA, null).statusCode()).isEqualTo(200);
        assertThat(engine.send("GET", "/api/v1/marketplaces/" + b.path("id").asText(), keyA, null).statusCode()).isEqualTo(403);
        assertThat(engine.send("POST", "/api/v1/marketplaces/" + b.path("id").asText() + "/rotate-secret", keyA, null).statusCode()).isEqualTo(403);
        assertThat(engine.send("POST", "/api/v1/marketplaces", keyA, "{\"name\":\"Mine\"}").statusCode()).isEqualTo(403);
        JsonNode list = Json.read(engine.send("GET", "/api/v1/marketplaces", keyA, null).body());
        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("id").asText()).isEqualTo(a.path("id").asText());
    }

    @Test
    void badInputNamesTheField() {
        HttpResponse<String> r = engine.send("POST", "/api/v1/marketplaces", OPERATOR_TOKEN, "{\"name\":\"  \"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.read(r.body()).path("field").asText()).isEqualTo("name");
        assertThat(engine.send("POST", "/api/v1/marketplaces", OPERATOR_TOKEN, "{nope").statusCode()).isEqualTo(400);
        create("Taken");
        HttpResponse<String> dup = engine.send("POST", "/api/v1/marketplaces", OPERATOR_TOKEN, "{\"name\":\"Taken\"}");
        assertThat(dup.statusCode()).isEqualTo(409);
        assertThat(engine.send("GET", "/api/v1/marketplaces/mkt_nope", OPERATOR_TOKEN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void rotatingTheSecretKeepsThePreviousOneValid() {
        JsonNode m = create("Rotating Shop");
        String id = m.path("id").asText();
        String oldSecret = m.path("webhook_secret").asText();
        String body = Webhooks.order("ada@example.com", "o1", "p1");
        // a webhook just before: the engine keeps this marketplace's current secret a few seconds
        assertThat(engine.send(Webhooks.signed(engine.baseUrl(), id, oldSecret, "evt_before", body)).statusCode()).isEqualTo(202);
        HttpResponse<String> rotated = engine.send("POST", "/api/v1/marketplaces/" + id + "/rotate-secret", m.path("api_key").asText(), null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        String newSecret = Json.read(rotated.body()).path("webhook_secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

        assertThat(engine.send(Webhooks.signed(engine.baseUrl(), id, oldSecret, "evt_old", body)).statusCode()).isEqualTo(202);
        assertThat(engine.send(Webhooks.signed(engine.baseUrl(), id, newSecret, "evt_new", body)).statusCode()).isEqualTo(202);

        // once the grace period is over, only the new secret works, at once (the previous secret is never kept)
        engine.jdbi().useHandle(h -> h.execute("UPDATE marketplace SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ?", id));
        assertThat(engine.send(Webhooks.signed(engine.baseUrl(), id, oldSecret, "evt_old2", body)).statusCode()).isEqualTo(401);
    }
}
