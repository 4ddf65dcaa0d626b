package io.hlbridge.engine.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A marketplace created through the API, with the calls tests make on its behalf. */
public record Marketplace(EngineUnderTest engine, String id, String apiKey, String secret) {

    public static Marketplace create(EngineUnderTest engine, String name) {
        HttpResponse<String> r = engine.send("POST", "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN, "{\"name\":\"" + name + "\"}");
        if (r.statusCode() != 201) {
            throw new AssertionError(r.body());
        }
        JsonNode m = Json.read(r.body());
        return new Marketplace(engine, m.path("id").asText(), m.path("api_key").asText(), m.path("webhook_secret").asText());
    }

    public String path(String rest) {
        return "/api/v1/marketplaces/" + id + rest;
    }

    public HttpResponse<String> call(String method, String rest, String json) {
        return engine.send(method, path(rest), apiKey, json);
    }

    public JsonNode rule(String json) {
        HttpResponse<String> r = call("POST", "/rules", json);
        if (r.statusCode() != 201) {
            throw new AssertionError("rule refused: " + r.body());
        }
        return Json.read(r.body());
    }

    public String deliver(String webhookId, String body) {
        HttpResponse<String> r = engine.send(Webhooks.signed(engine.baseUrl(), id, secret, webhookId, body));
        if (r.statusCode() != 202) {
            throw new AssertionError("event not accepted: " + r.statusCode() + " " + r.body());
        }
        return webhookId;
    }

    public JsonNode logs(String query) {
        return Json.read(call("GET", "/logs" + (query.isEmpty() ? "" : "?" + query), null).body());
    }

    /** Waits until the action entries of one event all satisfy {@code done}; returns them. */
    public JsonNode awaitActions(String eventId, int count, Predicate<JsonNode> done) {
        JsonNode[] result = new JsonNode[1];
        try {
            awaitItems(eventId, count, done, result);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("actions of " + eventId + " did not settle; last seen: " + result[0], e);
        }
        return result[0];
    }

    private void awaitItems(String eventId, int count, Predicate<JsonNode> done, JsonNode[] result) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode items = logs("kind=action&q=" + eventId).path("items");
            result[0] = items;
            if (items.size() != count) {
                return false;
            }
            for (JsonNode item : items) {
                if (!done.test(item)) {
                    return false;
                }
            }
            return true;
        });
    }

    public static Predicate<JsonNode> status(String... statuses) {
        return entry -> java.util.Arrays.asList(statuses).contains(entry.path("status").asText());
    }
}
