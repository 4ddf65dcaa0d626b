package io.hlbridge.sandbox;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes the sandbox's answers. With artificial latency configured, the answer is delayed on a Vert.x
 * timer (never by sleeping on the event loop).
 */
final class SandboxResponder {

    private final LongSupplier latencyMillis;

    SandboxResponder(LongSupplier latencyMillis) {
        this.latencyMillis = latencyMillis;
    }

    void json(RoutingContext ctx, int status, JsonObject body) {
        send(ctx, status, "application/json; charset=utf-8", body.encode());
    }

    void html(RoutingContext ctx, int status, String html) {
        send(ctx, status, "text/html; charset=utf-8", html);
    }

    void redirect(RoutingContext ctx, String location) {
        delayed(ctx, () -> ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end());
    }

    /**
     * HighLevel's generic error body {@code {"statusCode":…,"message":…}} (common-schemas BadRequestDTO). No
     * {@code traceId}: HighLevel says every response carries one (notes §2 / Overview.md), but the error DTOs of
     * the official schema do not list it, and the sandbox follows the schema.
     */
    void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, errorBody(status, message));
    }

    static JsonObject errorBody(int status, String message) {
        return new JsonObject().put("statusCode", status).put("message", message);
    }

    /** The common-schemas UnprocessableDTO: {@code message} is an array of strings. */
    void unprocessable(RoutingContext ctx, List<String> messages) {
        json(ctx, 422, new JsonObject().put("statusCode", 422).put("message", new JsonArray(List.copyOf(messages)))
                .put("error", "Unprocessable Entity"));
    }

    private void send(RoutingContext ctx, int status, String contentType, String body) {
        delayed(ctx, () -> ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body));
    }

    private void delayed(RoutingContext ctx, Runnable action) {
        long delay = latencyMillis.getAsLong();
        if (delay <= 0) {
            action.run();
            return;
        }
        ctx.vertx().setTimer(delay, id -> {
            HttpServerResponse r = ctx.response();
            if (!r.ended() && !r.closed()) {
                action.run();
            }
        });
    }
}
