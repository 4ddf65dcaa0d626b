package io.hlbridge.engine.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the way for the embedded PostgreSQL after a hard kill. A {@code postmaster.pid} left in the
 * data directory names either a process that is gone (the file is stale and is removed) or a
 * postmaster still running on this data directory, orphaned by a killed engine JVM (it is asked to
 * stop with a fast shutdown, and killed if it does not). A pid is only ever signalled when
 * {@code /proc/<pid>/cmdline} shows a postgres started on this very data directory.
 */
final class EmbeddedPostgresGuard {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresGuard.class);
    private static final long STOP_WAIT_MS = 15_000;

    private EmbeddedPostgresGuard() {
    }

    static void clearLeftovers(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<Long> pid = readPid(pidFile);
        if (pid.isPresent() && isOurPostgres(pid.get(), pgData)) {
            LOG.warn("an embedded PostgreSQL (pid {}) is still running on {} from an earlier engine; stopping it", pid.get(), pgData);
            stop(pid.get());
        }
        if (Files.deleteIfExists(pidFile)) {
            LOG.warn("removed the stale {} left by an earlier run", pidFile);
        }
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True if the process is alive and its command line is a postgres on this data directory. */
    static boolean isOurPostgres(long pid, Path pgData) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            List<String> args = List.of(cmdline.split("\0"));
            if (args.isEmpty() || !args.get(0).endsWith("postgres")) {
                return false;
            }
            String dir = pgData.toAbsolutePath().normalize().toString();
            return args.contains(dir) || args.contains(pgData.toString());
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(long pid) {
        signal(pid, "-INT"); // fast shutdown: abort open transactions, checkpoint, exit
        if (!awaitExit(pid, STOP_WAIT_MS)) {
            LOG.warn("PostgreSQL pid {} did not stop within {} ms; killing it", pid, STOP_WAIT_MS);
            signal(pid, "-QUIT");
            if (!awaitExit(pid, 5_000)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                awaitExit(pid, 5_000);
            }
        }
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (IOException e) {
            LOG.warn("could not signal pid {}: {}", pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean awaitExit(long pid, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
