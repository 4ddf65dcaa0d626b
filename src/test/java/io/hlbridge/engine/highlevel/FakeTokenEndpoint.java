package io.hlbridge.engine.highlevel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint that behaves as HighLevel's does where it matters here: each refresh token works
 * exactly once (a reused one gets {@code 400 {"error":"invalid_grant"}}) and every grant carries a new
 * refresh token. It can be told to answer slowly, or to fail with a status.
 */
final class FakeTokenEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final Set<String> live = new HashSet<>();
    private final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger refreshRequests = new AtomicInteger();
    final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    final List<String> contentTypes = Collections.synchronizedList(new ArrayList<>());
    final List<String> tokensIssued = Collections.synchronizedList(new ArrayList<>());
    volatile Duration delay = Duration.ZERO;
    volatile int failWith;

    record Pair(String accessToken, String refreshToken) {
    }

    FakeTokenEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth/token", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A new live pair, as an authorization would grant. */
    synchronized Pair issue() {
        int n = issued.incrementAndGet();
        Pair pair = new Pair("at-" + n + "-" + System.nanoTime(), "rt-" + n + "-" + System.nanoTime());
        live.add(pair.refreshToken());
        tokensIssued.add(pair.accessToken());
        tokensIssued.add(pair.refreshToken());
        return pair;
    }

    /** Spends a refresh token from outside the engine (as a second installation of the app would). */
    void refresh(String refreshToken) {
        if (!spend(refreshToken)) {
            throw new IllegalStateException("not a live refresh token");
        }
    }

    private synchronized boolean spend(String refreshToken) {
        return refreshToken != null && live.remove(refreshToken);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        bodies.add(body);
        contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        if ("refresh_token".equals(form.get("grant_type"))) {
            refreshRequests.incrementAndGet();
        }
        sleep(delay);
        if (failWith != 0) {
            reply(exchange, failWith, "{\"statusCode\":" + failWith + ",\"message\":\"try again later\"}");
            return;
        }
        if (!"refresh_token".equals(form.get("grant_type")) || !spend(form.get("refresh_token"))) {
            reply(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant: refresh token is invalid\"}");
            return;
        }
        Pair next = issue();
        reply(exchange, 200, """
                {"access_token":"%s","token_type":"Bearer","expires_in":86399,"refresh_token":"%s",
                 "scope":"contacts.readonly contacts.write","userType":"Location","locationId":"loc_1",
                 "companyId":"cmp_1","userId":"usr_1"}""".formatted(next.accessToken(), next.refreshToken()));
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
