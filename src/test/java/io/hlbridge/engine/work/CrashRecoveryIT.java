package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.sandbox.SandboxSettings;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.support.Webhooks;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a running engine in the middle of a load: after a restart, every event it answered
 * 202 is processed, every action completes exactly once, and HighLevel holds exactly the expected tags.
 */
class CrashRecoveryIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aKilledEngineLosesNothingAndDoublesNothing() throws Exception {
        try (HighLevelHarness highLevel = new HighLevelHarness(SandboxSettings.builder().rateLimit(100_000, 10_000).latencyMillis(20).build())) {
            Map<String, String> env = new HashMap<>(highLevel.engineEnvironment());
            env.put("ENGINE_DB_URL", TestDatabase.newDatabase());
            env.put("ENGINE_DB_USER", "postgres");
            env.put("ENGINE_ADMIN_TOKEN", EngineUnderTest.OPERATOR_TOKEN);
            env.put("ENGINE_SECRET_KEY", EngineUnderTest.SECRET_KEY);
            env.put("ENGINE_HTTP_PORT", String.valueOf(EngineUnderTest.freePort()));
            env.put("ENGINE_MANAGEMENT_PORT", String.valueOf(EngineUnderTest.freePort()));
            env.put("ENGINE_ROUTES", "file:" + Path.of("routes").toAbsolutePath() + "/*.camel.yaml");
            String base = "http://127.0.0.1:" + env.get("ENGINE_HTTP_PORT");

            Process engine = startProcess(env, "first");
            JsonNode m = Json.read(post(base + "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN, "{\"name\":\"Crash\"}"));
            String marketplace = m.path("id").asText();
            String apiKey = m.path("api_key").asText();
            String secret = m.path("webhook_secret").asText();
            JsonNode integration = Json.read(post(base + "/api/v1/marketplaces/" + marketplace + "/integrations", apiKey, "{\"name\":\"HL\"}"));
            approve(highLevel, base, integration.path("authorize_url").asText());
            post(base + "/api/v1/marketplaces/" + marketplace + "/rules", apiKey, "{\"scope\":\"global\",\"trigger\":\"product.purchased\","
                    + "\"integration_id\":\"" + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"bought\"]}");

            List<String> accepted = new ArrayList<>();
            int sent = 0;
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (System.nanoTime() < killAt) {
                String id = "evt_" + sent;
                HttpResponse<String> r = send(Webhooks.signed(base, marketplace, secret, id, Webhooks.order("k" + sent + "@example.com", "o" + sent, "p")));
                if (r != null && r.statusCode() == 202) {
                    accepted.add(id);
                }
                sent++;
            }
            engine.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL, mid-load
            assertThat(accepted).hasSizeGreaterThan(10);

            Process restarted = startProcess(env, "second");
            try {
                Jdbi jdbi = Jdbi.create(env.get("ENGINE_DB_URL"), "postgres", "");
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM inbox_event WHERE status <> 'done'").mapTo(Integer.class).one()) == 0
                        && jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM action_job WHERE status <> 'succeeded'")
                        .mapTo(Integer.class).one()) == 0);
                List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT webhook_id FROM inbox_event").mapTo(String.class).list());
                assertThat(stored).containsAll(accepted);
                int jobs = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM action_job").mapTo(Integer.class).one());
                assertThat(jobs).isEqualTo(stored.size());
                for (int i = 0; i < sent; i++) {
                    if (stored.contains("evt_" + i)) {
                        JsonObject contact = highLevel.contact("k" + i + "@example.com");
                        assertThat(contact).as("contact of evt_" + i).isNotNull();
                        assertThat(contact.getJsonArray("tags").getList()).containsExactly("bought");
                    }
                }
                assertThat(highLevel.contacts()).hasSize(stored.size());
            } finally {
                restarted.destroy();
                restarted.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    static Process startProcess(Map<String, String> env, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.hlbridge.engine.Application");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(new File("target", "crash-engine-" + name + ".log"));
        Process p = pb.start();
        String ready = "http://127.0.0.1:" + env.get("ENGINE_MANAGEMENT_PORT") + "/observe/health/ready";
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(p.isAlive()).as("engine process alive (see target/crash-engine-" + name + ".log)").isTrue();
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(ready)).build());
            return r != null && r.statusCode() == 200;
        });
        return p;
    }

    static void approve(HighLevelHarness highLevel, String base, String authorizeUrl) throws Exception {
        HttpResponse<String> redirect = send(HttpRequest.newBuilder(URI.create(authorizeUrl.replace("/oauth/chooselocation?", "/oauth/chooselocation/approve?"))).build());
        URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(base + callback.getRawPath() + "?" + callback.getRawQuery())).build());
        assertThat(done.statusCode()).isEqualTo(200);
    }

    static String post(String url, String bearer, String json) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r.body();
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }
}
