package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Test and demo controls under {@code /_sandbox/…}. Not part of HighLevel's API: never rate limited,
 * never delayed, never subject to fault injection.
 */
final class SandboxControl {

    private final HighLevelSandbox sandbox;

    SandboxControl(HighLevelSandbox sandbox) {
        this.sandbox = sandbox;
    }

    void mount(Router router) {
        router.get("/_sandbox/stats").handler(ctx -> ok(ctx, 200, sandbox.stats().toJson()));
        router.get("/_sandbox/locations").handler(ctx -> {
            JsonArray arr = new JsonArray();
            sandbox.locations().forEach(l -> arr.add(new JsonObject().put("id", l.id()).put("name", l.name())
                    .put("companyId", l.companyId()).mergeIn(sandbox.setup(l.id()))));
            ok(ctx, 200, new JsonObject().put("locations", arr));
        });
        router.get("/_sandbox/contacts").handler(ctx -> ok(ctx, 200, new JsonObject()
                .put("contacts", new JsonArray(sandbox.contacts(ctx.request().getParam("locationId"))))));
        router.get("/_sandbox/contacts/:contactId").handler(ctx -> sandbox.contactDetails(ctx.pathParam("contactId"))
                .ifPresentOrElse(d -> ok(ctx, 200, d),
                        () -> ok(ctx, 404, new JsonObject().put("statusCode", 404).put("message", "Contact not found"))));
        router.get("/_sandbox/opportunities").handler(ctx -> ok(ctx, 200, new JsonObject()
                .put("opportunities", new JsonArray(sandbox.opportunities(ctx.request().getParam("locationId"))))));
        router.post("/_sandbox/tokens/expire").handler(ctx ->
                ok(ctx, 200, new JsonObject().put("expired", sandbox.expireAllAccessTokens())));
        router.post("/_sandbox/locations/:locationId/revoke").handler(ctx ->
                ok(ctx, 200, new JsonObject().put("revoked", sandbox.revokeRefreshChain(ctx.pathParam("locationId")))));
        router.post("/_sandbox/faults").handler(this::addFault);
        router.delete("/_sandbox/faults").handler(ctx -> {
            sandbox.clearFaults();
            ctx.response().setStatusCode(204).end();
        });
        router.put("/_sandbox/latency").handler(ctx -> {
            JsonObject body = body(ctx);
            if (body == null || !(body.getValue("ms") instanceof Number)) {
                bad(ctx, "expected {\"ms\": <non-negative number>}");
                return;
            }
            sandbox.setLatencyMillis(body.getLong("ms"));
            ok(ctx, 200, new JsonObject().put("ms", sandbox.latencyMillis()));
        });
        router.put("/_sandbox/rate-limit").handler(ctx -> {
            JsonObject body = body(ctx);
            if (body == null || !(body.getValue("enforced") instanceof Boolean)) {
                bad(ctx, "expected {\"enforced\": true|false}");
                return;
            }
            sandbox.setRateLimitEnforced(body.getBoolean("enforced"));
            ok(ctx, 200, new JsonObject().put("enforced", sandbox.rateLimitEnforced()));
        });
        router.post("/_sandbox/reset").handler(ctx -> {
            sandbox.reset();
            ctx.response().setStatusCode(204).end();
        });
    }

    /** {@code {"path": "<regex>", "status": 503, "count": 2}} or {@code {"path": "…", "mode": "drop", "count": 1}}. */
    private void addFault(RoutingContext ctx) {
        JsonObject body = body(ctx);
        try {
            if (body == null || body.getString("path") == null) throw new IllegalArgumentException("path is required");
            int count = body.getInteger("count", 1);
            if ("drop".equals(body.getString("mode"))) {
                sandbox.dropNext(body.getString("path"), count);
            } else {
                Integer status = body.getInteger("status");
                if (status == null) throw new IllegalArgumentException("status is required unless mode is drop");
                sandbox.failNext(body.getString("path"), status, count);
            }
            ok(ctx, 201, body);
        } catch (RuntimeException e) {
            bad(ctx, e.getMessage());
        }
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            return ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void ok(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static void bad(RoutingContext ctx, String message) {
        ok(ctx, 400, new JsonObject().put("statusCode", 400).put("message", message));
    }
}
