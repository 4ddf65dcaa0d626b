package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.sandbox.SandboxSettings;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The engine's PostgreSQL stops for 30 s under a steady load of webhooks and starts again (spec §9):
 * meanwhile every webhook is answered 503 with Retry-After as problem+json, within moments, and
 * readiness is down; afterwards the engine is ready again by itself, the workers resume, and every
 * event it acknowledged is processed exactly once, its action done exactly once in HighLevel.
 */
class DatabaseOutageIT {
    static final Duration OUTAGE = Duration.ofSeconds(30);

    record Answer(String id, long sentAt, long millis, int status, String contentType, String retryAfter, String body) {
    }

    record Probe(long at, int status) {
    }

    @Test
    void aDatabaseOutageIsAnswered503AndTheEngineResumesByItselfLosingAndDoublingNothing() throws Exception {
        Path dataDir = Path.of("target", "outage-postgres-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(dataDir);
        int port = EngineUnderTest.freePort();
        EmbeddedPostgres postgres = startPostgres(dataDir, port);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        try (HighLevelHarness highLevel = new HighLevelHarness(SandboxSettings.builder().rateLimit(100_000, 10_000).build())) {
            Map<String, String> env = new HashMap<>(highLevel.engineEnvironment());
            env.put("ENGINE_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
            try (EngineUnderTest engine = EngineUnderTest.start(env)) {
                Marketplace m = Marketplace.create(engine, "Outage");
                JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "HL");
                m.rule("{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\""
                        + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"bought\"]}");

                List<Answer> answers = new CopyOnWriteArrayList<>();
                List<Probe> probes = new CopyOnWriteArrayList<>();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread load = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        String id = "evt_" + i;
                        answers.add(deliver(engine, m, id));
                        sleep(50);
                    }
                }, "webhook-load");
                Thread readiness = new Thread(() -> {
                    while (running.get()) {
                        long at = System.nanoTime();
                        HttpResponse<String> r = tryGet(engine.managementUrl() + "/observe/health/ready");
                        probes.add(new Probe(at, r == null ? -1 : r.statusCode()));
                        sleep(100);
                    }
                }, "readiness-probe");
                load.start();
                readiness.start();
                Thread.sleep(3_000);

                root.addAppender(logs);
                logs.start();
                long stoppedAt = System.nanoTime();
                postgres.close(); // pg_ctl stop -m fast; the data directory stays
                Thread.sleep(OUTAGE.toMillis() / 2);
                // the admin API says the same: 503 with Retry-After, not a 500
                HttpResponse<String> admin = engine.send("GET", "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN, null);
                assertThat(admin.statusCode()).as(admin.body()).isEqualTo(503);
                assertThat(admin.headers().firstValue("Retry-After")).contains("5");
                assertThat(admin.headers().firstValue("Content-Type")).contains("application/problem+json");
                Thread.sleep(OUTAGE.toMillis() / 2);
                long restartedAt = System.nanoTime();
                postgres = startPostgres(dataDir, port);
                long restartTook = System.nanoTime() - restartedAt;
                java.time.OffsetDateTime backAt = Jdbi.create(postgres.getPostgresDatabase()).withHandle(h -> h.createQuery("SELECT now()")
                        .mapTo(java.time.OffsetDateTime.class).one());
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> answers.stream()
                        .anyMatch(a -> a.sentAt() > restartedAt && a.status() == 202));
                Thread.sleep(3_000);
                running.set(false);
                load.join();
                readiness.join();
                logs.stop();
                root.detachAppender(logs);

                // during the outage: 503 + Retry-After problem+json, never a 500, a hang or a stack trace
                List<Answer> during = answers.stream().filter(a -> a.sentAt() > stoppedAt && a.sentAt() < restartedAt).toList();
                assertThat(during).hasSizeGreaterThan(10);
                for (Answer a : answers) {
                    assertThat(a.status()).as("answer to %s: %s", a.id(), a.body()).isIn(202, 503);
                }
                // (a request sent just before the restart may wait for a connection until PostgreSQL is back)
                List<Answer> wellWithin = during.stream().filter(a -> a.sentAt() < restartedAt - 2_000_000_000L).toList();
                for (Answer a : wellWithin.subList(wellWithin.size() / 10, wellWithin.size())) { // once the outage is noticed
                    assertThat(a.status()).as(a.id()).isEqualTo(503);
                }
                List<Answer> unavailable = answers.stream().filter(a -> a.status() == 503).toList();
                for (Answer a : unavailable) {
                    assertThat(a.contentType()).isEqualTo("application/problem+json");
                    assertThat(a.retryAfter()).isEqualTo("5");
                    assertThat(Json.read(a.body()).path("status").asInt()).isEqualTo(503);
                    assertThat(a.body()).doesNotContain("Exception", "at io.", "jdbc:");
                    assertThat(a.millis()).as("503 answered without hanging").isLessThan(10_000);
                }
                // the log says it in WARN lines, not an ERROR with a stack trace at every tick
                List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
                assertThat(errors).as("ERRORs logged during the outage").isEmpty();
                assertThat(logs.list.stream().filter(e -> e.getThrowableProxy() != null).count())
                        .as("stack traces logged during the outage (Hikari's WARN, once per broken pooled connection)").isLessThan(20);

                // readiness: down during the outage, up again after it by itself
                assertThat(probes.stream().filter(p -> p.at() < stoppedAt)).anyMatch(p -> p.status() == 200);
                long downAt = probes.stream().filter(p -> p.at() > stoppedAt && p.status() == 503).mapToLong(Probe::at).min().orElseThrow();
                // (as for the webhooks: a probe sent just before the restart may wait for a connection until PostgreSQL is back)
                assertThat(probes.stream().filter(p -> p.at() > downAt && p.at() < restartedAt - 2_000_000_000L)).allMatch(p -> p.status() == 503);
                long upAt = probes.stream().filter(p -> p.at() > restartedAt && p.status() == 200).mapToLong(Probe::at).min().orElseThrow();
                assertThat(probes.get(probes.size() - 1).status()).isEqualTo(200);

                // the store sends again what it was answered 503: accepted now, or a duplicate if its commit was of unknown fate
                for (Answer a : unavailable) {
                    HttpResponse<String> again = engine.send(Webhooks.signed(engine.baseUrl(), m.id(), m.secret(), a.id(), body(a.id())));
                    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
                }
                List<String> ids = answers.stream().map(Answer::id).toList();
                Jdbi jdbi = engine.jdbi();
                Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FILTER (WHERE status = 'done') FROM inbox_event").mapTo(Integer.class).one()) == ids.size());
                Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM action_job WHERE status = 'succeeded'").mapTo(Integer.class).one()) == ids.size());
                List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT webhook_id FROM inbox_event").mapTo(String.class).list());
                assertThat(stored)
                        .containsExactlyInAnyOrderElementsOf(ids);
                Map<String, Integer> jobsPerEvent = new HashMap<>();
                jdbi.useHandle(h -> h.createQuery("SELECT event_id, count(*) AS n FROM action_job GROUP BY event_id")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2))).forEach(e -> jobsPerEvent.put(e.getKey(), e.getValue())));
                assertThat(jobsPerEvent.keySet()).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(jobsPerEvent.values()).allMatch(n -> n == 1);
                int receiptsTwice = jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FROM (SELECT event_id FROM event_log WHERE kind = 'event' AND status = 'accepted'
                                               GROUP BY event_id HAVING count(*) > 1) twice""").mapTo(Integer.class).one());
                assertThat(receiptsTwice).as("events logged as accepted twice").isZero();
                long tagCalls = highLevel.exchanges().stream().filter(e -> e.getRequest().getUrl().endsWith("/tags")).count();
                assertThat(tagCalls).as("one tag call per event").isEqualTo(ids.size());
                for (String id : ids) {
                    assertThat(highLevel.contact(email(id)).getJsonArray("tags").getList()).containsExactly("bought");
                }

                long firstDoneAfterRestart = jdbi.withHandle(h -> h.createQuery("""
                        SELECT extract(epoch FROM min(processed_at) - :back) FROM inbox_event WHERE processed_at > :back""")
                        .bind("back", backAt).mapTo(Double.class).findOne().map(s -> (long) (s * 1000)).orElse(-1L));
                long firstAcceptedAfterRestart = answers.stream().filter(a -> a.sentAt() > restartedAt && a.status() == 202)
                        .mapToLong(Answer::sentAt).min().orElseThrow();
                System.out.printf("OUTAGE FIGURES: %d webhooks during the outage, 503 in max %d ms (median %d ms); readiness down %d ms after the stop, "
                                + "up %d ms after the restart began (PostgreSQL took %d ms to start); first 202 %d ms after the restart began; "
                                + "first event processed %d ms after PostgreSQL was back%n",
                        during.size(), unavailable.stream().mapToLong(Answer::millis).max().orElse(-1),
                        unavailable.stream().mapToLong(Answer::millis).sorted().skip(unavailable.size() / 2).findFirst().orElse(-1),
                        (downAt - stoppedAt) / 1_000_000, (upAt - restartedAt) / 1_000_000, restartTook / 1_000_000,
                        (firstAcceptedAfterRestart - restartedAt) / 1_000_000, firstDoneAfterRestart);
            }
        } finally {
            root.detachAppender(logs);
            postgres.close();
        }
    }

    static EmbeddedPostgres startPostgres(Path dataDir, int port) throws Exception {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(Path.of("target", "test-postgres", "binaries").toAbsolutePath().toFile())
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", "100")
                .start();
    }

    static String email(String id) {
        return id.replace("_", "") + "@example.com";
    }

    static String body(String id) {
        return Webhooks.order(email(id), "o_" + id, "p");
    }

    static Answer deliver(EngineUnderTest engine, Marketplace m, String id) {
        HttpRequest request = Webhooks.signed(engine.baseUrl(), m.id(), m.secret(), id, body(id));
        long sent = System.nanoTime();
        HttpResponse<String> r = engine.send(request);
        long millis = (System.nanoTime() - sent) / 1_000_000;
        return new Answer(id, sent, millis, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                r.headers().firstValue("Retry-After").orElse(null), r.body());
    }

    static HttpResponse<String> tryGet(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
