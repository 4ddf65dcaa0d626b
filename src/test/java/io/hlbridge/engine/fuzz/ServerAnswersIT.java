package io.hlbridge.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
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

    /**
     * Vert.x matches a request's path against the routes in the order they were added, a pattern each:
     * the store webhooks, nearly all of the traffic, are asked about first (routes' startupOrder), not
     * after every API path (JFR at 500/s: 1.2 % of the engine's samples were that matching).
     */
    @Test
    void storeWebhooksAreTheFirstRoutesAPathIsMatchedAgainst() {
        int port = URI.create(engine.baseUrl()).getPort();
        Router router = VertxPlatformHttpRouter.lookup(engine.context(), VertxPlatformHttpRouter.getRouterNameFromPort(port));
        List<String> paths = router.getRoutes().stream().map(Route::getPath).filter(Objects::nonNull).toList();
        assertThat(paths.subList(0, 2)).containsExactly("/webhooks/:marketplaceId", "/sources/:sourceId/:key");
        assertThat(paths.size()).isGreaterThan(20);
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

    static HttpResponse<String> signedBytes(String id, byte[] body, String contentType) {
        long now = Instant.now().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/webhooks/" + marketplace.id()))
                .header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", HttpFuzzIT.sign(marketplace.secret(), id, String.valueOf(now), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return engine.send(request.build());
    }

    @Test
    void aSignedEventInUtf16OrWithAByteOrderMarkIsA400NamingTheBody() {
        String event = Webhooks.order("ada@example.com", "o-1", "p-1");
        JsonNode bom = problem(signedBytes("bom", ("\ufeff" + event).getBytes(StandardCharsets.UTF_8), "application/json"), 400);
        assertThat(bom.path("field").asText()).isEqualTo("(body)");
        assertThat(bom.path("detail").asText()).contains("byte order mark");
        JsonNode utf16 = problem(signedBytes("utf16", event.getBytes(StandardCharsets.UTF_16LE), "application/json"), 400);
        assertThat(utf16.path("field").asText()).isEqualTo("(body)");
        problem(signedBytes("utf16-bom", event.getBytes(StandardCharsets.UTF_16), "application/json"), 400);
        problem(signedBytes("latin1", event.replace("Ada", "Adé").getBytes(StandardCharsets.ISO_8859_1), "application/json"), 400);
        assertThat(signedBytes("utf8", event.getBytes(StandardCharsets.UTF_8), "application/json").statusCode()).isEqualTo(202);
    }

    @Test
    void aCompressedOrNonUtf8EventIsA415() {
        String event = Webhooks.order("ada@example.com", "o-2", "p-2");
        long now = Instant.now().getEpochSecond();
        byte[] zipped = HttpFuzzIT.gzip(event.getBytes(StandardCharsets.UTF_8));
        HttpRequest gzip = HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/webhooks/" + marketplace.id()))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .header("webhook-id", "gz").header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", HttpFuzzIT.sign(marketplace.secret(), "gz", String.valueOf(now), zipped))
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped)).build();
        assertThat(problem(engine.send(gzip), 415).path("detail").asText()).contains("Content-Encoding");
        assertThat(problem(signedBytes("u16", event.getBytes(StandardCharsets.UTF_16), "application/json; charset=UTF-16"), 415)
                .path("detail").asText()).contains("UTF-8");
        assertThat(signedBytes("u8", event.getBytes(StandardCharsets.UTF_8), "application/json; charset=\"UTF-8\"").statusCode())
                .isEqualTo(202);
    }

    @Test
    void aFormBodyTheServerCannotDecodeIsA400NamingTheBody() {
        HttpRequest form = HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/webhooks/" + marketplace.id()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, '%', 'z', (byte) 0xc3, '=', '%'})).build();
        HttpResponse<String> r = engine.send(form);
        if (r.statusCode() == 400) {
            assertThat(problem(r, 400).path("field").asText()).isEqualTo("(body)");
        } else {
            problem(r, 415);
        }
    }

    @Test
    void aNumberBeyondADoubleIsA400NamingItsField() {
        // found by HttpFuzzIT: the schema's enum check turned 1e999 (infinity) into a BigDecimal and threw
        String body = Webhooks.order("ada@example.com", "o-3", "p-3").replace("\"order.completed\"", "1e999");
        JsonNode problem = problem(signedBytes("inf", body.getBytes(StandardCharsets.UTF_8), "application/json"), 400);
        assertThat(problem.path("field").asText()).isEqualTo("type");
    }

    /** One request written on a socket as given (java.net.http refuses a malformed percent-escape). */
    static String raw(String requestLine) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", Integer.parseInt(engine.environment().get("ENGINE_HTTP_PORT")))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A method that carries no form (HEAD, GET) declaring a form Content-Type, its body still to come:
     * Vert.x's body handler refused to decode it and the request got a 500.
     */
    @Test
    void aFormTypeOnAMethodWithoutAFormIsIgnored() throws Exception {
        int port = Integer.parseInt(engine.environment().get("ENGINE_HTTP_PORT"));
        for (String[] request : new String[][] {{"HEAD", "/sources/src_nope/k_nope", "multipart/form-data"},
                {"GET", "/api/v1/marketplaces", "application/x-www-form-urlencoded"}, {"GET", "/api/v1/marketplaces", "multipart/form-data"}}) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write((request[0] + " " + request[1] + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                        + request[2] + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(200); // the routes run before the body has ended
                socket.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String statusLine = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
                assertThat(statusLine).as(String.join(" ", request)).matches("HTTP/1.1 (404|401) .*");
            }
        }
    }

    /**
     * Camel's error handler wrote each failed attempt ("On delivery attempt: 0 caught: …", DEBUG) through a
     * logger whose level it sets and restores around the line, one logger for every exchange of the route:
     * under concurrency a refused webhook's line came out at ERROR (HttpFuzzIT, about 1 in 3,000). No route
     * redelivers, so no onException clause writes that line at all, at any level.
     */
    @Test
    void aRefusedWebhookWritesNoFailedAttemptLine() {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> catcher = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                lines.add(event.getLevel() + " " + event.getFormattedMessage());
            }
        };
        catcher.start();
        ch.qos.logback.classic.Logger errorHandler = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "org.apache.camel.processor.errorhandler.DefaultErrorHandler");
        ch.qos.logback.classic.Level level = errorHandler.getLevel();
        errorHandler.setLevel(ch.qos.logback.classic.Level.DEBUG);
        errorHandler.addAppender(catcher);
        try {
            problem(engine.send(Webhooks.signed(engine.baseUrl(), "mkt_nobody", marketplace.secret(), "refused", "{}")), 404);
            problem(engine.send(Webhooks.signed(engine.baseUrl(), marketplace.id(), "whsec_" + "A".repeat(43) + "=", "unsigned", "{}")), 401);
        } finally {
            errorHandler.detachAppender(catcher);
            errorHandler.setLevel(level);
        }
        assertThat(lines).noneMatch(line -> line.contains("On delivery attempt"));
    }

    @Test
    void aBadPercentEscapeIsAProblemAndLogsNoError() throws Exception {
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> catcher = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) {
                    errors.add(event.getFormattedMessage());
                }
            }
        };
        catcher.start();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        root.addAppender(catcher);
        try {
            for (String line : new String[] {"POST /webhooks/%zz HTTP/1.1", "GET /api/v1/marketplaces/%zz HTTP/1.1",
                    "GET /api/v1/marketplaces?limit=%zz HTTP/1.1", "GET /%zz HTTP/1.1"}) {
                String answer = raw(line);
                String statusLine = answer.lines().findFirst().orElse("");
                assertThat(statusLine).as(line).matches("HTTP/1.1 4\\d\\d .*");
                assertThat(answer.toLowerCase(java.util.Locale.ROOT)).as(line).contains("content-type: application/problem+json");
            }
        } finally {
            root.detachAppender(catcher);
        }
        assertThat(errors).isEmpty();
    }
}
