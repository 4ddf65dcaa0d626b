package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineProcess;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.support.Webhooks;
import io.hlbridge.sandbox.SandboxSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to one of two replicas under load, with a slow HighLevel (spec §9): it reports not ready
 * first, takes no new webhook, lets the HighLevel calls in flight finish, hands the actions it had
 * claimed but not started back, and exits; the other replica does the rest at once rather than after
 * the 60 s lease, and every action is done exactly once.
 */
class GracefulShutdownIT {
    static final int EVENTS = 150;

    /** One answer: {@code at} is when the request was sent (a readiness probe's: when it was answered). */
    record Seen(long at, int status, String body, String retryAfter) {
        static Seen of(long at, HttpResponse<String> r) {
            return r == null ? new Seen(at, -1, null, null)
                    : new Seen(at, r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
        }
    }

    @Test
    void sigtermFinishesTheCallsInFlightHandsBackTheRestAndExits() throws Exception {
        SandboxSettings slow = SandboxSettings.builder().rateLimit(100_000, 10_000).latencyMillis(1_500).build();
        try (HighLevelHarness highLevel = new HighLevelHarness(slow)) {
            String db = TestDatabase.newDatabase();
            Map<String, String> envA = new HashMap<>(highLevel.engineEnvironment());
            envA.put("ENGINE_DB_URL", db);
            envA.put("ENGINE_DB_USER", "postgres");
            envA.put("ENGINE_DB_POOL_SIZE", "8");
            envA.put("ENGINE_ADMIN_TOKEN", EngineUnderTest.OPERATOR_TOKEN);
            envA.put("ENGINE_SECRET_KEY", EngineUnderTest.SECRET_KEY);
            envA.put("ENGINE_HTTP_PORT", String.valueOf(EngineUnderTest.freePort()));
            envA.put("ENGINE_MANAGEMENT_PORT", String.valueOf(EngineUnderTest.freePort()));
            envA.put("ENGINE_ROUTES", "file:" + Path.of("routes").toAbsolutePath() + "/*.camel.yaml,file:" + Path.of("routes").toAbsolutePath() + "/sources/*.camel.yaml,file:" + Path.of("routes").toAbsolutePath() + "/actions/*.camel.yaml");
            String baseA = "http://127.0.0.1:" + envA.get("ENGINE_HTTP_PORT");
            String readyA = "http://127.0.0.1:" + envA.get("ENGINE_MANAGEMENT_PORT") + "/observe/health/ready";

            Process a = CrashRecoveryIT.startProcess(envA, "shutdown-a");
            Map<String, String> envB = new HashMap<>(highLevel.engineEnvironment());
            envB.put("ENGINE_DB_URL", db);
            try (EngineUnderTest b = EngineUnderTest.start(envB)) {
                JsonNode m = Json.read(EngineProcess.post(baseA + "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN, "{\"name\":\"Shutdown\"}"));
                String marketplace = m.path("id").asText();
                String apiKey = m.path("api_key").asText();
                String secret = m.path("webhook_secret").asText();
                JsonNode integration = Json.read(EngineProcess.post(baseA + "/api/v1/marketplaces/" + marketplace + "/integrations", apiKey, "{\"name\":\"HL\"}"));
                EngineProcess.approve(baseA, integration.path("authorize_url").asText());
                EngineProcess.post(baseA + "/api/v1/marketplaces/" + marketplace + "/rules", apiKey, "{\"scope\":\"global\",\"trigger\":\"product.purchased\","
                        + "\"integration_id\":\"" + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"bought\"]}");
                highLevel.clearExchanges();

                // sent from 8 connections at once: sent one by one on a slow machine, the first ones' actions
                // (3 s each, 32 workers) could all be done before the last was sent, and nothing left in flight
                ExecutorService senders = Executors.newFixedThreadPool(8);
                try {
                    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
                    for (int i = 0; i < EVENTS; i++) {
                        String base = i % 2 == 0 ? baseA : b.baseUrl();
                        HttpRequest webhook = Webhooks.signed(base, marketplace, secret, "evt_" + i, body(i));
                        sent.add(senders.submit(() -> EngineProcess.send(webhook)));
                    }
                    for (Future<HttpResponse<String>> f : sent) {
                        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                        assertThat(r).isNotNull();
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    }
                } finally {
                    senders.shutdownNow();
                }
                Jdbi jdbi = b.jdbi();
                // both replicas busy: calls in flight, more claimed behind them
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count(jdbi, "status = 'succeeded'") >= 20);
                assertThat(count(jdbi, "status <> 'succeeded'")).isGreaterThan(40);

                List<Seen> readiness = new CopyOnWriteArrayList<>();
                List<Seen> webhooks = new CopyOnWriteArrayList<>();
                long sigterm = System.nanoTime();
                a.destroy(); // SIGTERM
                Thread probe = new Thread(() -> {
                    while (a.isAlive()) {
                        HttpResponse<String> r = EngineProcess.send(HttpRequest.newBuilder(URI.create(readyA)).timeout(Duration.ofSeconds(5)).build());
                        readiness.add(Seen.of(System.nanoTime(), r));
                        sleepQuietly(50);
                    }
                });
                Thread store = new Thread(() -> {
                    for (int i = 0; a.isAlive(); i++) {
                        long sent = System.nanoTime();
                        HttpResponse<String> r = EngineProcess.send(Webhooks.signed(baseA, marketplace, secret, "late_" + i, body(1000 + i)));
                        webhooks.add(Seen.of(sent, r));
                        sleepQuietly(50);
                    }
                });
                probe.start();
                store.start();
                assertThat(a.waitFor(60, TimeUnit.SECONDS)).as("replica A exits after SIGTERM").isTrue();
                long exited = System.nanoTime();
                probe.join();
                store.join();

                // not ready while it stops (the signal takes a moment to arrive), and no webhook taken once not ready
                List<Seen> answered = readiness.stream().filter(s -> s.status() > 0).toList();
                long notReadyAt = answered.stream().filter(s -> s.status() == 503).mapToLong(Seen::at).min()
                        .orElseThrow(() -> new AssertionError("A never reported not ready before it exited: " + readiness));
                assertThat(answered.stream().filter(s -> s.at() >= notReadyAt)).allMatch(s -> s.status() == 503);
                // every webhook sent after that is refused with a 503 until the server is gone: no 404 once
                // the route is stopped, no empty 500 while its processors stop (a store would drop or
                // mistrust those)
                assertThat(webhooks.stream().filter(s -> s.at() > notReadyAt)).allMatch(s -> s.status() == 503 || s.status() == -1);
                long first503 = webhooks.stream().filter(s -> s.status() == 503).mapToLong(Seen::at).min().orElseThrow();
                assertThat(webhooks.stream().filter(s -> s.at() > first503)).allMatch(s -> s.status() == 503 || s.status() == -1);
                assertThat(webhooks.stream().filter(s -> s.status() == 503)).hasSizeGreaterThan(5)
                        .allMatch(s -> s.body().contains("\"status\":503") && s.body().contains("shutting down") && "5".equals(s.retryAfter()));
                List<Integer> lateAccepted = new java.util.ArrayList<>();
                for (int i = 0; i < webhooks.size(); i++) {
                    assertThat(webhooks.get(i).status()).isIn(202, 503, -1);
                    if (webhooks.get(i).status() == 202) {
                        lateAccepted.add(1000 + i);
                    }
                }
                int expected = EVENTS + lateAccepted.size();

                // B does the rest, long before A's leases (60 s from their claim) would have run out
                Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(jdbi, "status <> 'succeeded'") == 0);
                long allDone = System.nanoTime();
                assertThat(count(jdbi, "true")).isEqualTo(expected);
                assertThat(count(jdbi, "attempts <> 1")).as("no attempt cut short and retried").isZero();
                long tagCalls = highLevel.exchanges().stream().filter(e -> e.getRequest().getUrl().endsWith("/tags")).count();
                assertThat(tagCalls).as("one tag call per action").isEqualTo(expected);
                List<Integer> customers = new java.util.ArrayList<>(lateAccepted);
                for (int i = 0; i < EVENTS; i++) {
                    customers.add(i);
                }
                for (int i : customers) {
                    assertThat(highLevel.contact(email(i)).getJsonArray("tags").getList()).containsExactly("bought");
                }
                String logA = Files.readString(Path.of("target", "crash-engine-shutdown-a.log"));
                Matcher handedBack = Pattern.compile("(\\d+) claimed action\\(s\\) handed back").matcher(logA);
                assertThat(handedBack.find()).as("A's log says what it handed back").isTrue();
                System.out.printf("SHUTDOWN FIGURES: A exited %d ms after SIGTERM, handed back %s claimed actions; not ready %d ms after SIGTERM (first answer %s); "
                                + "%d webhooks sent to A while stopping (%d answered 503); all actions done %d ms after SIGTERM%n",
                        (exited - sigterm) / 1_000_000, handedBack.group(1), (notReadyAt - sigterm) / 1_000_000,
                        answered.isEmpty() ? "none" : ((answered.get(0).at() - sigterm) / 1_000_000) + " ms after SIGTERM: " + answered.get(0).status(),
                        webhooks.size(), webhooks.stream().filter(s -> s.status() == 503).count(), (allDone - sigterm) / 1_000_000);
            } finally {
                a.destroyForcibly();
            }
        }
    }

    static long count(Jdbi jdbi, String where) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM action_job WHERE " + where).mapTo(Long.class).one());
    }

    static String email(int i) {
        return "s" + i + "@example.com";
    }

    static String body(int i) {
        return Webhooks.order(email(i), "o" + i, "p");
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
