package io.hlbridge.sandbox;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The Contacts API subset (apps/contacts.json): upsert, create, duplicate search, get, add/remove tags.
 *
 * <p>Every request passes, in order: bearer check (401), per-location rate limit (429), Version header (401),
 * then the operation. Every answer carries the X-RateLimit-* headers (highlevel-api-notes §4).
 */
final class SandboxContacts {

    static final String VERSION = "2021-07-28";
    private static final String TOKEN = "sandbox.token";
    /** Observed 403 body (highlevel-api-notes §1.4; contacts.json itself lists no 403). */
    static final String NO_ACCESS = "The token does not have access to this location.";

    private final SandboxTokens tokens;
    private final SlidingWindowLimiter limiter;
    private final BooleanSupplier enforceRateLimit;
    private final SandboxStats stats;
    private final SandboxContactStore store;
    private final SandboxResponder out;

    SandboxContacts(SandboxTokens tokens, SlidingWindowLimiter limiter, BooleanSupplier enforceRateLimit,
                    SandboxStats stats, SandboxContactStore store, SandboxResponder out) {
        this.tokens = tokens;
        this.limiter = limiter;
        this.enforceRateLimit = enforceRateLimit;
        this.stats = stats;
        this.store = store;
        this.out = out;
    }

    void mount(Router router) {
        router.route("/contacts*").handler(this::gate);
        router.post("/contacts/upsert").handler(this::upsert);
        router.get("/contacts/search/duplicate").handler(this::searchDuplicate);
        router.post("/contacts/").handler(this::create);
        router.post("/contacts").handler(this::create);
        router.post("/contacts/:contactId/tags").handler(ctx -> tags(ctx, true));
        router.delete("/contacts/:contactId/tags").handler(ctx -> tags(ctx, false));
        router.get("/contacts/:contactId").handler(this::get);
        router.route("/contacts*").handler(ctx -> out.error(ctx, 404, "Cannot " + ctx.request().method() + " "
                + ctx.request().path()));
    }

    /** Authentication, rate limit and Version header, shared by every Contacts operation. */
    private void gate(RoutingContext ctx) {
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
            // contacts.json lists only 2021-07-28; observed text for others: "version header is invalid".
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

    private void upsert(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateContact(body, true);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        if (!ownLocation(ctx, body.getString("locationId"))) return;
        SandboxContactStore.Upserted r = store.upsert(body.getString("locationId"), body);
        // UpsertContactsSuccessfulResponseDto: 200 for both created and updated (the spec lists only 200).
        out.json(ctx, 200, new JsonObject().put("new", r.created()).put("contact", r.contact())
                .put("traceId", SandboxIds.traceId()));
    }

    private void create(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateContact(body, false);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        if (!ownLocation(ctx, body.getString("locationId"))) return;
        JsonObject[] duplicate = new JsonObject[1];
        Optional<JsonObject> created = store.createUnlessDuplicate(body.getString("locationId"), body, duplicate);
        if (created.isEmpty()) {
            // Observed message when "Allow Duplicate Contact" is off (notes §3.2). The observed body also has
            // "meta": {contactId, contactName, matchingField}, but BadRequestDTO does not allow it: schema wins.
            out.error(ctx, 400, "This location does not allow duplicated contacts.");
            return;
        }
        // CreateContactsSuccessfulResponseDto: {"contact": CreateContactSchema}, no traceId in the schema.
        out.json(ctx, 201, new JsonObject().put("contact", SandboxContact.asCreateSchema(created.get())));
    }

    private void searchDuplicate(RoutingContext ctx) {
        String locationId = ctx.request().getParam("locationId");
        String email = ctx.request().getParam("email");
        String number = ctx.request().getParam("number");
        if (locationId == null || locationId.isBlank()) {
            // contacts.json lists only 400 and 401 for this operation.
            out.error(ctx, 400, "locationId should not be empty");
            return;
        }
        if (!ownLocation(ctx, locationId)) return;
        if (isBlank(email) && isBlank(number)) {
            // Observed message (highlevel-api-notes §3.4).
            out.error(ctx, 400, "Pass at least one of number, email query parameter");
            return;
        }
        Optional<JsonObject> found = store.searchDuplicate(locationId, email, number);
        JsonObject body = new JsonObject().put("contact", found.orElse(null));
        found.ifPresent(c -> body.put("matchingField",
                !isBlank(email) && email.trim().equalsIgnoreCase(c.getString("emailLowerCase")) ? "email" : "phone"));
        // contacts.json gives this 200 no schema; shape observed by third parties (notes §3.4).
        out.json(ctx, 200, body.put("traceId", SandboxIds.traceId()));
    }

    private void get(RoutingContext ctx) {
        SandboxContactStore.Lookup l = store.get(ctx.pathParam("contactId"));
        if (!found(ctx, l)) return;
        // ContactsByIdSuccessfulResponseDto: {"contact": GetContectByIdSchema}, no traceId in the schema.
        out.json(ctx, 200, new JsonObject().put("contact", l.result()));
    }

    private void tags(RoutingContext ctx, boolean add) {
        JsonObject body = jsonBody(ctx);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateTags(body);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        String contactId = ctx.pathParam("contactId");
        String caller = token(ctx).location().id();
        JsonArray tags = body.getJsonArray("tags");
        SandboxContactStore.Lookup l = add ? store.addTags(contactId, caller, tags) : store.removeTags(contactId, caller, tags);
        if (!found(ctx, l)) return;
        // Response: the contact's full tag list after the change (notes §3.5: full list vs delta UNCONFIRMED).
        out.json(ctx, add ? 201 : 200, l.result());
    }

    /** Answers 400 "Contact not found" or 403 for another location's contact; true when the caller may proceed. */
    private boolean found(RoutingContext ctx, SandboxContactStore.Lookup l) {
        if (!l.found()) {
            // contacts.json lists 400 (BadRequestDTO) and no 404 for these operations.
            out.error(ctx, 400, "Contact not found");
            return false;
        }
        return ownLocation(ctx, l.ownerLocationId());
    }

    private boolean ownLocation(RoutingContext ctx, String locationId) {
        if (token(ctx).location().id().equals(locationId)) return true;
        out.error(ctx, 403, NO_ACCESS);
        return false;
    }

    private static SandboxTokens.AccessToken token(RoutingContext ctx) {
        return ctx.get(TOKEN);
    }

    private JsonObject jsonBody(RoutingContext ctx) {
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

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
