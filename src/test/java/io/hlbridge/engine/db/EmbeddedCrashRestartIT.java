package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.sandbox.SandboxSettings;
import io.hlbridge.engine.support.EngineProcess;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Webhooks;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine on its embedded PostgreSQL, hard-killed in the middle of a load, comes back on the same
 * data directory within 30 s, whatever the kill left behind, and then processes every event it
 * answered 202 exactly once: the inbox is done, each event's action succeeded once, and HighLevel
 * holds exactly the expected tags.
 */
class EmbeddedCrashRestartIT {
    /** Events the engine must have answered 202 before it is killed. */
    static final int ACCEPTED_BEFORE_KILL = 60;

    enum Kill {
        /** kill -9 of the engine JVM only: its PostgreSQL is orphaned and keeps running. */
        JVM_ONLY,
        /** kill -9 of the engine JVM, the postmaster and all its children: PostgreSQL must do crash recovery. */
        JVM_AND_POSTGRES,
        /** as JVM_AND_POSTGRES, and postmaster.pid names a process that no longer exists. */
        JVM_AND_POSTGRES_STALE_PID
    }

    @ParameterizedTest
    @EnumSource(Kill.class)
    void aHardKilledEngineRestartsWithin30sAndProcessesEveryAcceptedEventOnce(Kill kill) throws Exception {
        Path dataDir = Files.createDirectories(Path.of("target", "crash-restart-" + kill.name().toLowerCase() + "-" + System.nanoTime())
                .toAbsolutePath());
        Path pgData = dataDir.resolve("postgres");
        Path pidFile = pgData.resolve("postmaster.pid");
        try (HighLevelHarness highLevel = new HighLevelHarness(SandboxSettings.builder().rateLimit(100_000, 10_000).latencyMillis(20).build())) {
            Map<String, String> env = new HashMap<>(highLevel.engineEnvironment());
            env.put("ENGINE_DATA_DIR", dataDir.toString());
            env.put("ENGINE_ADMIN_TOKEN", EngineUnderTest.OPERATOR_TOKEN);
            env.put("ENGINE_SECRET_KEY", EngineUnderTest.SECRET_KEY);
            env.put("ENGINE_HTTP_PORT", String.valueOf(EngineUnderTest.freePort()));
            env.put("ENGINE_MANAGEMENT_PORT", String.valueOf(EngineUnderTest.freePort()));
            env.put("ENGINE_ROUTES", "file:" + Path.of("routes").toAbsolutePath() + "/*.camel.yaml,file:" + Path.of("routes").toAbsolutePath() + "/sources/*.camel.yaml,file:" + Path.of("routes").toAbsolutePath() + "/actions/*.camel.yaml");
            env.remove("ENGINE_DB_URL");
            String base = "http://127.0.0.1:" + env.get("ENGINE_HTTP_PORT");
            String name = kill.name().toLowerCase();

            // the first start also unpacks the PostgreSQL binaries and runs initdb: not what is measured
            Process engine = EngineProcess.start(env, name + "-first", Duration.ofSeconds(90)).process();
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger sent = new AtomicInteger();
            try {
                EngineProcess.Shop shop = EngineProcess.shopTaggingBuyers(highLevel, base);
                long postmaster = EmbeddedPostgresGuard.readPid(pidFile).orElseThrow();
                ProcessHandle pm = ProcessHandle.of(postmaster).orElseThrow();

                AtomicBoolean stop = new AtomicBoolean();
                Thread load = new Thread(() -> {
                    while (!stop.get()) {
                        int i = sent.getAndIncrement();
                        HttpResponse<String> r = EngineProcess.send(Webhooks.signed(base, shop.marketplace(), shop.secret(), "evt_" + i,
                                Webhooks.order("k" + i + "@example.com", "o" + i, "p")));
                        if (r != null && r.statusCode() == 202) {
                            accepted.add("evt_" + i);
                        }
                    }
                }, "load");
                load.start();
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> accepted.size() >= ACCEPTED_BEFORE_KILL);

                // kill -9 while the load is still being sent and worked on
                List<ProcessHandle> pgChildren = pm.descendants().toList();
                engine.destroyForcibly();
                if (kill != Kill.JVM_ONLY) {
                    pm.destroyForcibly();
                    pgChildren.forEach(ProcessHandle::destroyForcibly);
                }
                assertThat(engine.waitFor(10, TimeUnit.SECONDS)).isTrue();
                stop.set(true);
                load.join(10_000);
                if (kill == Kill.JVM_ONLY) {
                    assertThat(pm.isAlive()).as("the orphaned postmaster is still running").isTrue();
                } else {
                    pm.onExit().get(10, TimeUnit.SECONDS);
                    for (ProcessHandle child : pgChildren) {
                        child.onExit().get(10, TimeUnit.SECONDS);
                    }
                    assertThat(pidFile).as("a killed postmaster leaves its postmaster.pid").exists();
                }
                if (kill == Kill.JVM_AND_POSTGRES_STALE_PID) {
                    Process gone = new ProcessBuilder("true").start();
                    gone.waitFor();
                    assertThat(ProcessHandle.of(gone.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                    List<String> lines = new ArrayList<>(Files.readAllLines(pidFile, StandardCharsets.UTF_8));
                    lines.set(0, Long.toString(gone.pid()));
                    Files.write(pidFile, lines, StandardCharsets.UTF_8);
                }
            } finally {
                engine.destroyForcibly();
            }
            System.out.printf("[%s] %d events sent, %d answered 202 before the kill%n", kill, sent.get(), accepted.size());
            assertThat(accepted).hasSizeGreaterThanOrEqualTo(ACCEPTED_BEFORE_KILL);

            EngineProcess.Started restarted = EngineProcess.start(env, name + "-second", Duration.ofSeconds(30));
            System.out.printf("[%s] restarted engine ready after %d ms%n", kill, restarted.readyAfter().toMillis());
            try {
                int port = Integer.parseInt(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(3).trim());
                Jdbi jdbi = Jdbi.create("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
                long readyAt = System.nanoTime();
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM inbox_event WHERE status <> 'done'").mapTo(Integer.class).one()) == 0
                        && jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM action_job WHERE status <> 'succeeded'")
                        .mapTo(Integer.class).one()) == 0);
                // jobs leased by the killed engine come back when their lease (ActionQueue.LEASE_SECONDS) runs out
                System.out.printf("[%s] every stored event and action done %d ms after the restarted engine was ready%n", kill,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readyAt));
                List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT webhook_id FROM inbox_event").mapTo(String.class).list());
                assertThat(stored).doesNotHaveDuplicates().containsAll(accepted);
                int jobs = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM action_job").mapTo(Integer.class).one());
                assertThat(jobs).as("one action per stored event").isEqualTo(stored.size());
                Set<String> storedIds = new HashSet<>(stored);
                for (int i = 0; i < sent.get(); i++) {
                    if (storedIds.contains("evt_" + i)) {
                        JsonObject contact = highLevel.contact("k" + i + "@example.com");
                        assertThat(contact).as("contact of evt_" + i).isNotNull();
                        assertThat(contact.getJsonArray("tags").getList()).containsExactly("bought");
                    }
                }
                assertThat(highLevel.contacts()).hasSize(stored.size());
            } finally {
                stopEngineAndItsPostgres(restarted.process(), pgData);
            }
        } finally {
            killOurPostgres(pgData);
        }
    }

    /** Stops the engine (SIGTERM, then SIGKILL) and, if its PostgreSQL outlived it, kills that too. */
    static void stopEngineAndItsPostgres(Process engine, Path pgData) throws Exception {
        engine.destroy();
        if (!engine.waitFor(20, TimeUnit.SECONDS)) {
            engine.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        killOurPostgres(pgData);
    }

    static void killOurPostgres(Path pgData) throws Exception {
        Optional<Long> pid = EmbeddedPostgresGuard.readPid(pgData.resolve("postmaster.pid"));
        if (pid.isPresent() && EmbeddedPostgresGuard.isOurPostgres(pid.get(), pgData)) {
            ProcessHandle pm = ProcessHandle.of(pid.get()).orElseThrow();
            List<ProcessHandle> children = pm.descendants().toList();
            pm.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            pm.onExit().get(10, TimeUnit.SECONDS);
        }
    }
}
