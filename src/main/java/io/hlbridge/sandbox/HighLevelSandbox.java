package io.hlbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for HighLevel's OAuth, Contacts, Opportunities, Workflows and Locations API v2 (PRODUCT.md §9 "HighLevel sandbox").
 *
 * <p>Mount it in another Vert.x router: {@code parent.route("/sandbox/highlevel/*").subRouter(sandbox.router(vertx))},
 * or run it alone with {@link #start(int)} / {@link #start(SandboxSettings, int)}. All state is in memory and
 * shared by every router created from one instance.
 */
public final class HighLevelSandbox {

    private static final Pattern CONTACT_TAGS = Pattern.compile("^/contacts/(?!search/|upsert$)[^/]+/tags$");
    private static final Pattern CONTACT_NOTES = Pattern.compile("^/contacts/(?!search/|upsert$)[^/]+/notes$");
    private static final Pattern CONTACT_WORKFLOW = Pattern.compile("^/contacts/[^/]+/workflow/[^/]+$");
    private static final Pattern LOCATION_FIELDS = Pattern.compile("^/locations/[^/]+/customFields$");
    private static final Pattern LOCATION_ID = Pattern.compile("^/locations/[^/]+$");
    private static final Pattern CONTACT_ID = Pattern.compile("^/contacts/(?!upsert$|search$)[^/]+$");

    private final SandboxSettings settings;
    private final List<SandboxLocation> locations;
    /** Each location's workflows, pipeline and custom fields, by location id. */
    private final Map<String, SandboxCatalog> catalogs;
    private final SandboxStats stats = new SandboxStats();
    private final SandboxTokens tokens;
    private final SlidingWindowLimiter limiter;
    private final SandboxContactStore contacts = new SandboxContactStore();
    private final FaultInjector faults = new FaultInjector();
    private final AtomicLong latencyMillis;
    private final AtomicBoolean rateLimitEnforced;
    private final byte[] controlToken;

    public HighLevelSandbox() {
        this(SandboxSettings.defaults());
    }

    public HighLevelSandbox(SandboxSettings settings) {
        this(settings, null);
    }

    /**
     * A sandbox whose controls under {@code /_sandbox/…} (faults, latency, revocations, the contact
     * listing…) answer only a request carrying {@code Authorization: Bearer <controlToken>}; null leaves
     * them open, for a sandbox that only a test on loopback can reach.
     */
    public HighLevelSandbox(SandboxSettings settings, String controlToken) {
        this.settings = settings;
        this.controlToken = controlToken == null ? null : ("Bearer " + controlToken).getBytes(StandardCharsets.UTF_8);
        this.locations = List.of(SandboxLocation.named(settings.clientId(), "Sandbox Location"),
                SandboxLocation.named(settings.clientId(), "Sandbox Location 2"));
        this.catalogs = locations.stream().collect(Collectors.toUnmodifiableMap(SandboxLocation::id,
                l -> SandboxCatalog.seeded(l.id())));
        this.tokens = new SandboxTokens(System::currentTimeMillis, settings.accessTokenLifetimeSeconds(),
                SandboxIds.stable(settings.clientId() + "/user"));
        this.limiter = new SlidingWindowLimiter(settings.rateLimitMax(), settings.rateLimitIntervalMillis(),
                settings.rateLimitDaily(), System::currentTimeMillis,
                () -> System.nanoTime() / 1_000_000L);
        this.latencyMillis = new AtomicLong(settings.latencyMillis());
        this.rateLimitEnforced = new AtomicBoolean(settings.rateLimitEnforced());
    }

    /** A router serving the sandbox; mount it under any prefix (it generates only relative URLs). */
    public Router router(Vertx vertx) {
        SandboxResponder out = new SandboxResponder(latencyMillis::get);
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(1_000_000));
        router.route().handler(this::frontDoor);
        new SandboxControl(this).mount(router);
        new SandboxOAuth(settings, locations, SandboxIds.stable(settings.clientId() + "/user"), tokens, stats, out)
                .mount(router);
        SandboxGate gate = new SandboxGate(tokens, limiter, rateLimitEnforced::get, stats, out);
        new SandboxContacts(gate, contacts, catalogs::get, out).mount(router);
        new SandboxOpportunities(gate, contacts, catalogs::get, out).mount(router);
        new SandboxLocations(gate, this::location, catalogs::get, out).mount(router);
        router.route().failureHandler(ctx -> {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                        .end(SandboxResponder.errorBody(status, status == 500 ? "Internal Server Error"
                                : "Request failed").encode());
            }
        });
        return router;
    }

    /** Counts the request and applies injected faults (never to {@code /_sandbox/…}). */
    private void frontDoor(RoutingContext ctx) {
        String path = relativePath(ctx);
        if (path.startsWith("/_sandbox/") || path.equals("/_sandbox")) {
            if (controlToken != null && !controlAuthorized(ctx.request().getHeader("Authorization"))) {
                ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                        .putHeader("WWW-Authenticate", "Bearer")
                        .end(SandboxResponder.errorBody(401, "The sandbox's controls need the engine's operator token").encode());
                return;
            }
            ctx.next();
            return;
        }
        stats.request(ctx.request().method().name() + " " + template(path));
        Optional<FaultInjector.Fault> fault = faults.take(path);
        if (fault.isEmpty()) {
            ctx.next();
            return;
        }
        FaultInjector.Fault f = fault.get();
        stats.faultInjected(f.mode() == FaultInjector.Mode.DROP);
        if (f.mode() == FaultInjector.Mode.DROP) {
            ctx.request().connection().close();
            return;
        }
        ctx.response().setStatusCode(f.status()).putHeader("Content-Type", "application/json")
                .end(SandboxResponder.errorBody(f.status(), "Injected fault (sandbox)").encode());
    }

    private boolean controlAuthorized(String authorization) {
        return authorization != null
                && MessageDigest.isEqual(controlToken, authorization.getBytes(StandardCharsets.UTF_8));
    }

    private static String relativePath(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String mount = ctx.mountPoint();
        if (mount != null && !mount.isEmpty() && !mount.equals("/")) {
            String m = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
            if (path.startsWith(m)) {
                path = path.substring(m.length());
            }
        }
        return path.isEmpty() ? "/" : path;
    }

    private static String template(String path) {
        if (CONTACT_TAGS.matcher(path).matches()) return "/contacts/{contactId}/tags";
        if (CONTACT_NOTES.matcher(path).matches()) return "/contacts/{contactId}/notes";
        if (CONTACT_WORKFLOW.matcher(path).matches()) return "/contacts/{contactId}/workflow/{workflowId}";
        if (LOCATION_FIELDS.matcher(path).matches()) return "/locations/{locationId}/customFields";
        if (LOCATION_ID.matcher(path).matches()) return "/locations/{locationId}";
        if (CONTACT_ID.matcher(path).matches()) return "/contacts/{contactId}";
        return path;
    }

    // ---- standalone --------------------------------------------------------------------------------

    /** Starts a standalone sandbox with default settings on 127.0.0.1:{@code port} (0 = any free port). */
    public static Running start(int port) {
        return start(SandboxSettings.defaults(), port);
    }

    public static Running start(SandboxSettings settings, int port) {
        return start(settings, "127.0.0.1", port);
    }

    public static Running start(SandboxSettings settings, String host, int port) {
        Vertx vertx = Vertx.vertx();
        HighLevelSandbox sandbox = new HighLevelSandbox(settings);
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(sandbox.router(vertx))
                    .listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new Running(vertx, server, host, sandbox);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("Could not start the HighLevel sandbox on " + host + ":" + port, e);
        }
    }

    /** A standalone sandbox; {@link #close()} stops its server and Vert.x instance. */
    public static final class Running implements AutoCloseable {
        private final Vertx vertx;
        private final HttpServer server;
        private final String host;
        private final HighLevelSandbox sandbox;

        private Running(Vertx vertx, HttpServer server, String host, HighLevelSandbox sandbox) {
            this.vertx = vertx;
            this.server = server;
            this.host = host;
            this.sandbox = sandbox;
        }

        public int port() {
            return server.actualPort();
        }

        /** e.g. {@code http://127.0.0.1:8090} (no trailing slash). */
        public String baseUrl() {
            String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
            return "http://" + h + ":" + port();
        }

        public HighLevelSandbox sandbox() {
            return sandbox;
        }

        @Override
        public void close() {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Could not stop the HighLevel sandbox", e);
            }
        }
    }

    // ---- control API (also over HTTP under /_sandbox/…) ------------------------------------------------

    public SandboxSettings settings() {
        return settings;
    }

    /** The fake locations offered on the consent page; the first is the default. */
    public List<SandboxLocation> locations() {
        return locations;
    }

    private SandboxLocation location(String id) {
        return locations.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * A location's workflows, pipelines (with stages) and custom fields (model all), as HighLevel lists them:
     * {@code {"workflows": [...], "pipelines": [...], "customFields": [...]}}; empty for an unknown location.
     */
    public JsonObject setup(String locationId) {
        SandboxCatalog c = catalogs.get(locationId);
        if (c == null) return new JsonObject();
        return new JsonObject().put("workflows", c.workflowsJson()).put("pipelines", c.pipelinesJson())
                .put("customFields", c.customFieldsJson("all"));
    }

    /** A contact's workflows, notes and custom field values: {@code {contact, workflows, notes, customFields}}. */
    public Optional<JsonObject> contactDetails(String contactId) {
        return contacts.details(contactId);
    }

    /** A location's opportunities (all locations' when null), as upsert answered them last. */
    public List<JsonObject> opportunities(String locationId) {
        return contacts.opportunities(locationId);
    }

    public SandboxStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** Makes every access token issued so far expired; returns how many there were. */
    public int expireAllAccessTokens() {
        return tokens.expireAllAccessTokens();
    }

    /** Invalidates a location's live refresh tokens, so its next refresh fails with invalid_grant. */
    public int revokeRefreshChain(String locationId) {
        return tokens.revokeRefreshChain(locationId);
    }

    /** The next {@code count} requests whose path (relative to the mount point) contains a match of the regex get {@code status}. */
    public void failNext(String pathRegex, int status, int count) {
        faults.failNext(pathRegex, status, count);
    }

    /** The next {@code count} matching requests have their connection closed without an answer. */
    public void dropNext(String pathRegex, int count) {
        faults.dropNext(pathRegex, count);
    }

    public void clearFaults() {
        faults.clear();
    }

    public void setLatencyMillis(long millis) {
        if (millis < 0) throw new IllegalArgumentException("latency must be >= 0");
        latencyMillis.set(millis);
    }

    public long latencyMillis() {
        return latencyMillis.get();
    }

    public void setRateLimitEnforced(boolean enforced) {
        rateLimitEnforced.set(enforced);
    }

    public boolean rateLimitEnforced() {
        return rateLimitEnforced.get();
    }

    /** Stored contacts (as HighLevel would return them, with tags) of a location, or of all when null. */
    public List<JsonObject> contacts(String locationId) {
        return contacts.list(locationId);
    }

    /** Forgets all tokens, contacts, rate-limit windows, faults and counters; restores configured knobs. */
    public void reset() {
        tokens.reset();
        contacts.reset();
        limiter.reset();
        faults.clear();
        stats.reset();
        latencyMillis.set(settings.latencyMillis());
        rateLimitEnforced.set(settings.rateLimitEnforced());
    }
}
