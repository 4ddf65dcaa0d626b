import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * bench/deliver (the default): the load of issue 14, as a user runs the engine. The engine is started
 * as users start it (java with kubernetes/Dockerfile's options, -jar target/engine.jar), the HighLevel
 * stand-in runs in a process of its own (answering at once, advertising 1,000,000 requests per 10 s),
 * PostgreSQL is durable (fsync and synchronous_commit on), one global add_tags rule, every event a new
 * customer. An open-loop sender (see {@link OpenLoop}) sends at fixed rates from a pool of many
 * connections: first a warm-up at 200/s (its 20 s windows printed too: how a freshly started engine
 * does), then steps at rising rates, back to back. For each stretch it prints offered, accepted and
 * delivered events/s, p50/p99 from acceptance to the last HighLevel call, and whether the rate was
 * SUSTAINED: delivered/s ≥ 95 % of offered and p99 ≤ 1 s.
 * Usage: bench/deliver [warmup_seconds=100] [step_seconds=15] [rates=200,300,400,500,600] [connections=256]
 * (BENCH_MARKETPLACES=N: the events spread over N marketplaces, each with its own integration and rule.)
 */
public final class DeliverSteps {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TAG = "x"; // webhook ids evt_x<i>
    /** How fast the machine ran, sampled through the run (this VM shares its host). */
    static MachineSpeed speed;

    public static void main(String[] args) throws Exception {
        int warmUpSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int stepSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int[] rates = Arrays.stream((args.length > 2 ? args[2] : "200,300,400,500,600").split(",")).mapToInt(Integer::parseInt).toArray();
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int warmUpRate = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_RATE", "200"));

        List<OpenLoop.Segment> segments = new ArrayList<>();
        for (int t = 0; t < warmUpSeconds; t += 20) {
            int len = Math.min(20, warmUpSeconds - t);
            segments.add(new OpenLoop.Segment(String.format("warm-up %d-%d s", t, t + len), warmUpRate, len, false));
        }
        for (int rate : rates) {
            segments.add(new OpenLoop.Segment("step " + rate + "/s", rate, stepSeconds, true));
        }
        System.out.printf("bench/deliver (open loop): warm-up %d s at %d/s, then %d s steps at %s events/s, %d connections; %s%n",
                warmUpSeconds, warmUpRate, stepSeconds, Arrays.toString(rates), connections, BenchSupport.loadAverage());

        speed = MachineSpeed.start();
        try (Neighbour neighbour = Neighbour.fromEnvironment();
             EmbeddedPostgres pg = BenchSupport.postgres("steps-pg");
             SandboxChild hl = SandboxChild.start(1_000_000, 10_000)) {
            int http = BenchSupport.freePort();
            int mgmt = BenchSupport.freePort();
            String database = "engine_steps";
            warmUpSender(connections);
            long callsBefore = contactCalls(hl.stats()); // the sandbox's own warm-up's
            long engineStart = System.nanoTime();
            Process engine = BenchSupport.startEngine(pg, database, http, mgmt, Map.of(
                    "HIGHLEVEL_API_URL", hl.baseUrl, "HIGHLEVEL_AUTHORIZE_URL", hl.baseUrl + "/oauth/chooselocation",
                    "HIGHLEVEL_CLIENT_ID", hl.clientId, "HIGHLEVEL_CLIENT_SECRET", hl.clientSecret));
            System.out.printf("engine ready %.1f s after its start%n", (System.nanoTime() - engineStart) / 1e9);
            try (OpenLoop sender = new OpenLoop(connections)) {
                String base = "http://127.0.0.1:" + http;
                // BENCH_MARKETPLACES=N spreads the events over N marketplaces, each with its own integration (on the
                // sandbox's two locations in turn) and rule: what an engine serving many stores does per event
                int marketplaces = Integer.parseInt(System.getenv().getOrDefault("BENCH_MARKETPLACES", "1"));
                String[][] sites = new String[marketplaces][];
                for (int m = 0; m < marketplaces; m++) {
                    sites[m] = site(base, hl, m % hl.locations.size(), m == 0 ? "Bench steps" : "Bench steps " + m);
                }
                if (marketplaces > 1) {
                    System.out.printf("%d marketplaces, each with its integration and rule; event i goes to marketplace i mod %d%n",
                            marketplaces, marketplaces);
                }
                String jdbc = pg.getJdbcUrl("postgres", database);
                Sample[] samples = new Sample[segments.size() + 1];
                String jfr = System.getenv("BENCH_STEPS_JFR"); // a JFR recording of the measured steps only
                int firstMeasured = 0;
                while (firstMeasured < segments.size() && !segments.get(firstMeasured).measured()) {
                    firstMeasured++;
                }
                final int measuredFrom = firstMeasured;
                OpenLoop.Run run = sender.run(segments, http, i -> OpenLoop.Request.signedWebhook(sites[i % marketplaces][0],
                        sites[i % marketplaces][1], "evt_" + TAG + i,
                        DeliverBench.order("n" + i, TAG + i)), b -> { // a new customer each
                    try {
                        if (jfr != null && b == measuredFrom) {
                            jcmd(engine, "JFR.start", "name=steps", "settings=profile", "filename=" + Path.of(jfr).toAbsolutePath());
                        }
                        if (b == measuredFrom) {
                            resetStatements(pg);
                        }
                        samples[b] = Sample.of(engine, hl.process, jdbc, database, pg);
                        if (jfr != null && b == segments.size()) {
                            jcmd(engine, "JFR.stop", "name=steps");
                        }
                        if (b > 0) {
                            OpenLoop.Segment seg = segments.get(b - 1);
                            System.out.printf("  %s done (%s, engine RSS %d MiB)%n", seg.label(), BenchSupport.loadAverage(), samples[b].rssMiB);
                        }
                    } catch (Exception e) {
                        System.out.println("  sample failed: " + e);
                    }
                }, 30);
                int accepted = (int) Arrays.stream(run.status).filter(s -> s == 202).count();
                drain(jdbc, accepted, Integer.parseInt(System.getenv().getOrDefault("BENCH_DRAIN_SECONDS", "60")));
                report(run, samples, jdbc, pg, database, engineStart);
                JsonNode stats = hl.stats();
                long calls = contactCalls(stats) - callsBefore;
                long limited = stats.path("rateLimited").asLong();
                System.out.printf("HighLevel: %d contact calls for %d accepted events (%.2f per event), %d x 429 [%s]%n", calls, accepted,
                        calls / (double) Math.max(1, accepted), limited, limited == 0 ? "met" : "MISSED");
            } finally {
                engine.destroy();
                engine.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until {@code n} actions succeeded, at most {@code seconds}, or until none succeeds for 15 s. */
    static void drain(String jdbc, int n, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long last = -1;
        long lastChange = System.nanoTime();
        try (Connection c = java.sql.DriverManager.getConnection(jdbc, "postgres", ""); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                long done;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM action_job WHERE status = 'succeeded'")) {
                    rs.next();
                    done = rs.getLong(1);
                }
                if (done >= n) {
                    return;
                }
                if (done != last) {
                    last = done;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(15)) {
                    break;
                }
                Thread.sleep(250);
            }
            System.out.printf("  drain: %d of %d actions succeeded when the benchmark stopped waiting (the rest count as undelivered)%n", last, n);
        }
    }

    static void report(OpenLoop.Run run, Sample[] samples, String jdbc, EmbeddedPostgres pg, String database, long engineStart) throws Exception {
        int total = run.total();
        double[] received = new double[total];
        double[] done = new double[total];
        double[] processed = new double[total];
        Arrays.fill(received, Double.NaN);
        Arrays.fill(processed, Double.NaN);
        Arrays.fill(done, Double.NaN);
        List<Double> allDone = new ArrayList<>();
        try (Connection c = java.sql.DriverManager.getConnection(jdbc, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT e.webhook_id, extract(epoch FROM e.received_at) * 1000, extract(epoch FROM j.updated_at) * 1000, j.status,
                            extract(epoch FROM e.processed_at) * 1000
                       FROM inbox_event e LEFT JOIN action_job j ON j.event_id = e.webhook_id
                      WHERE e.webhook_id LIKE 'evt\\_%s%%'""".formatted(TAG))) {
            while (rs.next()) {
                int i = Integer.parseInt(rs.getString(1).substring(("evt_" + TAG).length()));
                received[i] = rs.getDouble(2);
                double p = rs.getDouble(5);
                processed[i] = rs.wasNull() ? Double.NaN : p;
                if ("succeeded".equals(rs.getString(4))) {
                    done[i] = rs.getDouble(3);
                    allDone.add(done[i]);
                }
            }
        }
        double[] doneSorted = allDone.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.println();
        System.out.println("== bench/deliver (open loop, one add_tags rule, new customers) ==");
        System.out.println("delivered/s: actions completed during the stretch; p50/p99: acceptance -> last HighLevel call of the stretch's events"
                + " (undelivered ones count as endless); due->done: from the time the sender was due to send; accept p99: due -> 202");
        System.out.printf("%-16s %8s %9s %10s %9s %9s %11s %9s %9s %8s  %-14s %s%n", "stretch", "offered/s", "accepted/s", "delivered/s",
                "p50 ms", "p99 ms", "due->done p99", "accept p99", "errors", "RSS MiB", "verdict", "per event delivered in the stretch: CPU ms of engine (JIT share) / PostgreSQL / sandbox / sender+bench; PostgreSQL commits and WAL flushes to the disk (fdatasync); machine: CPU ms of MachineSpeed's fixed compute / memory work (more is a slower machine)");
        List<String> verdicts = new ArrayList<>();
        List<String> stages = new ArrayList<>();
        double cold60 = Double.NaN;
        for (int sIdx = 0; sIdx < run.segments.size(); sIdx++) {
            OpenLoop.Segment seg = run.segments.get(sIdx);
            double from = run.epochMillis(run.segmentStartNanos[sIdx]);
            double to = run.epochMillis(run.segmentStartNanos[sIdx + 1]);
            long delivered = Arrays.stream(doneSorted).filter(d -> d >= from && d < to).count();
            double deliveredPerSecond = delivered / (double) seg.seconds();
            List<Double> lat = new ArrayList<>();
            List<Double> fromDue = new ArrayList<>();
            List<Double> inbox = new ArrayList<>();
            List<Double> action = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (run.segment[i] != sIdx) {
                    continue;
                }
                boolean ok = !Double.isNaN(done[i]);
                if (ok && !Double.isNaN(received[i]) && !Double.isNaN(processed[i])) {
                    inbox.add(processed[i] - received[i]);
                    action.add(done[i] - processed[i]);
                }
                lat.add(ok && !Double.isNaN(received[i]) ? done[i] - received[i] : Double.POSITIVE_INFINITY);
                fromDue.add(ok ? done[i] - run.epochMillis(run.dueNanos[i]) : Double.POSITIVE_INFINITY);
            }
            lat.sort(Double::compare);
            fromDue.sort(Double::compare);
            inbox.sort(Double::compare);
            action.sort(Double::compare);
            stages.add(String.format("%-16s inbox (acceptance -> its batch) p50 %s / p99 %s ms; action (batch -> HighLevel calls done, outcome written) p50 %s / p99 %s ms",
                    seg.label(), ms(pct(inbox, 50)), ms(pct(inbox, 99)), ms(pct(action, 50)), ms(pct(action, 99))));
            double p50 = pct(lat, 50);
            double p99 = pct(lat, 99);
            OpenLoop.Answers a = OpenLoop.answerStats(run, sIdx);
            boolean sustained = deliveredPerSecond >= 0.95 * seg.rate() && p99 <= 1000;
            String verdict = sustained ? "SUSTAINED" : "NOT SUSTAINED";
            Sample s0 = samples[sIdx];
            Sample s1 = samples[sIdx + 1];
            String cpu = (s0 == null || s1 == null ? "?" : s1.perEvent(s0, (int) Math.max(1, delivered))) + "; " + speed.describe(from, to);
            System.out.printf("%-16s %8d %9.0f %10.0f %9s %9s %11s %9s %9d %8s  %-14s %s%n", seg.label(), seg.rate(), a.acceptedPerSecond(),
                    deliveredPerSecond, ms(p50), ms(p99), ms(pct(fromDue, 99)), ms(a.p99()), a.errors(),
                    s1 == null ? "?" : Long.toString(s1.rssMiB), verdict, cpu);
            if (seg.measured()) {
                verdicts.add(String.format("%d/s %s (delivered %.0f/s, p50 %s ms, p99 %s ms)", seg.rate(), verdict, deliveredPerSecond, ms(p50), ms(p99)));
            }
        }
        System.out.println("where the time goes, per stretch (its delivered events; an event's batch stamps it processed when the batch starts):");
        stages.forEach(line -> System.out.println("  " + line));
        // a freshly started engine: events delivered in its first 60 s of load (the warm-up's first three windows)
        double loadStart = run.epochMillis(run.segmentStartNanos[0]);
        double window = Math.min(60, (run.segmentStartNanos[run.segments.size()] - run.segmentStartNanos[0]) / 1e9);
        long first60 = Arrays.stream(doneSorted).filter(d -> d >= loadStart && d < loadStart + window * 1000).count();
        double readyAfter = (run.baseNanos - engineStart) / 1e9;
        // Offered 200/s, an engine cannot deliver more than 200/s over these 60 s, and exactly 200 would need the
        // events sent in the window's last milliseconds delivered at once: the target is read with the same 5 %
        // as SUSTAINED (>= 95 % of what was offered in the window delivered within it), its count printed.
        int offeredRate = run.segments.get(0).rate();
        double offered = offeredRate * window;
        System.out.printf("fresh engine (ready and loaded %.0f s after its start): %.1f events/s delivered over the first %.0f s of load at %d/s "
                        + "(%d of the %.0f sent, %.1f %%) [target >= 200/s in the first 60 s, i.e. >= 95 %% of 200/s offered delivered in them: %s]%n",
                readyAfter, first60 / window, window, offeredRate, first60, offered, 100 * first60 / offered,
                offeredRate >= 200 && first60 >= 0.95 * 200 * window ? "met" : "MISSED");
        verdicts.forEach(v -> System.out.println("  " + v));
        long maxRss = Arrays.stream(samples).filter(java.util.Objects::nonNull).mapToLong(x -> x.rssMiB).max().orElse(-1);
        System.out.printf("engine RSS at most %d MiB at the stretches' ends [target <= 512: %s]; %s%n", maxRss, maxRss <= 512 ? "met" : "MISSED",
                BenchSupport.loadAverage());
        printStatements(pg, database, run);
    }

    static String ms(double v) {
        return Double.isInfinite(v) ? "undeliv." : String.format("%.0f", v);
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** With BENCH_PG_STATS: forget what pg_stat_statements counted so far (called as the measured steps begin). */
    static void resetStatements(EmbeddedPostgres pg) throws Exception {
        if (System.getenv("BENCH_PG_STATS") == null) {
            return;
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("SELECT pg_stat_statements_reset()");
        }
        walAtReset = BenchSupport.Wal.of(pg);
    }

    /** The WAL written so far when the statements were last reset (the whole server's; the engine's database is the only busy one). */
    static BenchSupport.Wal walAtReset;

    /** With BENCH_PG_STATS: the engine database's statements over the measured steps, per event sent in them. */
    static void printStatements(EmbeddedPostgres pg, String database, OpenLoop.Run run) throws Exception {
        if (System.getenv("BENCH_PG_STATS") == null) {
            return;
        }
        int events = 0;
        for (int i = 0; i < run.total(); i++) {
            if (run.segments.get(run.segment[i]).measured()) {
                events++;
            }
        }
        printStatements(pg, database, events, "the measured steps (%d events, and the drain after them)".formatted(events));
    }

    /** With BENCH_PG_STATS: the database's statements since {@link #resetStatements}, per event of {@code what}. */
    static void printStatements(EmbeddedPostgres pg, String database, int events, String what) throws Exception {
        if (System.getenv("BENCH_PG_STATS") == null) {
            return;
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT calls, total_exec_time, total_plan_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 120)
                       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                      WHERE d.datname = '%s' ORDER BY total_exec_time + total_plan_time DESC LIMIT 25""".formatted(database))) {
            System.out.printf("statements over %s, per event:%n", what);
            double calls = 0;
            double ms = 0;
            while (rs.next()) {
                calls += rs.getLong(1);
                ms += rs.getDouble(2) + rs.getDouble(3);
                System.out.printf("  %6.2f calls %7.3f ms exec+plan per event (plan %.3f)  %s%n", rs.getLong(1) / (double) events,
                        (rs.getDouble(2) + rs.getDouble(3)) / events, rs.getDouble(3) / events, rs.getString(4));
            }
            System.out.printf("  top 25 together: %.2f statements, %.3f ms per event%n", calls / events, ms / events);
        }
        // the WAL written meanwhile: full-page images are what scattered index inserts cost after each checkpoint
        System.out.printf("  %s%n", BenchSupport.Wal.of(pg).perItem(walAtReset, events));
        // and how many of the busiest tables' updates were HOT (a new row version on the same page, no new index entries),
        // and what their rows take on disk now (heap and indexes, per live row: a fillfactor trades space for HOT updates)
        try (Connection c = pg.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_live_tup, pg_relation_size(relid), pg_indexes_size(relid)
                       FROM pg_stat_user_tables WHERE n_tup_upd > 0 ORDER BY n_tup_upd DESC LIMIT 5""")) {
            while (rs.next()) {
                // n_live_tup lags behind a table that deletes as it goes (event_log): per row only where it counts some
                long live = rs.getLong(5);
                System.out.printf("  table %-14s since its creation: %8d inserted, %8d updated (%d HOT); heap %d KiB + indexes %d KiB%s%n",
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(6) / 1024, rs.getLong(7) / 1024,
                        live == 0 ? "" : String.format(", %d + %d bytes per live row (%d)", rs.getLong(6) / live, rs.getLong(7) / live, live));
            }
        }
    }

    static void jcmd(Process engine, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(engine.pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        System.out.println("  jcmd " + String.join(" ", command) + ": " + out.trim().replace('\n', ' '));
    }

    /** CPU of each process, the engine's JIT and resident memory, and the database's commits, at one instant. */
    record Sample(double engine, double jit, double postgres, double sandbox, double bench, long rssMiB, long commits, long flushes) {
        static Sample of(Process engine, Process sandbox, String jdbc, String database, EmbeddedPostgres pg) throws Exception {
            double pgCpu = BenchSupport.postgresCpuSeconds();
            double self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1e9;
            long rss = -1;
            try {
                rss = Files.readAllLines(Path.of("/proc", Long.toString(engine.pid()), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1);
            } catch (java.io.IOException ignored) {
                // gone
            }
            long commits;
            long flushes;
            try (Connection c = java.sql.DriverManager.getConnection(jdbc, "postgres", ""); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT xact_commit, (SELECT wal_sync FROM pg_stat_wal) FROM pg_stat_database WHERE datname = '" + database + "'")) {
                rs.next();
                commits = rs.getLong(1);
                flushes = rs.getLong(2);
            }
            return new Sample(BenchSupport.cpuSeconds(engine.toHandle()), BenchSupport.jitCpuSeconds(engine), pgCpu, BenchSupport.cpuSeconds(sandbox.toHandle()), self, rss, commits, flushes);
        }

        String perEvent(Sample before, int events) {
            double e = (engine - before.engine) * 1000 / events;
            double jitShare = engine > before.engine ? 100 * (jit - before.jit) / (engine - before.engine) : 0;
            return String.format("%.2f (%.0f%%) / %.2f / %.2f / %.2f; %.2f commits, %.2f WAL flushes", e, jitShare,
                    (postgres - before.postgres) * 1000 / events, (sandbox - before.sandbox) * 1000 / events, (bench - before.bench) * 1000 / events,
                    (commits - before.commits) / (double) events, (flushes - before.flushes) / (double) events);
        }
    }

    /** A marketplace whose one integration is approved for the sandbox's {@code location}-th location, with one global add_tags rule. */
    static String[] site(String base, SandboxChild hl, int location, String name) throws Exception {
        JsonNode m = JSON.readTree(post(base, "/api/v1/marketplaces", BenchSupport.OPERATOR, "{\"name\":\"" + name + "\"}"));
        String id = m.path("id").asText();
        String key = m.path("api_key").asText();
        JsonNode integration = JSON.readTree(post(base, "/api/v1/marketplaces/" + id + "/integrations", key, "{\"name\":\"HL\"}"));
        String approve = integration.path("authorize_url").asText().replace("/oauth/chooselocation?", "/oauth/chooselocation/approve?")
                + "&location_id=" + hl.locations.get(location);
        HttpResponse<String> redirect = BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(approve)).build(), HttpResponse.BodyHandlers.ofString());
        URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow(
                () -> new IllegalStateException("the sandbox did not redirect the approval: " + redirect.statusCode() + " " + redirect.body())));
        BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(base + callback.getRawPath() + "?" + callback.getRawQuery())).build(),
                HttpResponse.BodyHandlers.ofString());
        post(base, "/api/v1/marketplaces/" + id + "/rules", key, "{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\""
                + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"customer\"]}");
        return new String[] {id, m.path("webhook_secret").asText()};
    }

    /** How long the sandbox warms its own JIT before the engine starts (BENCH_SANDBOX_WARMUP, default 20 s). */
    static final String SANDBOX_WARMUP_SECONDS = System.getenv().getOrDefault("BENCH_SANDBOX_WARMUP", "20");

    /** Calls to HighLevel's contacts endpoints the sandbox has answered so far. */
    static long contactCalls(JsonNode stats) {
        long calls = 0;
        for (var it = stats.path("requests").fields(); it.hasNext(); ) {
            var en = it.next();
            if (en.getKey().contains("/contacts")) {
                calls += en.getValue().asLong();
            }
        }
        return calls;
    }

    /**
     * The sender is a JVM too: before the engine starts, it sends BENCH_SENDER_WARMUP seconds (default 15) of
     * the same signed events at 300/s to a server of its own ({@link OpenLoop#warmUp}), so that its JIT's
     * warm-up does not take the engine's CPU in the engine's first minute. A store's webhooks do not come
     * from a JVM that just started on the engine's cores; the engine's own warm-up is what the first windows
     * measure.
     */
    static void warmUpSender(int connections) throws Exception {
        int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SENDER_WARMUP", "15"));
        if (seconds <= 0) {
            return;
        }
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        try (OpenLoop warm = new OpenLoop(connections)) {
            warm.warmUp(300, seconds, i -> OpenLoop.Request.signedWebhook("mkt_warm_up", secret, "evt_warm_" + i,
                    DeliverBench.order("w" + i, "warm" + i)));
        }
        System.out.printf("stand-ins warmed up before the engine starts: the sandbox %s s of contact calls, the sender %d s at 300/s%n",
                SANDBOX_WARMUP_SECONDS, seconds);
    }

    static String post(String base, String path, String bearer, String json) throws Exception {
        HttpResponse<String> r = BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The HighLevel sandbox in a process of its own (SandboxProcess), ended with the benchmark. */
    static final class SandboxChild implements AutoCloseable {
        final Process process;
        final String baseUrl;
        final String clientId;
        final String clientSecret;
        final List<String> locations;

        private SandboxChild(Process process, String baseUrl, String clientId, String clientSecret, List<String> locations) {
            this.process = process;
            this.baseUrl = baseUrl;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.locations = locations;
        }

        static SandboxChild start(int max, long intervalMillis) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseParallelGC", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "SandboxProcess", Integer.toString(max), Long.toString(intervalMillis), "true",
                    SANDBOX_WARMUP_SECONDS));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("SANDBOX ")) {
                    String[] f = line.split(" ");
                    System.out.println("HighLevel sandbox (its own process, pid " + p.pid() + "): " + f[1] + ", " + max + " requests per "
                            + intervalMillis + " ms advertised per location");
                    Thread drainer = new Thread(() -> {
                        try {
                            while (out.readLine() != null) {
                                // keep its output flowing
                            }
                        } catch (java.io.IOException ignored) {
                            // ended
                        }
                    });
                    drainer.setDaemon(true);
                    drainer.start();
                    return new SandboxChild(p, f[1], f[2], f[3], List.of(f[4].split(",")));
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            p.destroyForcibly();
            throw new IllegalStateException("the sandbox process did not start");
        }

        /** The sandbox's counters (GET /_sandbox/stats). */
        JsonNode stats() throws Exception {
            return JSON.readTree(BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_sandbox/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close(); // its standard input closes: it stops
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
