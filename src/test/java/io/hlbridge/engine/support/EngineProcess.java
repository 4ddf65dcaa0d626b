package io.hlbridge.engine.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The engine as a separate JVM (so a test can kill -9 it), and the HTTP steps the crash tests share:
 * start and wait until ready, create a marketplace with one HighLevel integration and one rule.
 */
public final class EngineProcess {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A started engine JVM and how long it took from starting the process to a 200 from /observe/health/ready. */
    public record Started(Process process, Duration readyAfter) {
    }

    /** The marketplace a crash test sends its events to. */
    public record Shop(String marketplace, String apiKey, String secret) {
    }

    private EngineProcess() {
    }

    /** Starts io.hlbridge.engine.Application with this environment, logging to target/crash-engine-NAME.log, and waits until it is ready. */
    public static Started start(Map<String, String> env, String name, Duration readyWithin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.hlbridge.engine.Application");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(new File("target", "crash-engine-" + name + ".log"));
        long started = System.nanoTime();
        Process p = pb.start();
        String ready = "http://127.0.0.1:" + env.get("ENGINE_MANAGEMENT_PORT") + "/observe/health/ready";
        try {
            Awaitility.await().atMost(readyWithin).pollInterval(Duration.ofMillis(100)).until(() -> {
                assertThat(p.isAlive()).as("engine process alive (see target/crash-engine-" + name + ".log)").isTrue();
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(ready)).build());
                return r != null && r.statusCode() == 200;
            });
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
        return new Started(p, Duration.ofNanos(System.nanoTime() - started));
    }

    /** A marketplace, an approved HighLevel integration, and a global rule tagging every buyer "bought". */
    public static Shop shopTaggingBuyers(HighLevelHarness highLevel, String base) throws Exception {
        JsonNode m = Json.read(post(base + "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN, "{\"name\":\"Crash\"}"));
        String marketplace = m.path("id").asText();
        String apiKey = m.path("api_key").asText();
        JsonNode integration = Json.read(post(base + "/api/v1/marketplaces/" + marketplace + "/integrations", apiKey, "{\"name\":\"HL\"}"));
        approve(base, integration.path("authorize_url").asText());
        post(base + "/api/v1/marketplaces/" + marketplace + "/rules", apiKey, "{\"scope\":\"global\",\"trigger\":\"product.purchased\","
                + "\"integration_id\":\"" + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"bought\"]}");
        return new Shop(marketplace, apiKey, m.path("webhook_secret").asText());
    }

    public static void approve(String base, String authorizeUrl) throws Exception {
        HttpResponse<String> redirect = send(HttpRequest.newBuilder(URI.create(authorizeUrl.replace("/oauth/chooselocation?", "/oauth/chooselocation/approve?"))).build());
        URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(base + callback.getRawPath() + "?" + callback.getRawQuery())).build());
        assertThat(done.statusCode()).isEqualTo(200);
    }

    public static String post(String url, String bearer, String json) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
        assertThat(r).as("answer from " + url).isNotNull();
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r.body();
    }

    /** The answer, or null if there was none (connection refused or reset: the engine is down). */
    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }
}
