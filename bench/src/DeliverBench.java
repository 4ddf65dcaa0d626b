import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hlbridge.sandbox.HighLevelSandbox;
import io.hlbridge.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * bench/deliver: end-to-end throughput (a burst) and latency (a steady rate), calls per returning tag
 * action, pacing under the limit.
 */
public final class DeliverBench {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int pacedSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int steadyRate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int steadySeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int replicas = args.length > 4 ? Integer.parseInt(args[4]) : Integer.parseInt(System.getenv().getOrDefault("BENCH_REPLICAS", "1"));
        System.out.printf("bench/deliver: %d replica(s) on one PostgreSQL, %s%n", replicas, BenchSupport.loadAverage());
        try (EmbeddedPostgres pg = BenchSupport.postgres("deliver-pg")) {
            // phases 1 and 2: a location that HighLevel grants (and advertises) far more than 100 / 10 s
            try (HighLevelSandbox.Running hl = HighLevelSandbox.start(SandboxSettings.builder().rateLimit(1_000_000, 10_000).build(), 0)) {
                Engine e = Engine.start(pg, hl, "unlimited", replicas);
                try {
                    Site site = e.site("Bench unlimited");
                    int warmUp = warmUp(e, site, Math.max(500, events / 3));
                    String load0 = BenchSupport.loadAverage();
                    long t0 = System.currentTimeMillis();
                    BenchSupport.Cpu cpu0 = BenchSupport.Cpu.of(e.processes);
                    DbCounters db0 = DbCounters.of(e);
                    send(e, site, events, "first", "b");
                    Stats first = e.awaitAndMeasure(warmUp + events, t0);
                    BenchSupport.Cpu cpu1 = BenchSupport.Cpu.of(e.processes);
                    String perEvent = DbCounters.of(e).perItem(db0, events);
                    String load1 = BenchSupport.loadAverage();
                    System.out.println("  " + cpu1.perItem(cpu0, events));
                    System.out.println("  " + perEvent);
                    e.breakdown(t0);
                    System.out.printf("phase 1 (limit off, %d events, 1 add_tags rule): %.0f events/s end to end, p50 %.0f ms, p99 %.0f ms (acceptance -> last HighLevel call)%n",
                            events, first.perSecond, first.p50, first.p99);
                    pgStats(pg, e);
                    long calls0 = hl.sandbox().stats().requests().values().stream().mapToLong(Long::longValue).sum();
                    long t1 = System.currentTimeMillis();
                    send(e, site, events, "again", "b");
                    e.awaitAndMeasure(warmUp + 2 * events, t1);
                    long calls1 = hl.sandbox().stats().requests().values().stream().mapToLong(Long::longValue).sum();
                    double perAction = (calls1 - calls0) / (double) events;
                    System.out.printf("phase 2 (returning customers, %d tag actions): %.2f HighLevel calls per tag action%n", events, perAction);
                    // phase 1b: new customers at a steady rate the engine keeps up with: latency without a backlog
                    int steadyEvents = steadyRate * steadySeconds;
                    long t2 = System.currentTimeMillis();
                    sendAtRate(e, site, steadyRate, steadyEvents, "steady", 10 * events);
                    Stats steady = e.awaitAndMeasure(warmUp + 2 * events + steadyEvents, t2);
                    e.breakdown(t2);
                    pgStats(pg, e);
                    System.out.printf("phase 1b (limit off, new customers at a steady %d events/s for %d s): %.0f events/s end to end, p50 %.0f ms, p99 %.0f ms%n",
                            steadyRate, steadySeconds, steady.perSecond, steady.p50, steady.p99);
                    e.results.add(String.format("burst of %d events, %d replica(s): %.0f events/s end to end [%s], p50 %.0f ms, p99 %.0f ms (a backlog draining; %s before, %s after)",
                            events, replicas, first.perSecond, first.perSecond >= 500 ? "met" : "MISSED", first.p50, first.p99, load0, load1));
                    e.results.add("  " + cpu1.perItem(cpu0, events));
                    e.results.add("  " + perEvent);
                    e.results.add("  engine resident memory after the burst: " + e.residentMemory());
                    e.results.add(String.format("steady %d events/s: p50 %.0f ms [%s], p99 %.0f ms (%s)", steadyRate, steady.p50,
                            steady.p50 <= 50 ? "met" : "MISSED", steady.p99, BenchSupport.loadAverage()));
                    e.results.add(String.format("calls per returning tag action %.2f [%s]", perAction, perAction <= 1.2 ? "met" : "MISSED"));
                } finally {
                    e.stop();
                }
                phase3(pg, pacedSeconds, replicas, e.results);
                System.out.println();
                System.out.println("== bench/deliver ==");
                e.results.forEach(System.out::println);
            }
        }
    }

    /**
     * With BENCH_PG_STATS set: the database's top statements since the last call (pg_stat_statements),
     * and how many updates of the busiest tables were HOT (no new index entries) so far.
     */
    static void pgStats(EmbeddedPostgres pg, Engine e) throws Exception {
        if (System.getenv("BENCH_PG_STATS") == null) {
            return;
        }
        try (Connection c = e.db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables WHERE n_tup_upd > 0 ORDER BY n_tup_upd DESC LIMIT 6")) {
            while (rs.next()) {
                System.out.printf("  pg table %-16s %8d inserted %8d updated (%d HOT) %8d deleted%n", rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            try (ResultSet rs = st.executeQuery("SELECT calls, round(total_exec_time::numeric) AS ms, round(mean_exec_time::numeric, 3) AS mean, round(total_plan_time::numeric) AS plan, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 20")) {
                while (rs.next()) {
                    System.out.printf("  pg: %7d calls %7s ms total %8s ms mean %6s ms planning  %s%n", rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
                }
            }
            st.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** Phase 3: HighLevel's real limit, 100 requests / 10 s per location, enforced with 429s. */
    static void phase3(EmbeddedPostgres pg, int seconds, int replicas, List<String> results) throws Exception {
        try (HighLevelSandbox.Running hl = HighLevelSandbox.start(SandboxSettings.defaults(), 0)) {
            Engine e = Engine.start(pg, hl, "paced", replicas);
            try {
                Site site = e.site("Bench paced", 0);
                // a quiet neighbour: another marketplace whose integration has the sandbox's second location
                Site quiet = e.site("Bench quiet", 1);
                int backlog = seconds * 10 + 200; // more than the location can take in the window
                send(e, site, backlog, "paced", "b");
                Thread.sleep(5_000); // let the pacer settle on the advertised limit
                long before = count(e, "SELECT count(*) FROM action_job WHERE status = 'succeeded'");
                long start = System.nanoTime();
                long callsBefore = totalCalls(hl);
                // meanwhile the quiet location's store sends 1 event/s (2 calls each, a fifth of its limit)
                int quietEvents = Math.max(5, seconds - 5);
                long quietSince = System.currentTimeMillis();
                sendAtRate(e, quiet, 1, quietEvents, "quiet", 1_000_000); // customers of their own
                Thread.sleep(Math.max(0, seconds * 1000L - (System.nanoTime() - start) / 1_000_000L));
                long calls = totalCalls(hl) - callsBefore;
                double elapsed = (System.nanoTime() - start) / 1e9;
                long done = count(e, "SELECT count(*) FROM action_job WHERE status = 'succeeded'") - before;
                Stats q = e.awaitAndMeasureLike("evt\\_quiet%", quietEvents, quietSince);
                long quietCalls = count(e, "SELECT coalesce(sum(jsonb_array_length(l.calls)), 0) FROM event_log l WHERE l.kind = 'action' AND l.event_id LIKE 'evt\\_quiet%'");
                double rate = (calls - quietCalls) / elapsed;
                long limited = hl.sandbox().stats().rateLimited();
                System.out.printf("phase 3 (limit on, one location, %d s window): %.2f calls/s = %.1f%% of 10/s, %d actions done, %d x 429%n",
                        seconds, rate, rate * 10, done, limited);
                System.out.printf("phase 3, quiet neighbour (another location, 1 event/s meanwhile): p50 %.0f ms, p99 %.0f ms (acceptance -> last HighLevel call)%n",
                        q.p50, q.p99);
                results.add(String.format("paced location: %.1f%% of its limit [%s], %d x 429 [%s] (%s)", rate * 10,
                        rate * 10 >= 95 ? "met" : "MISSED", limited, limited == 0 ? "met" : "MISSED", BenchSupport.loadAverage()));
                results.add(String.format("quiet location beside the noisy one: p50 %.0f ms, p99 %.0f ms over %d events", q.p50, q.p99, quietEvents));
            } finally {
                e.stop();
            }
        }
    }

    static long totalCalls(HighLevelSandbox.Running hl) {
        return hl.sandbox().stats().requests().entrySet().stream().filter(en -> en.getKey().contains("/contacts"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    record Site(String marketplace, String secret) {
    }

    /**
     * Warm-up (not measured): bursts of {@code round} new customers, like the measured one, 20 of them
     * (BENCH_WARMUP_ROUNDS), or fewer once the engine's JIT compiler threads take under a tenth of its
     * CPU in a round. A JVM this size (Camel, Vert.x, Netty, two HTTP stacks, the driver) is still
     * compiling its hot paths long after its first few thousand events: measured after 1,000, it ran
     * half-compiled at 2–3× the CPU per event of a warm engine while a compiler thread took a quarter
     * of a core, so the figure measured the JIT more than the engine. Each round prints its rate, the
     * compilers' share of the engine's CPU and the CPU per event, so the warming shows. Returns the
     * number of events sent.
     */
    static int warmUp(Engine e, Site site, int round) throws Exception {
        int rounds = Math.min(26, Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_ROUNDS", "20")));
        int sent = 0;
        for (int r = 0; r < rounds; r++) {
            double jit0 = e.jitCpuSeconds();
            BenchSupport.Cpu cpu0 = BenchSupport.Cpu.of(e.processes);
            long since = System.currentTimeMillis();
            send(e, site, round, "warm" + (char) ('a' + r), "w" + (char) ('a' + r)); // distinct LIKE prefixes
            sent += round;
            Stats s = e.awaitAndMeasure(sent, since);
            BenchSupport.Cpu cpu1 = BenchSupport.Cpu.of(e.processes);
            double jit1 = e.jitCpuSeconds();
            double jitShare = (jit1 - jit0) / (cpu1.engine() - cpu0.engine());
            System.out.printf("  warm-up round %d: %d events, %.0f events/s, JIT compilers %.0f%% of the engine's CPU, %s%n", r + 1, round,
                    s.perSecond, 100 * jitShare, cpu1.perItem(cpu0, round));
            if (jit0 >= 0 && jit1 >= 0 && jitShare < 0.1) { // (where /proc cannot be read, all the rounds)
                break;
            }
        }
        return sent;
    }

    record Stats(double perSecond, double p50, double p99) {
    }

    /**
     * The engine database's counters in pg_stat_database (transactions committed, rows read and
     * written) and, with BENCH_PG_STATS, the statements pg_stat_statements counted for it: their
     * deltas per event tell what the database does for each event, whatever the number of replicas.
     */
    record DbCounters(long commits, long returned, long fetched, long inserted, long updated, long deleted, long statements) {
        static DbCounters of(Engine e) throws Exception {
            try (Connection c = e.db(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_stat_clear_snapshot()");
                long statements = -1;
                if (System.getenv("BENCH_PG_STATS") != null) { // the view lives in the database the extension was created in
                    try (Connection pc = e.pg.getPostgresDatabase().getConnection(); Statement ps = pc.createStatement()) {
                        ps.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                        try (ResultSet rs = ps.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '" + e.database + "'")) {
                            rs.next();
                            statements = rs.getLong(1);
                        }
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()")) {
                    rs.next();
                    return new DbCounters(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), statements);
                }
            }
        }

        String perItem(DbCounters before, int items) {
            double n = items;
            return String.format("PostgreSQL per event: %.2f commits, %s rows returned %.1f, fetched %.1f, inserted %.2f, updated %.2f, deleted %.2f",
                    (commits - before.commits) / n,
                    statements >= 0 && before.statements >= 0 ? String.format("%.2f statements,", (statements - before.statements) / n) : "",
                    (returned - before.returned) / n, (fetched - before.fetched) / n, (inserted - before.inserted) / n,
                    (updated - before.updated) / n, (deleted - before.deleted) / n);
        }
    }

    /**
     * Posts {@code n} signed order events of customers {@code <customers>0…<customers>n-1}, order ids
     * {@code <tag>i}, from 16 connections. The events are signed up front (Standard Webhooks allows 5
     * minutes) and sent by wrk, a C load generator, so the senders take little of the two cores the
     * engine shares with PostgreSQL and the sandbox.
     */
    static void send(Engine e, Site site, int n, String tag, String customers) throws Exception {
        // with several replicas the events are dealt out among them, as a Service spreads connections:
        // one wrk per replica, the 16 connections shared out
        int replicas = e.bases.size();
        List<java.io.BufferedWriter> outs = new ArrayList<>();
        List<java.nio.file.Path> files = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            java.nio.file.Path file = java.nio.file.Path.of("target", "bench", "deliver-" + tag + (replicas > 1 ? "-" + r : "") + ".tsv").toAbsolutePath();
            files.add(file);
            outs.add(java.nio.file.Files.newBufferedWriter(file));
        }
        long ts = System.currentTimeMillis() / 1000;
        for (int i = 0; i < n; i++) {
            String id = "evt_" + tag + i;
            String body = order(customers + i, tag + i);
            outs.get(i % replicas).write(id + "\t" + ts + "\t" + BenchSupport.sign(site.secret, id, ts, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    + "\t" + body + "\n");
        }
        for (java.io.BufferedWriter out : outs) {
            out.close();
        }
        List<Process> senders = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            ProcessBuilder pb = new ProcessBuilder("wrk", "-t1", "-c" + Math.max(4, 16 / replicas), "-d300s", "--timeout", "10s", "-s", "bench/src/wrk-once.lua", e.bases.get(r));
            pb.environment().put("BENCH_MARKETPLACE", site.marketplace);
            pb.environment().put("BENCH_EVENTS", files.get(r).toString());
            pb.redirectErrorStream(true);
            pb.redirectOutput(files.get(r).resolveSibling(files.get(r).getFileName().toString().replace(".tsv", ".wrk.txt")).toFile());
            senders.add(pb.start());
        }
        String accepted = "SELECT count(*) FROM inbox_event WHERE webhook_id LIKE 'evt\\_" + tag + "%'";
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + n / 50);
            while (count(e, accepted) < n && senders.stream().anyMatch(Process::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            for (Process p : senders) {
                BenchSupport.Cpu.senders(p);
                p.destroy(); // wrk would otherwise run out its duration
                p.waitFor();
            }
        }
        long inInbox = count(e, accepted);
        if (inInbox != n) {
            List<String> missing = new ArrayList<>();
            try (Connection c = e.db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT 'evt_" + tag + "' || i FROM generate_series(0, " + (n - 1) + ") i EXCEPT SELECT webhook_id FROM inbox_event")) {
                while (rs.next()) {
                    missing.add(rs.getString(1));
                }
            }
            throw new IllegalStateException(inInbox + " of " + n + " events accepted, missing " + missing);
        }
    }

    /** An order.completed event of customer {@code <customer>@bench.example} for one product. */
    static String order(String customer, String orderId) {
        return "{\"type\":\"order.completed\",\"customer\":{\"email\":\"" + customer + "@bench.example\",\"first_name\":\"B\"},"
                + "\"order\":{\"id\":\"" + orderId + "\",\"total_cents\":100,\"currency\":\"USD\"},"
                + "\"items\":[{\"product_id\":\"prod_1\",\"product_name\":\"P\",\"role\":\"primary\",\"price_cents\":100,\"quantity\":1}]}";
    }

    /** Open loop: {@code n} signed order events of new customers at {@code rate} per second, whatever the answers take. */
    static void sendAtRate(Engine e, Site site, int rate, int n, String tag, int offset) throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int k = offset + i;
            String body = order("b" + k, tag + k);
            sent.add(BenchSupport.HTTP.sendAsync(BenchSupport.webhook(e.bases.get(i % e.bases.size()), site.marketplace, site.secret, "evt_" + tag + k, body),
                    HttpResponse.BodyHandlers.discarding()));
        }
        for (var f : sent) {
            if (f.get().statusCode() != 202) {
                throw new IllegalStateException("event refused: " + f.get().statusCode());
            }
        }
    }

    static long count(Engine e, String sql) throws Exception {
        try (Connection c = e.db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The engine: one or more replicas, each a process of its own started as users start it (java -jar
     * with the settings in its environment), all on one database of the bench's PostgreSQL.
     */
    static final class Engine {
        final EmbeddedPostgres pg;
        final String database;
        final List<Process> processes;
        final List<String> bases;
        final String base;
        final List<String> results = new ArrayList<>();
        final HighLevelSandbox.Running hl;

        Engine(EmbeddedPostgres pg, String database, List<Process> processes, List<String> bases, HighLevelSandbox.Running hl) {
            this.pg = pg;
            this.database = database;
            this.processes = processes;
            this.bases = bases;
            this.base = bases.get(0);
            this.hl = hl;
        }

        static Engine start(EmbeddedPostgres pg, HighLevelSandbox.Running hl, String name) throws Exception {
            return start(pg, hl, name, 1);
        }

        static Engine start(EmbeddedPostgres pg, HighLevelSandbox.Running hl, String name, int replicas) throws Exception {
            String database = "engine_" + name;
            List<Process> processes = new ArrayList<>();
            List<String> bases = new ArrayList<>();
            try {
                for (int r = 0; r < replicas; r++) { // one after the other: the first one migrates the schema
                    int http = BenchSupport.freePort();
                    int mgmt = BenchSupport.freePort();
                    processes.add(BenchSupport.startEngine(pg, database, http, mgmt, Map.of(
                            "HIGHLEVEL_API_URL", hl.baseUrl(), "HIGHLEVEL_AUTHORIZE_URL", hl.baseUrl() + "/oauth/chooselocation",
                            "HIGHLEVEL_CLIENT_ID", hl.sandbox().settings().clientId(),
                            "HIGHLEVEL_CLIENT_SECRET", hl.sandbox().settings().clientSecret())));
                    bases.add("http://127.0.0.1:" + http);
                }
            } catch (Exception | Error failed) { // leave no replica running without its database
                processes.forEach(Process::destroyForcibly);
                throw failed;
            }
            return new Engine(pg, database, processes, bases, hl);
        }

        /** Each replica's resident set (VmRSS from /proc), for the memory request and limit. */
        String residentMemory() {
            List<String> rss = new ArrayList<>();
            for (Process p : processes) {
                try {
                    rss.add(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                            .filter(l -> l.startsWith("VmRSS:")).map(l -> (Long.parseLong(l.replaceAll("\\D", "")) / 1024) + " MiB").findFirst().orElse("?"));
                } catch (java.io.IOException | RuntimeException e) {
                    rss.add("?");
                }
            }
            return String.join(", ", rss);
        }

        /** CPU seconds of the replicas' JIT compiler threads so far (-1 where /proc cannot be read). */
        double jitCpuSeconds() {
            double sum = 0;
            for (Process p : processes) {
                double s = BenchSupport.jitCpuSeconds(p);
                if (s < 0) {
                    return -1;
                }
                sum += s;
            }
            return sum;
        }

        /** Waits until the {@code n} actions of events whose webhook id is LIKE {@code pattern} succeeded, then their latencies. */
        Stats awaitAndMeasureLike(String pattern, int n, long sinceMillis) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (count(this, "SELECT count(*) FROM action_job WHERE status = 'succeeded' AND event_id LIKE '" + pattern + "'") < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("actions did not complete in 5 minutes");
                }
                Thread.sleep(200);
            }
            List<Double> lat = new ArrayList<>();
            try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT extract(epoch FROM (j.updated_at - e.received_at)) * 1000 FROM inbox_event e JOIN action_job j ON j.event_id = e.webhook_id"
                            + " WHERE e.webhook_id LIKE '" + pattern + "' AND e.received_at >= to_timestamp(" + sinceMillis + " / 1000.0)")) {
                while (rs.next()) {
                    lat.add(rs.getDouble(1));
                }
            }
            lat.sort(Double::compare);
            return new Stats(n, lat.get(lat.size() / 2), lat.get((int) Math.min(lat.size() - 1, Math.ceil(lat.size() * 0.99) - 1)));
        }

        Connection db() throws Exception {
            return java.sql.DriverManager.getConnection(pg.getJdbcUrl("postgres", database), "postgres", "");
        }

        Site site(String name) throws Exception {
            return site(name, 0);
        }

        /** A marketplace whose one integration is approved for the sandbox's {@code location}-th location. */
        Site site(String name, int location) throws Exception {
            JsonNode m = JSON.readTree(post("/api/v1/marketplaces", BenchSupport.OPERATOR, "{\"name\":\"" + name + "\"}"));
            String id = m.path("id").asText();
            String key = m.path("api_key").asText();
            JsonNode integration = JSON.readTree(post("/api/v1/marketplaces/" + id + "/integrations", key, "{\"name\":\"HL\"}"));
            String approve = integration.path("authorize_url").asText().replace("/oauth/chooselocation?", "/oauth/chooselocation/approve?")
                    + "&location_id=" + hl.sandbox().locations().get(location).id();
            HttpResponse<String> redirect = BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(approve)).build(), HttpResponse.BodyHandlers.ofString());
            URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(base + callback.getRawPath() + "?" + callback.getRawQuery())).build(),
                    HttpResponse.BodyHandlers.ofString());
            post("/api/v1/marketplaces/" + id + "/rules", key, "{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\""
                    + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"customer\"]}");
            return new Site(id, m.path("webhook_secret").asText());
        }

        String post(String path, String bearer, String json) throws Exception {
            HttpResponse<String> r = BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        /** Waits until {@code total} actions succeeded, then reads latencies of those accepted since {@code sinceMillis}. */
        Stats awaitAndMeasure(int total, long sinceMillis) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            // one connection for the polling: a new one each time would fork a PostgreSQL backend
            try (Connection c = db(); Statement s = c.createStatement()) {
                while (true) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM action_job WHERE status = 'succeeded'")) {
                        rs.next();
                        if (rs.getLong(1) >= total) {
                            break;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("actions did not complete in 5 minutes");
                    }
                    Thread.sleep(200);
                }
            }
            String sql = """
                    SELECT extract(epoch FROM (j.updated_at - e.received_at)) * 1000 AS ms,
                           extract(epoch FROM e.received_at) * 1000 AS accepted, extract(epoch FROM j.updated_at) * 1000 AS done
                      FROM inbox_event e JOIN action_job j ON j.event_id = e.webhook_id
                     WHERE e.received_at >= to_timestamp(%d / 1000.0)""".formatted(sinceMillis);
            List<Double> lat = new ArrayList<>();
            double first = Double.MAX_VALUE;
            double last = 0;
            try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    lat.add(rs.getDouble(1));
                    first = Math.min(first, rs.getDouble(2));
                    last = Math.max(last, rs.getDouble(3));
                }
            }
            lat.sort(Double::compare);
            return new Stats(lat.size() / ((last - first) / 1000.0), lat.get(lat.size() / 2), lat.get((int) Math.min(lat.size() - 1, Math.ceil(lat.size() * 0.99) - 1)));
        }

        /** Where the time of events accepted since {@code sinceMillis} went, stage by stage (medians). */
        void breakdown(long sinceMillis) throws Exception {
            String since = "e.received_at >= to_timestamp(" + sinceMillis + " / 1000.0)";
            System.out.printf("  stages (p50): accepted -> event processed %.0f ms; -> first HighLevel call %.0f ms; -> done %.0f ms; one call %.0f ms%n",
                    median("SELECT extract(epoch FROM (e.processed_at - e.received_at)) * 1000 FROM inbox_event e WHERE " + since),
                    median("SELECT extract(epoch FROM ((l.calls->0->>'at')::timestamptz - e.processed_at)) * 1000 - (l.calls->0->>'latency_ms')::float8"
                            + " FROM inbox_event e JOIN event_log l ON l.event_id = e.webhook_id AND l.kind = 'action' WHERE " + since),
                    median("SELECT extract(epoch FROM (l.updated_at - (l.calls->0->>'at')::timestamptz)) * 1000 + (l.calls->0->>'latency_ms')::float8"
                            + " FROM inbox_event e JOIN event_log l ON l.event_id = e.webhook_id AND l.kind = 'action' WHERE " + since),
                    median("SELECT (c->>'latency_ms')::float8 FROM inbox_event e JOIN event_log l ON l.event_id = e.webhook_id AND l.kind = 'action',"
                            + " jsonb_array_elements(l.calls) c WHERE " + since));
        }

        double median(String sql) throws Exception {
            List<Double> values = new ArrayList<>();
            try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    values.add(rs.getDouble(1));
                }
            }
            values.sort(Double::compare);
            return values.isEmpty() ? Double.NaN : values.get(values.size() / 2);
        }

        void stop() throws Exception {
            processes.forEach(Process::destroy); // SIGTERM: the graceful shutdown, on all replicas at once
            for (Process p : processes) {
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
