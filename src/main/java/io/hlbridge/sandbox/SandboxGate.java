package io.hlbridge.sandbox;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What every HighLevel API operation of the sandbox passes first, in order: bearer check (401), per-location
 * rate limit (429), Version header (401). Every answer carries the X-RateLimit-* headers (highlevel-api-notes §4).
 * Also the checks the operations share: the caller's own location (403), a JSON object body (400).
 */
final class SandboxGate {

    static final String VERSION = "2021-07-28";
    private static final String TOKEN = "sandbox.token";
    /** Observed 403 body (highlevel-api-notes §1.4; the official files list no 403). */
    static final String NO_ACCESS = "The token does not have access to this location.";

    private final SandboxTokens tokens;
    private final SlidingWindowLimiter limiter;
    private final BooleanSupplier enforceRateLimit;
    private final SandboxStats stats;
    private final SandboxResponder out;

    SandboxGate(SandboxTokens tokens, SlidingWindowLimiter limiter, BooleanSupplier enforceRateLimit,
                SandboxStats stats, SandboxResponder out) {
        this.tokens = tokens;
        this.limiter = limiter;
        this.enforceRateLimit = enforceRateLimit;
        this.stats = stats;
        this.out = out;
    }

    /** Puts the gate in front of every operation under these paths ({@code "/contacts*"}…); mount first. */
    void guard(Router router, String... paths) {
        for (String path : paths) router.route(path).handler(this::check);
    }

    /** After the operations: a path under these that no operation served is 404 (HighLevel's "Cannot GET …"). */
    void unknownOperations(Router router, String... paths) {
        for (String path : paths) {
            router.route(path).handler(ctx -> out.error(ctx, 404, "Cannot " + ctx.request().method() + " "
                    + ctx.request().path()));
        }
    }

    /** The route handler: authentication, rate limit and Version header. */
    void check(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        String auth = ctx.request().getHeader("Authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        Optional<SandboxTokens.AccessToken> token = tokens.accessToken(bearer);
        if (token.isEmpty()) {
            rateLimitHeaders(res, limiter.untouched());
            // Observed for tokens that are not HighLevel JWTs (highlevel-api-notes §1.4, issue #213).
            out.json(ctx, 401, SandboxResponder.errorBody(401, "Invalid JWT"));
            return;
        }
        SandboxTokens.AccessToken t = token.get();
        SlidingWindowLimiter.Decision d = limiter.tryAcquire(t.location().id(), enforceRateLimit.getAsBoolean());
        rateLimitHeaders(res, d);
        if (tokens.isExpired(t)) {
            // The documented UnauthorizedDTO example (common-schemas.json); the exact text for an expired
            // token is UNCONFIRMED (notes §1.4).
            out.json(ctx, 401, SandboxResponder.errorBody(401, "Invalid token: access token is invalid")
                    .put("error", "Unauthorized"));
            return;
        }
        if (!d.allowed()) {
            stats.rateLimited();
            res.putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
            // HighLevel documents only the 429 status (notes §4); body shape follows its other errors.
            out.json(ctx, 429, SandboxResponder.errorBody(429, "Too Many Requests"));
            return;
        }
        String version = ctx.request().getHeader("Version");
        if (version == null || version.isBlank()) {
            // Observed live by third parties: 401 "version header was not found." (not in the notes).
            out.json(ctx, 401, SandboxResponder.errorBody(401, "version header was not found."));
            return;
        }
        if (!VERSION.equals(version.trim())) {
            // The official files list only 2021-07-28; observed text for others: "version header is invalid".
            out.json(ctx, 401, SandboxResponder.errorBody(401, "version header is invalid"));
            return;
        }
        ctx.put(TOKEN, t);
        ctx.next();
    }

    private static void rateLimitHeaders(HttpServerResponse res, SlidingWindowLimiter.Decision d) {
        res.putHeader("X-RateLimit-Max", Integer.toString(d.max()))
                .putHeader("X-RateLimit-Interval-Milliseconds", Long.toString(d.intervalMillis()))
                .putHeader("X-RateLimit-Remaining", Integer.toString(d.remaining()))
                .putHeader("X-RateLimit-Limit-Daily", Long.toString(d.daily()))
                .putHeader("X-RateLimit-Daily-Remaining", Long.toString(d.dailyRemaining()));
    }

    /** The location of the caller's (checked) access token. */
    static String callerLocation(RoutingContext ctx) {
        SandboxTokens.AccessToken t = ctx.get(TOKEN);
        return t.location().id();
    }

    /** Answers 403 unless {@code locationId} is the caller's; true when the caller may proceed. */
    boolean ownLocation(RoutingContext ctx, String locationId) {
        if (callerLocation(ctx).equals(locationId)) return true;
        out.error(ctx, 403, NO_ACCESS);
        return false;
    }

    /** The body as a JSON object, or null after answering 400. {@code emptyAsObject}: no body reads as {}. */
    JsonObject jsonBody(RoutingContext ctx, boolean emptyAsObject) {
        if (emptyAsObject && (ctx.body() == null || ctx.body().length() == 0)) return new JsonObject();
        try {
            Object parsed = ctx.body().asJsonObject();
            if (parsed == null) {
                out.error(ctx, 400, "Request body must be a JSON object");
                return null;
            }
            return (JsonObject) parsed;
        } catch (DecodeException | ClassCastException e) {
            out.error(ctx, 400, "Request body must be a JSON object");
            return null;
        }
    }

    /** A required query parameter, or null after answering {@code status} with class-validator's words. */
    String requiredQuery(RoutingContext ctx, String name, int status) {
        String v = ctx.request().getParam(name);
        if (v != null && !v.isBlank()) return v;
        String message = name + " should not be empty";
        if (status == 422) {
            out.unprocessable(ctx, java.util.List.of(message));
        } else {
            out.error(ctx, status, message);
        }
        return null;
    }
}
