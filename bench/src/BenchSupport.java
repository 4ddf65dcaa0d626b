import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What the benchmarks share: a durable PostgreSQL, the engine as a child process, signing, percentiles. */
final class BenchSupport {
    static final String OPERATOR = "op_bench_operator_0123456789abcdef0123";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private BenchSupport() {
    }

    /**
     * A PostgreSQL with its durable defaults (fsync, synchronous_commit and full_page_writes on), as a
     * production database runs. zonky starts its PostgreSQL with {@code -F} (fsync off) and
     * synchronous_commit off, which made every earlier figure a non-durable one: both are set back on
     * here (a later {@code -c} wins over {@code -F}), and checked with SHOW once it runs.
     */
    static EmbeddedPostgres postgres(String name) throws Exception {
        Path dir = Path.of("target", "bench", name).toAbsolutePath();
        Files.createDirectories(dir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (System.getenv("BENCH_PG_LOG") != null) {
            // checkpoints and autovacuum runs, timestamped, in <dir>/data/log/ (to line them up with a run's slow seconds)
            builder.setServerConfig("logging_collector", "on").setServerConfig("log_directory", dir.resolve("log").toString()).setServerConfig("log_checkpoints", "on")
                    .setServerConfig("log_autovacuum_min_duration", "0")
                    // and the plans of statements slower than 50 ms, with the rows and buffers each node touched
                    .setServerConfig("session_preload_libraries", "auto_explain").setServerConfig("auto_explain.log_min_duration", "50")
                    .setServerConfig("auto_explain.log_analyze", "on").setServerConfig("auto_explain.log_timing", "off")
                    .setServerConfig("auto_explain.log_buffers", "on");
        }
        // BENCH_PG_SETTINGS="name=value name=value": server settings to try (an experiment, printed below)
        for (String setting : System.getenv().getOrDefault("BENCH_PG_SETTINGS", "").trim().split("\\s+")) {
            if (!setting.isEmpty()) {
                int eq = setting.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("BENCH_PG_SETTINGS takes name=value pairs separated by spaces, not '" + setting + "'");
                }
                builder.setServerConfig(setting.substring(0, eq), setting.substring(eq + 1));
            }
        }
        EmbeddedPostgres pg = builder
                .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
                .setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "128MB")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("autovacuum_naptime", "10s") // as the engine's embedded PostgreSQL
                .setServerConfig("shared_preload_libraries", System.getenv("BENCH_PG_STATS") != null ? "pg_stat_statements" : "")
                .setServerConfig("pg_stat_statements.track_planning", System.getenv("BENCH_PG_STATS") != null ? "on" : "off")
                // BENCH_PG_STATS=all: the statements inside functions too (counted again in their caller's time)
                .setServerConfig("pg_stat_statements.track", "all".equals(System.getenv("BENCH_PG_STATS")) ? "all" : "top")
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            StringBuilder settings = new StringBuilder();
            for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "commit_delay", "server_version"}) {
                try (java.sql.ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    rs.next();
                    String value = rs.getString(1);
                    settings.append(setting).append('=').append(value).append(' ');
                    if (!setting.startsWith("wal_") && !setting.startsWith("server_") && !setting.startsWith("commit_") && !value.equals("on")) {
                        pg.close();
                        throw new IllegalStateException("the bench's PostgreSQL runs with " + setting + "=" + value + ": figures would not be durable ones");
                    }
                }
            }
            System.out.println("PostgreSQL (its own processes, port " + pg.getPort() + "): " + settings.toString().trim());
        }
        return pg;
    }

    /** WAL written so far by the whole server: bytes, full-page images (pg_stat_wal). */
    record Wal(long bytes, long records, long fullPageImages, long flushes) {
        static Wal of(EmbeddedPostgres pg) throws Exception {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0')::bigint, wal_records, wal_fpi, wal_sync FROM pg_stat_wal")) {
                rs.next();
                return new Wal(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }

        /** Per event: WAL bytes, records, full-page images, and flushes of the WAL to the disk (fdatasync calls). */
        String perItem(Wal before, int items) {
            return String.format("WAL %.0f bytes, %.1f records, %.2f full-page images and %.2f flushes to the disk per event",
                    (bytes - before.bytes) / (double) items, (records - before.records) / (double) items,
                    (fullPageImages - before.fullPageImages) / (double) items, (flushes - before.flushes) / (double) items);
        }
    }

    /** CPU seconds used so far by the engine process, every PostgreSQL process, and this JVM with its senders (sandbox + senders). */
    record Cpu(double engine, double postgres, double bench) {
        /** CPU of sender processes (wrk) that have ended, in nanoseconds. */
        private static final java.util.concurrent.atomic.AtomicLong SENDERS = new java.util.concurrent.atomic.AtomicLong();

        /** Counts a sender process's CPU before it ends. */
        static void senders(Process sender) {
            SENDERS.addAndGet(sender.info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
        }

        static Cpu of(Process engine) {
            return of(java.util.List.of(engine));
        }

        /** As {@link #of(Process)}, the engine being several replicas (processes) whose CPU is summed. */
        static Cpu of(java.util.List<Process> engines) {
            double pg = postgresCpuSeconds();
            double self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1e9;
            double engine = engines.stream().mapToDouble(e -> cpuSeconds(e.toHandle())).sum();
            return new Cpu(engine, pg, self + SENDERS.get() / 1e9);
        }

        /** Milliseconds of CPU per item since {@code before}, per process group. */
        String perItem(Cpu before, int items) {
            return String.format("CPU per event: engine %.2f ms, PostgreSQL %.2f ms, sandbox + senders %.2f ms",
                    (engine - before.engine) * 1000 / items, (postgres - before.postgres) * 1000 / items, (bench - before.bench) * 1000 / items);
        }
    }

    /**
     * CPU seconds the process's JIT compiler threads (HotSpot's "C1/C2 CompilerThread…") have used so
     * far, from /proc (Linux); -1 where that cannot be read.
     */
    static double jitCpuSeconds(Process process) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            long ticks = 0;
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) { // the thread ended meanwhile
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                }
            }
            return ticks / 100.0; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds used so far by PostgreSQL on this machine: its live processes, plus what its postmasters'
     * children used before they exited (cutime + cstime in /proc/PID/stat). Autovacuum workers and other
     * short-lived backends run for a second and exit: counting live processes alone missed them (an
     * ANALYZE of action_job took 0.36 s of CPU every 10 s, never in the figure).
     */
    static double postgresCpuSeconds() {
        java.util.List<ProcessHandle> postgres = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false)).toList();
        double live = postgres.stream().mapToDouble(BenchSupport::cpuSeconds).sum();
        double reaped = postgres.stream()
                .filter(p -> p.parent().flatMap(parent -> parent.info().command()).map(c -> !c.endsWith("/postgres")).orElse(true))
                .mapToDouble(BenchSupport::reapedChildrenCpuSeconds).sum();
        return live + reaped;
    }

    /** CPU seconds a live process has used so far (0 once it is gone). */
    static double cpuSeconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** cutime + cstime of a process: the CPU of its children that exited and were waited for (clock ticks of 1/100 s). */
    private static double reapedChildrenCpuSeconds(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0; // fields 16 and 17
        } catch (java.io.IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** The 1-, 5- and 15-minute load averages (/proc/loadavg), to print beside a figure measured on a shared machine. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load " + f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "load ?";
        }
    }

    /** Single-row INSERT + COMMIT in a loop on one connection: the database's own durable write rate. */
    static double singleInsertRate(EmbeddedPostgres pg, Duration duration) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS bench_insert (id bigserial primary key, payload jsonb, at timestamptz default now())");
            }
            c.setAutoCommit(true);
            long end = System.nanoTime() + duration.toNanos();
            long n = 0;
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_insert (payload) VALUES (CAST(? AS jsonb))")) {
                while (System.nanoTime() < end) {
                    ps.setString(1, "{\"n\":" + n + "}");
                    ps.executeUpdate();
                    n++;
                }
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    static Process startEngine(EmbeddedPostgres pg, int httpPort, int managementPort, Map<String, String> extra) throws Exception {
        return startEngine(pg, "engine_" + httpPort, httpPort, managementPort, extra);
    }

    /**
     * The JVM options users get: those of kubernetes/Dockerfile's ENTRYPOINT (between "java" and
     * "-jar"), read from the file so the benchmark follows it, plus {@code -XX:MaxRAM} standing in for
     * the container's memory limit (kubernetes/base/deployment.yaml: 1 GiB), which the heap's
     * MaxRAMPercentage is a share of: without it, on this 24 GiB machine, the engine would size its
     * heap from the whole machine as no user's pod does. BENCH_ENGINE_MAXRAM overrides it ("" for none).
     */
    static java.util.List<String> userJvmOptions() throws IOException {
        String dockerfile = Files.readString(Path.of("kubernetes", "Dockerfile")).replace("\\\n", " ");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^ENTRYPOINT\\s*\\[(.*)\\]\\s*$").matcher(dockerfile);
        if (!m.find()) {
            throw new IllegalStateException("no ENTRYPOINT [...] in kubernetes/Dockerfile");
        }
        java.util.List<String> words = new java.util.ArrayList<>();
        java.util.regex.Matcher w = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (w.find()) {
            words.add(w.group(1));
        }
        int jar = words.indexOf("-jar");
        if (words.isEmpty() || !words.get(0).equals("java") || jar < 0) {
            throw new IllegalStateException("kubernetes/Dockerfile's ENTRYPOINT is not java … -jar …: " + words);
        }
        java.util.List<String> options = new java.util.ArrayList<>(words.subList(1, jar));
        String maxRam = System.getenv().getOrDefault("BENCH_ENGINE_MAXRAM", "1g");
        if (!maxRam.isBlank()) {
            options.add("-XX:MaxRAM=" + maxRam);
        }
        return options;
    }

    /**
     * The engine as a process of its own, as users start it ({@code java <the Dockerfile's options>
     * -jar target/engine.jar} in the checkout), on {@code database} of the bench's PostgreSQL (created if it does not exist
     * yet): several replicas share one database.
     */
    static Process startEngine(EmbeddedPostgres pg, String database, int httpPort, int managementPort, Map<String, String> extra) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java"));
        command.addAll(userJvmOptions());
        String jfr = System.getenv("BENCH_ENGINE_JFR");
        if (jfr != null && !jfr.isBlank()) {
            Files.createDirectories(Path.of(jfr));
            command.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath() + "/engine-" + httpPort + ".jfr,settings="
                    + System.getenv().getOrDefault("BENCH_ENGINE_JFR_SETTINGS", "profile"));
        }
        String opts = System.getenv("BENCH_ENGINE_OPTS"); // extra JVM options for the engine, e.g. a GC to compare
        if (opts != null && !opts.isBlank()) {
            command.addAll(java.util.List.of(opts.trim().split("\\s+")));
        }
        Path jarFile = Path.of("target", "engine.jar").toAbsolutePath();
        if (!Files.isRegularFile(jarFile)) {
            throw new IllegalStateException(jarFile + " is missing: mvn -B -DskipTests package builds it");
        }
        command.addAll(java.util.List.of("-jar", jarFile.toString()));
        // in the checkout, as README and issue 14 run it: it reads the routes from routes/ (the same files
        // the jar carries, which it reads when run elsewhere)
        Path workDir = Path.of("").toAbsolutePath();
        System.out.println("engine: " + String.join(" ", command) + "  (in " + workDir + ")");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = pb.environment();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            if (!exists.next()) {
                s.execute("CREATE DATABASE " + database);
            }
        }
        env.put("ENGINE_DB_URL", pg.getJdbcUrl("postgres", database) + System.getenv().getOrDefault("BENCH_DB_URL_SUFFIX", ""));
        env.put("ENGINE_DB_USER", "postgres");
        env.put("ENGINE_ADMIN_TOKEN", OPERATOR);
        env.put("ENGINE_SECRET_KEY", "bench-secret-key-0123456789abcdef0123");
        env.put("ENGINE_HTTP_PORT", String.valueOf(httpPort));
        env.put("ENGINE_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("ENGINE_SANDBOX", "true"); // an external database: ingest runs against the built-in sandbox; deliver sets its own HighLevel
        env.putAll(extra);
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("BENCH_ENGINE_ENV_")) {
                env.put(k.substring("BENCH_ENGINE_ENV_".length()), v);
            }
        });
        File log = Path.of("target", "bench", "engine-" + httpPort + ".log").toAbsolutePath().toFile();
        pb.redirectErrorStream(true).redirectOutput(log);
        Process p = pb.start();
        // 60 s, or BENCH_ENGINE_START_SECONDS: a machine shared with builds can take longer
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("BENCH_ENGINE_START_SECONDS", "60"))).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("engine exited; see " + log);
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException("engine not ready in time; see " + log);
    }

    /** The accepted events the engine on {@code httpPort} has not processed yet. */
    static long pendingEvents(EmbeddedPostgres pg, int httpPort) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(pg.getJdbcUrl("postgres", "engine_" + httpPort), "postgres", "");
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM inbox_event WHERE status = 'pending'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until the engine on {@code httpPort} has processed every accepted event (so phases do not overlap). */
    static void awaitDrained(EmbeddedPostgres pg, int httpPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (pendingEvents(pg, httpPort) == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the engine did not drain its inbox in 3 minutes");
    }

    static String sign(String secret, String id, long ts, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    static HttpRequest webhook(String base, String marketplace, String secret, String id, String body) throws Exception {
        long ts = System.currentTimeMillis() / 1000;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(base + "/webhooks/" + marketplace))
                .header("Content-Type", "application/json")
                .header("webhook-id", id).header("webhook-timestamp", String.valueOf(ts))
                .header("webhook-signature", sign(secret, id, ts, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    /** A store event of one of several types, for customer number {@code n}. */
    static String event(long n) {
        String customer = "\"customer\":{\"id\":\"cus_" + n + "\",\"email\":\"c" + (n % 5000) + "@bench.example\",\"first_name\":\"Ada\",\"last_name\":\"Bench\",\"phone\":\"+14155550100\"}";
        return switch ((int) (n % 6)) {
            case 0, 1 -> "{\"type\":\"order.completed\",\"occurred_at\":\"2026-11-26T10:00:00Z\"," + customer
                    + ",\"order\":{\"id\":\"o" + n + "\",\"total_cents\":9800,\"currency\":\"USD\"},\"items\":["
                    + "{\"product_id\":\"prod_" + (n % 20) + "\",\"product_name\":\"Course\",\"role\":\"primary\",\"price_cents\":4900,\"quantity\":1},"
                    + "{\"product_id\":\"prod_up\",\"product_name\":\"Upsell\",\"role\":\"upsell\",\"price_cents\":4900,\"quantity\":1}]}";
            case 2 -> "{\"type\":\"subscription.charged\"," + customer + ",\"subscription\":{\"id\":\"sub_" + n
                    + "\",\"product_id\":\"prod_sub\",\"product_name\":\"Membership\",\"kind\":\"recurring\",\"charge_number\":2},\"charge\":{\"id\":\"ch_" + n + "\"}}";
            case 3 -> "{\"type\":\"refund.created\"," + customer + ",\"refund\":{\"id\":\"r" + n + "\"},\"order\":{\"id\":\"o" + (n - 3)
                    + "\"},\"items\":[{\"product_id\":\"prod_1\",\"price_cents\":4900,\"refunded_cents\":1000}]}";
            case 4 -> "{\"type\":\"course.enrolled\"," + customer + ",\"course\":{\"id\":\"course_" + (n % 7) + "\",\"name\":\"Course\"}}";
            default -> "{\"type\":\"prospect.created\"," + customer + ",\"prospect\":{\"id\":\"pr" + n
                    + "\"},\"items\":[{\"product_id\":\"prod_" + (n % 20) + "\",\"product_name\":\"Course\"}]}";
        };
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** p-th percentile (0..100) of latencies in nanoseconds, in milliseconds. */
    static double percentileMs(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
    }

    static long[] sorted(long[] values, int count) {
        long[] copy = Arrays.copyOf(values, count);
        Arrays.sort(copy);
        return copy;
    }
}
