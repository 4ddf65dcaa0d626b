package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.support.EngineProcess;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.support.Webhooks;
import io.hlbridge.sandbox.SandboxSettings;
import io.vertx.core.json.JsonObject;
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
            env.put("ENGINE_ROUTES", "file:" + Path.of("routes").toAbsolutePath() + "/*.camel.yaml,file:" + Path.of("routes").toAbsolutePath() + "/sources/*.camel.yaml,file:" + Path.of("routes").toAbsolutePath() + "/actions/*.camel.yaml");
            String base = "http://127.0.0.1:" + env.get("ENGINE_HTTP_PORT");

            Process engine = startProcess(env, "first");
            EngineProcess.Shop shop = EngineProcess.shopTaggingBuyers(highLevel, base);
            String marketplace = shop.marketplace();
            String secret = shop.secret();

            List<String> accepted = new ArrayList<>();
            int sent = 0;
            // 1.5 s of load, and at least 11 webhooks accepted: the engine's webhook path is still cold, and a
            // slow machine may answer its first ones slowly (at most 60 s in all)
            long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500)
                    || accepted.size() <= 10 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
                String id = "evt_" + sent;
                HttpResponse<String> r = EngineProcess.send(Webhooks.signed(base, marketplace, secret, id, Webhooks.order("k" + sent + "@example.com", "o" + sent, "p")));
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
        return EngineProcess.start(env, name, Duration.ofSeconds(60)).process();
    }
}
