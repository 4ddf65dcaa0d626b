package io.hlbridge.engine.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Marketplace;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sources API of PRODUCT.md §3a, §8: what it answers, what it refuses, and what it never shows. */
class SourcesApiIT {
    static final String STRIPE_SECRET = "whsec_test_secret_never_shown_0123456789";
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        engine = EngineUnderTest.start();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static HttpResponse<String> post(String url) {
        return engine.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    @Test
    void create_showsTheWebhookUrlOnce_andNeverTheSigningSecret() {
        Marketplace m = Marketplace.create(engine, "Sources Shop");
        HttpResponse<String> created = m.call("POST", "/sources",
                "{\"platform\":\"stripe\",\"name\":\" Main Stripe \",\"signing_secret\":\"" + STRIPE_SECRET + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode source = Json.read(created.body());
        String id = source.path("id").asText();
        assertThat(id).startsWith("src_");
        assertThat(source.path("platform").asText()).isEqualTo("stripe");
        assertThat(source.path("name").asText()).isEqualTo("Main Stripe");
        assertThat(source.path("last_event_at").isNull()).isTrue();
        assertThat(source.path("has_signing_secret").asBoolean()).isTrue();
        String url = source.path("webhook_url").asText();
        assertThat(url).startsWith(engine.baseUrl().replace("127.0.0.1", "localhost") + "/sources/" + id + "/");
        String key = url.substring(url.lastIndexOf('/') + 1);
        assertThat(key).hasSizeGreaterThanOrEqualTo(25); // ≥ 128 bits in base 36

        JsonNode listed = Json.read(m.call("GET", "/sources", null).body()).path("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("webhook_url").isNull()).isTrue();
        String got = m.call("GET", "/sources/" + id, null).body();
        for (String body : new String[] {created.body(), got, listed.toString()}) {
            assertThat(body).doesNotContain(STRIPE_SECRET);
        }
        assertThat(got).doesNotContain(key);
        // the key is stored hashed, the secret sealed
        String row = engine.jdbi().withHandle(h -> h.createQuery("SELECT key_hash || ' ' || signing_secret_enc FROM source WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(row).doesNotContain(key).doesNotContain(STRIPE_SECRET);
    }

    @Test
    void badInput_isA400NamingTheField_andADuplicateNameA409() {
        Marketplace m = Marketplace.create(engine, "Bad Sources Shop");
        assertThat(Json.read(m.call("POST", "/sources", "{\"platform\":\"etsy\",\"name\":\"x\"}").body()).path("field").asText())
                .isEqualTo("platform");
        assertThat(Json.read(m.call("POST", "/sources", "{\"platform\":\"stripe\"}").body()).path("field").asText())
                .isEqualTo("name");
        HttpResponse<String> samcartSecret = m.call("POST", "/sources",
                "{\"platform\":\"samcart\",\"name\":\"SC\",\"signing_secret\":\"abc\"}");
        assertThat(samcartSecret.statusCode()).isEqualTo(400);
        assertThat(Json.read(samcartSecret.body()).path("field").asText()).isEqualTo("signing_secret");
        assertThat(m.call("POST", "/sources", "{\"platform\":\"shopify\",\"name\":\"Shop\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> again = m.call("POST", "/sources", "{\"platform\":\"stripe\",\"name\":\"Shop\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void rename_setSecret_rotateKey_delete() {
        Marketplace m = Marketplace.create(engine, "Rotating Shop");
        JsonNode source = Json.read(m.call("POST", "/sources", "{\"platform\":\"samcart\",\"name\":\"SamCart\"}").body());
        String id = source.path("id").asText();
        String oldUrl = source.path("webhook_url").asText();
        assertThat(source.path("has_signing_secret").asBoolean()).isFalse();

        JsonNode renamed = Json.read(m.call("PATCH", "/sources/" + id, "{\"name\":\"SamCart EU\"}").body());
        assertThat(renamed.path("name").asText()).isEqualTo("SamCart EU");

        JsonNode rotated = Json.read(m.call("POST", "/sources/" + id + "/rotate-key", null).body());
        String newUrl = rotated.path("webhook_url").asText();
        assertThat(newUrl).isNotEqualTo(oldUrl).startsWith(oldUrl.substring(0, oldUrl.lastIndexOf('/') + 1));
        String local = engine.baseUrl() + "/sources/" + id + "/";
        assertThat(post(local + oldUrl.substring(oldUrl.lastIndexOf('/') + 1)).statusCode()).isEqualTo(401);
        assertThat(post(local + newUrl.substring(newUrl.lastIndexOf('/') + 1)).statusCode()).isNotIn(401, 404);

        assertThat(m.call("DELETE", "/sources/" + id, null).statusCode()).isEqualTo(204);
        assertThat(m.call("GET", "/sources/" + id, null).statusCode()).isEqualTo(404);
        assertThat(post(local + newUrl.substring(newUrl.lastIndexOf('/') + 1)).statusCode()).isEqualTo(404);
    }

    @Test
    void anotherMarketplacesKey_reachesNoneOfThem() {
        Marketplace mine = Marketplace.create(engine, "Mine");
        Marketplace theirs = Marketplace.create(engine, "Theirs");
        String id = Json.read(mine.call("POST", "/sources", "{\"platform\":\"shopify\",\"name\":\"S\"}").body()).path("id").asText();
        assertThat(engine.send("GET", mine.path("/sources/" + id), theirs.apiKey(), null).statusCode()).isEqualTo(403);
        assertThat(theirs.call("GET", "/sources/" + id, null).statusCode()).isEqualTo(404);
        assertThat(theirs.call("DELETE", "/sources/" + id, null).statusCode()).isEqualTo(404);
        assertThat(engine.send("GET", "/api/v1/platforms", null, null).statusCode()).isEqualTo(401);
    }
}
