package io.hlbridge.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cases HttpFuzzIT found, kept as plain regression tests: answers the HTTP server used to give
 * before any route ran, and webhook bodies that got past the checks.
 */
class ServerAnswersIT {
    static EngineUnderTest engine;
    static Marketplace marketplace;

    @BeforeAll
    static void start() {
        engine = EngineUnderTest.start();
        marketplace = Marketplace.create(engine, "Server answers");
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = Json.read(r.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        return problem;
    }

    @Test
    void aMethodThePathDoesNotTakeIsA405ProblemNamingTheMethodsItTakes() {
        HttpResponse<String> r = engine.send("OPTIONS", "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN, null);
        problem(r, 405);
        assertThat(r.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET", "POST"));

        HttpResponse<String> get = engine.send("GET", "/webhooks/" + marketplace.id(), null, null);
        problem(get, 405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void anUnknownPathIsA404Problem() {
        problem(engine.send("GET", "/no/such/page", null, null), 404);
        problem(engine.send("PATCH", "/api/v1/marketplaces/" + marketplace.id() + "/nothing", marketplace.apiKey(), "{}"), 404);
    }

    @Test
    void aBodyOverTheServersLimitIsA413Problem() {
        String body = "{\"pad\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        problem(engine.send(Webhooks.signed(engine.baseUrl(), marketplace.id(), marketplace.secret(), "too-big", body)), 413);
    }
}
