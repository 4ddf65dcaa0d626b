package io.hlbridge.sandbox;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.hlbridge.sandbox.SandboxTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SandboxKnobsTest {

    private static HighLevelSandbox.Running running;
    private static HighLevelSandbox sandbox;
    private static SandboxTestClient client;
    private JsonObject tokens;

    @BeforeAll
    static void start() {
        running = HighLevelSandbox.start(0);
        sandbox = running.sandbox();
        client = new SandboxTestClient(running.baseUrl());
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
        tokens = client.connect(null);
    }

    private HttpResponse<String> upsert(String email) {
        return client.api("POST", "/contacts/upsert", tokens.getString("access_token"),
                new JsonObject().put("locationId", tokens.getString("locationId")).put("email", email));
    }

    private HttpResponse<String> control(String method, String path, JsonObject body) {
        return client.send(method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : body.encode(), false);
    }

    @Test
    void failNextAnswersTheInjectedStatusForCountRequestsThenRecovers() {
        sandbox.failNext("/contacts/upsert", 503, 2);
        assertThat(upsert("f@example.com").statusCode()).isEqualTo(503);
        assertThat(upsert("f@example.com").statusCode()).isEqualTo(503);
        assertThat(upsert("f@example.com").statusCode()).isEqualTo(200);
        assertThat(sandbox.stats().faultsInjected()).isEqualTo(2);
        assertThat(sandbox.stats().requests("POST /contacts/upsert")).isEqualTo(3);
    }

    @Test
    void faultsOverHttpAndClearing() {
        assertThat(control("POST", "/_sandbox/faults", new JsonObject().put("path", "/oauth/token").put("status", 500)
                .put("count", 5)).statusCode()).isEqualTo(201);
        HttpResponse<String> r = client.token(SandboxTestClient.refreshGrant(tokens.getString("refresh_token")));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(control("DELETE", "/_sandbox/faults", null).statusCode()).isEqualTo(204);
        assertThat(client.token(SandboxTestClient.refreshGrant(tokens.getString("refresh_token"))).statusCode())
                .isEqualTo(200);
        assertThat(control("POST", "/_sandbox/faults", new JsonObject().put("path", "").put("status", 500))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void aFaultPathIsMatchedLiterally_soAPatternFromARequestCannotStallTheEventLoop() {
        // security review #4: as a regex this path backtracks for ~45 s on the path below
        assertThat(control("POST", "/_sandbox/faults", new JsonObject().put("path", "^/(.*a){12}$").put("status", 500))
                .statusCode()).isEqualTo(201);
        HttpResponse<String> r = control("GET", "/" + "a".repeat(34) + "b", null);
        assertThat(r.statusCode()).isNotEqualTo(500);
        assertThat(control("POST", "/_sandbox/faults", new JsonObject().put("path", "/contacts/upsert").put("status", 503))
                .statusCode()).isEqualTo(201);
        assertThat(upsert("literal@example.com").statusCode()).isEqualTo(503);
    }

    @Test
    void dropModeClosesTheConnectionWithoutAnswer() {
        assertThat(control("POST", "/_sandbox/faults", new JsonObject().put("path", "/contacts/upsert")
                .put("mode", "drop").put("count", 1)).statusCode()).isEqualTo(201);
        assertThatThrownBy(() -> upsert("d@example.com")).hasRootCauseInstanceOf(java.io.IOException.class);
        assertThat(upsert("d@example.com").statusCode()).isEqualTo(200);
        assertThat(sandbox.stats().connectionsDropped()).isEqualTo(1);
    }

    @Test
    void latencyDelaysAnswersWithoutBlockingOthers() throws Exception {
        sandbox.setLatencyMillis(300);
        long start = System.nanoTime();
        assertThat(upsert("slow@example.com").statusCode()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
        // control endpoints are not delayed; latency can be changed over HTTP
        assertThat(json(control("PUT", "/_sandbox/latency", new JsonObject().put("ms", 0))).getLong("ms")).isZero();
        assertThat(sandbox.latencyMillis()).isZero();
    }

    @Test
    void controlEndpointsExpireRevokeStatsAndContacts() {
        assertThat(upsert("c@example.com").statusCode()).isEqualTo(200);
        JsonObject listed = json(control("GET", "/_sandbox/contacts?locationId=" + tokens.getString("locationId"), null));
        assertThat(listed.getJsonArray("contacts")).hasSize(1);
        assertThat(listed.getJsonArray("contacts").getJsonObject(0).getString("email")).isEqualTo("c@example.com");

        JsonObject stats = json(control("GET", "/_sandbox/stats", null));
        assertThat(stats.getJsonObject("requests").getLong("POST /contacts/upsert")).isEqualTo(1);
        assertThat(stats.getJsonObject("tokenGrants").getLong("authorization_code")).isEqualTo(1);
        assertThat(stats.getLong("rateLimited")).isZero();

        assertThat(json(control("POST", "/_sandbox/tokens/expire", null)).getInteger("expired")).isEqualTo(1);
        assertThat(upsert("c@example.com").statusCode()).isEqualTo(401);

        assertThat(json(control("POST", "/_sandbox/locations/" + tokens.getString("locationId") + "/revoke", null))
                .getInteger("revoked")).isEqualTo(1);
        assertThat(client.token(SandboxTestClient.refreshGrant(tokens.getString("refresh_token"))).statusCode())
                .isEqualTo(400);

        JsonArray locations = json(control("GET", "/_sandbox/locations", null)).getJsonArray("locations");
        assertThat(locations).hasSize(2);
    }

    @Test
    void mountsUnderAPrefixInAnotherRouter() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HighLevelSandbox mounted = new HighLevelSandbox();
            Router parent = Router.router(vertx);
            parent.route("/sandbox/highlevel/*").subRouter(mounted.router(vertx));
            HttpServer server = vertx.createHttpServer().requestHandler(parent).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + server.actualPort() + "/sandbox/highlevel";
            SandboxTestClient prefixed = new SandboxTestClient(base);

            // the consent page's form posts relative to itself: follow it as a browser would
            HttpResponse<String> page = prefixed.send("GET", "/oauth/chooselocation?response_type=code&client_id=sandbox-client"
                    + "&redirect_uri=" + SandboxTestClient.enc("https://engine.example/cb") + "&state=z", Map.of(), null, false);
            assertThat(page.statusCode()).isEqualTo(200);
            URI action = page.request().uri().resolve("chooselocation/approve");
            assertThat(action.getPath()).isEqualTo("/sandbox/highlevel/oauth/chooselocation/approve");
            HttpResponse<String> approved = prefixed.raw(HttpRequest.newBuilder(action)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("response_type=code&client_id=sandbox-client&redirect_uri="
                            + SandboxTestClient.enc("https://engine.example/cb") + "&state=z")).timeout(Duration.ofSeconds(5)).build());
            assertThat(approved.statusCode()).isEqualTo(302);
            String code = io.hlbridge.engine.highlevel.HighLevelContract
                    .query(URI.create(approved.headers().firstValue("Location").orElseThrow())).get("code").get(0);
            HttpResponse<String> tokenAnswer = prefixed.token(SandboxTestClient.codeGrant(code, "https://engine.example/cb"));
            assertThat(tokenAnswer.statusCode()).isEqualTo(200);
            JsonObject t = json(tokenAnswer);

            mounted.failNext("/contacts/upsert", 502, 1);
            HttpResponse<String> r = prefixed.api("POST", "/contacts/upsert", t.getString("access_token"),
                    new JsonObject().put("locationId", t.getString("locationId")).put("email", "m@example.com")
                            .put("tags", new JsonArray(List.of("a"))));
            assertThat(r.statusCode()).isEqualTo(502);
            r = prefixed.api("POST", "/contacts/upsert", t.getString("access_token"),
                    new JsonObject().put("locationId", t.getString("locationId")).put("email", "m@example.com"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(mounted.stats().requests("POST /contacts/upsert")).isEqualTo(2);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
