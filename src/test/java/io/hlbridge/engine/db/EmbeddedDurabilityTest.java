package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.EngineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL the engine starts keeps every commit it acknowledges. */
class EmbeddedDurabilityTest {
    static EngineSettings settings(Path dataDir) {
        Map<String, String> p = new HashMap<>(Map.of(
                "engine.http-port", "8080", "engine.management-port", "9876", "engine.data-dir", dataDir.toString(),
                "engine.db-pool-size", "2", "highlevel.api-url", "https://hl.example.test/",
                "highlevel.authorize-url", "https://marketplace.example.test/v2/oauth/chooselocation",
                "engine.prospect-delay", "PT2H", "engine.delinquent-after", "4", "engine.log-retention", "1000"));
        return EngineSettings.from(name -> Optional.ofNullable(p.get(name)));
    }

    static String show(Database db, String setting) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SHOW " + setting)) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void fsyncSynchronousCommitAndFullPageWritesAreOn() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "durable-" + ProcessHandle.current().pid()).toAbsolutePath());
        try (Database db = Database.open(settings(dir))) {
            assertThat(show(db, "fsync")).isEqualTo("on");
            assertThat(show(db, "synchronous_commit")).isEqualTo("on");
            assertThat(show(db, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void aStalePostmasterPidOfAGoneProcessDoesNotStopTheStart() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "stalepid-" + ProcessHandle.current().pid()).toAbsolutePath());
        try (Database db = Database.open(settings(dir))) {
            assertThat(show(db, "fsync")).isEqualTo("on");
        }
        Path pidFile = dir.resolve("postgres").resolve("postmaster.pid");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(pidFile, gone.pid() + "\n" + dir.resolve("postgres") + "\n1700000000\n5432\n/tmp\n127.0.0.1\n  1  2\nready   \n");
        try (Database db = Database.open(settings(dir))) {
            assertThat(show(db, "fsync")).isEqualTo("on");
        }
    }
}
