package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.support.EngineProcess;
import io.hlbridge.engine.support.EngineUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to an engine on its embedded PostgreSQL (the README's start command, spec §9): the engine
 * stops gracefully first and the database last. zonky's own shutdown hook used to stop PostgreSQL at
 * the same moment, so the workers still running lost their connections ("terminating connection due
 * to administrator command") and calls in flight could not write their outcome. That race is a
 * matter of timing (this test passed once without the fix); what it checks for certain is that the
 * engine exits and leaves its PostgreSQL stopped, now that the engine's own hook stops it.
 */
class EmbeddedShutdownIT {
    @Test
    void sigtermStopsTheEngineFirstAndItsEmbeddedDatabaseLast() throws Exception {
        Map<String, String> env = EngineUnderTest.zeroSetupEnvironment("embedded-sigterm-");
        Path dataDir = Path.of(env.get("ENGINE_DATA_DIR"));
        Process engine = EngineProcess.start(env, "embedded-sigterm", Duration.ofSeconds(90)).process();
        Thread.sleep(2_000); // the workers' timers polling the database

        engine.destroy(); // SIGTERM to the JVM, as Docker and Kubernetes send it
        assertThat(engine.waitFor(45, TimeUnit.SECONDS)).as("exited").isTrue();

        String log = Files.readString(Path.of("target", "crash-engine-embedded-sigterm.log"));
        assertThat(log).as(log).doesNotContain("terminating connection due to administrator command")
                .doesNotContain("57P01").doesNotContain("Database unreachable");
        assertThat(dataDir.resolve("postgres").resolve("postmaster.pid")).as("PostgreSQL stopped").doesNotExist();
    }
}
