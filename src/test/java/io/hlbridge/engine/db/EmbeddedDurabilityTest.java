package io.hlbridge.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.EngineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import io.hlbridge.engine.support.TestSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL the engine starts keeps every commit it acknowledges. */
class EmbeddedDurabilityTest {
    static EngineSettings settings(Path dataDir) {
        return TestSettings.of(Map.of("engine.data-dir", dataDir.toString(), "engine.db-pool-size", "2"));
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
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("postgres-binaries"))))
                    .isEqualTo("rwx------");
        }
    }

    /**
     * The workers' statements commit without waiting for the disk (Sql.ASYNC_COMMIT), and only their own
     * transaction does: the pooled connection a webhook gets next still waits for its commit's flush.
     */
    @Test
    void anAsynchronousCommitIsTheStatementsTransactionsOnly_neverThePooledConnections() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "async-" + ProcessHandle.current().pid()).toAbsolutePath());
        try (Database db = Database.open(settings(dir)); Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(Sql.first(c, "SELECT current_setting('synchronous_commit') FROM " + Sql.ASYNC_COMMIT, r -> r.getString(1)))
                    .contains("off");
            assertThat(Sql.first(c, "SHOW synchronous_commit", r -> r.getString(1))).contains("off");
            c.commit();
            assertThat(Sql.first(c, "SHOW synchronous_commit", r -> r.getString(1))).contains("on");
            c.setAutoCommit(true); // one statement, its own transaction (as the claims and outcomes run)
            Sql.first(c, "SELECT 1 FROM " + Sql.ASYNC_COMMIT, r -> r.getInt(1));
            assertThat(Sql.first(c, "SHOW synchronous_commit", r -> r.getString(1))).contains("on");
        }
    }

    @Test
    void aSecondEngineOnADataDirInUseRefusesToStart_andLeavesTheFirstsDatabaseRunning() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "locked-" + ProcessHandle.current().pid()).toAbsolutePath());
        try (Database db = Database.open(settings(dir))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Database.open(settings(dir)))
                    .hasMessageContaining("another engine is running on " + dir);
            assertThat(show(db, "fsync")).isEqualTo("on");
        }
        try (Database again = Database.open(settings(dir))) {
            assertThat(show(again, "fsync")).isEqualTo("on");
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

    /** Run in a child JVM: opens the engine's database on the given data dir, says so, and waits to be killed. */
    public static void main(String[] args) throws Exception {
        Database.open(settings(Path.of(args[0])));
        System.out.println("OPEN");
        System.out.flush();
        Thread.sleep(600_000);
    }

    @Test
    void aPostmasterOrphanedByAKilledJvmIsStoppedAndTheStartSucceeds() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "orphan-" + ProcessHandle.current().pid()).toAbsolutePath());
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedDurabilityTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("OPEN")) {
                // the child's log
            }
            jvm.destroyForcibly().waitFor(); // SIGKILL: the child's PostgreSQL is left running
        }
        long orphanPid = EmbeddedPostgresGuard.readPid(dir.resolve("postgres").resolve("postmaster.pid")).orElseThrow();
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        assertThat(EmbeddedPostgresGuard.isOurPostgres(orphanPid, dir.resolve("postgres"))).isTrue();
        assertThat(EmbeddedPostgresGuard.isOurPostgres(orphanPid, dir.resolve("elsewhere"))).isFalse();
        try (Database db = Database.open(settings(dir))) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(show(db, "fsync")).isEqualTo("on");
        }
    }

    @Test
    void aPostmasterKilledTogetherWithItsJvmComesBackAfterCrashRecovery() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "killall-" + ProcessHandle.current().pid()).toAbsolutePath());
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedDurabilityTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("OPEN")) {
                // the child's log
            }
            long postmaster = EmbeddedPostgresGuard.readPid(dir.resolve("postgres").resolve("postmaster.pid")).orElseThrow();
            ProcessHandle pm = ProcessHandle.of(postmaster).orElseThrow();
            java.util.List<ProcessHandle> children = pm.children().toList();
            jvm.destroyForcibly().waitFor();
            pm.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            pm.onExit().get();
        }
        assertThat(dir.resolve("postgres").resolve("postmaster.pid")).exists();
        try (Database db = Database.open(settings(dir))) {
            assertThat(show(db, "fsync")).isEqualTo("on");
        }
    }
}
