import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** bench/ingest: accepted events per second and latency of POST /webhooks against a running engine. */
public final class IngestBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int senders = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        System.out.printf("bench/ingest: %s%n", BenchSupport.loadAverage());

        MachineSpeed speed = MachineSpeed.start();
        try (EmbeddedPostgres pg = BenchSupport.postgres("ingest-pg")) {
            double dbRate = BenchSupport.singleInsertRate(pg, Duration.ofSeconds(5));
            System.out.printf("database single-row INSERT+COMMIT (1 connection): %.0f rows/s%n", dbRate);

            int http = BenchSupport.freePort();
            int mgmt = BenchSupport.freePort();
            Process engine = BenchSupport.startEngine(pg, http, mgmt, Map.of());
            try {
                String base = "http://127.0.0.1:" + http;
                JsonNode m = new ObjectMapper().readTree(BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/marketplaces"))
                        .header("Authorization", "Bearer " + BenchSupport.OPERATOR).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench\"}")).build(), HttpResponse.BodyHandlers.ofString()).body());
                String marketplace = m.path("id").asText();
                String secret = m.path("webhook_secret").asText();

                // warm-up (not measured): 30 s, so that the JIT has compiled the hot paths (after 5 s it was
                // still compiling them, see bench/deliver's warm-up)
                Result max = wrk(base, marketplace, secret, senders, WARM_UP_SECONDS, 60_000, "warm-up");
                BenchSupport.awaitDrained(pg, http);
                BenchSupport.Cpu cpu0 = BenchSupport.Cpu.of(engine);
                BenchSupport.Wal wal0 = BenchSupport.Wal.of(pg);
                long phase1From = System.currentTimeMillis();
                max = wrk(base, marketplace, secret, senders, seconds, Math.max(60_000, seconds * 4_000), "phase 1");
                String speed1 = speed.describe(phase1From, System.currentTimeMillis());
                BenchSupport.Cpu cpu1 = BenchSupport.Cpu.of(engine);
                BenchSupport.Wal wal1 = BenchSupport.Wal.of(pg);
                int phase1 = (int) Math.round(max.perSecond * seconds);
                // the engine goes on to process what it accepted; the steady phase starts once that is done
                long drainStart = System.nanoTime();
                BenchSupport.awaitDrained(pg, http);
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                BenchSupport.Cpu cpuDrained = BenchSupport.Cpu.of(engine);
                BenchSupport.Wal walDrained = BenchSupport.Wal.of(pg);
                String load1 = BenchSupport.loadAverage();
                Result steady;
                BenchSupport.Cpu cpuSteady;
                BenchSupport.Wal walSteady;
                String speed2;
                try (OpenLoop sender = new OpenLoop(connections)) {
                    sender.warmUp(rate, SENDER_WARM_UP_SECONDS, steadyEvent(marketplace, secret));
                    OpenLoop.Request[] requests = signed(marketplace, secret, rate * (LEAD_IN_SECONDS + Math.max(10, seconds)));
                    DeliverSteps.resetStatements(pg);
                    checkpoint(pg);
                    cpuSteady = BenchSupport.Cpu.of(engine);
                    walSteady = BenchSupport.Wal.of(pg);
                    System.out.printf("phase 2 starts at %s%n", java.time.LocalTime.now());
                    long phase2From = System.currentTimeMillis();
                    steady = openLoop(sender, http, requests, rate, Math.max(10, seconds));
                    speed2 = speed.describe(phase2From, System.currentTimeMillis());
                }
                BenchSupport.Cpu cpu2 = BenchSupport.Cpu.of(engine);
                BenchSupport.Wal wal2 = BenchSupport.Wal.of(pg);
                long pendingAfter = BenchSupport.pendingEvents(pg, http);
                DeliverSteps.printStatements(pg, "engine_" + http, (int) Math.round(steady.perSecond * (LEAD_IN_SECONDS + Math.max(10, seconds))),
                        "phase 2 and its lead-in");
                String load2 = BenchSupport.loadAverage();
                long rss = rssMiB(engine);
                System.out.println();
                System.out.println("== bench/ingest ==");
                System.out.printf("phase 1, max (wrk, closed loop, %d connections, %d s, every request a new event, after a %d s warm-up): %.0f accepted/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, errors %d (%s)%n",
                        senders, seconds, WARM_UP_SECONDS, max.perSecond, max.p50, max.p95, max.p99, max.errors, load1 + ", " + speed1);
                System.out.printf("phase 2, steady (open loop, %d/s for %d s after a " + LEAD_IN_SECONDS + " s lead-in, up to %d connections, latency from the due time): %.0f accepted/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, errors %d; engine RSS %d MiB (%s)%n",
                        rate, Math.max(10, seconds), connections, steady.perSecond, steady.p50, steady.p95, steady.p99, steady.errors, rss, load2 + ", " + speed2);
                System.out.println("phase 1 per accepted event, while it ran: " + cpu1.perItem(cpu0, phase1)
                        + "; " + wal1.perItem(wal0, phase1));
                System.out.printf("phase 1's events all processed %.1f s after it ended; per event, accepted and processed: %s; %s%n",
                        drainSeconds, cpuDrained.perItem(cpu0, phase1), walDrained.perItem(wal0, phase1));
                System.out.printf("events not yet processed at phase 2's end: %d%n", pendingAfter);
                System.out.println("phase 2 per accepted event (its lead-in too; sender warmed up, phase 1 processed before it): "
                        + cpu2.perItem(cpuSteady, (int) Math.round(steady.perSecond * (LEAD_IN_SECONDS + Math.max(10, seconds))))
                        + "; " + wal2.perItem(walSteady, (int) Math.round(steady.perSecond * (LEAD_IN_SECONDS + Math.max(10, seconds)))));
                System.out.printf("database single-insert rate: %.0f rows/s; engine/database ratio: %.2f%n", dbRate, max.perSecond / dbRate);
                System.out.printf("targets: >= 2000 accepted/s warm [%s], p99 <= 50 ms at a steady %d/s [%s], no errors there [%s], RSS <= 512 MiB [%s]%n",
                        max.perSecond >= 2000 ? "met" : "MISSED", rate, steady.p99 <= 50 ? "met" : "MISSED",
                        steady.errors == 0 ? "met" : "MISSED", rss <= 512 ? "met" : "MISSED");
            } finally {
                engine.destroy();
                engine.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** How long each engine is warmed up before it is measured. */
    static final int WARM_UP_SECONDS = 30;

    record Result(double perSecond, double p50, double p95, double p99, long errors) {
    }

    static final AtomicLong IDS = new AtomicLong();

    /**
     * Phase 1 with wrk: events are signed up front (Standard Webhooks allows 5 minutes), written one per
     * line, and replayed by wrk's Lua script with {@code senders} connections on one wrk thread.
     */
    static Result wrk(String base, String marketplace, String secret, int senders, int seconds, int events, String label)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Path.of("target", "bench", "events-" + label.replace(' ', '-') + ".tsv");
        try (java.io.BufferedWriter out = java.nio.file.Files.newBufferedWriter(file)) {
            long ts = System.currentTimeMillis() / 1000;
            for (int i = 0; i < events; i++) {
                long n = IDS.incrementAndGet();
                String id = "evt_" + n;
                String body = BenchSupport.event(n);
                out.write(id + "\t" + ts + "\t" + BenchSupport.sign(secret, id, ts, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "\t" + body + "\n");
            }
        }
        ProcessBuilder pb = new ProcessBuilder("wrk", "-t1", "-c" + senders, "-d" + seconds + "s", "--timeout", "10s",
                "-s", "bench/src/wrk-events.lua", base);
        pb.environment().put("BENCH_THREADS", "1"); // as -t1: the script gives each thread its slice of the events
        pb.environment().put("BENCH_MARKETPLACE", marketplace);
        pb.environment().put("BENCH_EVENTS", file.toAbsolutePath().toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "WRK requests=(\\d+) seconds=([\\d.]+) p50=([\\d.]+) p95=([\\d.]+) p99=([\\d.]+) socket_errors=(\\d+) non2xx=(\\d+)").matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("wrk said: " + output);
        }
        long requests = Long.parseLong(m.group(1));
        long errors = Long.parseLong(m.group(6)) + Long.parseLong(m.group(7));
        if (requests > events) {
            System.out.printf("note: wrk sent %d requests for %d distinct events; the rest were answered 'duplicate'%n", requests, events);
        }
        Result r = new Result((requests - errors) / Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), errors);
        System.out.printf("%s: %d answered 202 in %s s (%.0f/s), errors %d%n", label, requests - errors, m.group(2), r.perSecond, errors);
        return r;
    }

    /**
     * A steady arrival rate from the open-loop sender (a fixed schedule, a pool of many connections):
     * {@link #LEAD_IN_SECONDS} at the rate first, not measured (the sender opens its connections, the
     * engine's idle pools and the database's caches wake up), then {@code seconds} measured. Latency is
     * measured from each event's due time (no coordinated omission), a failed or refused request counts as
     * an error and as the slowest.
     */
    static Result openLoop(OpenLoop sender, int port, OpenLoop.Request[] requests, int rate, int seconds) throws Exception {
        OpenLoop.Run run = sender.run(java.util.List.of(new OpenLoop.Segment("lead-in", rate, LEAD_IN_SECONDS, false),
                new OpenLoop.Segment("steady", rate, seconds, true)), port, i -> requests[i], b -> { }, 30);
        int from = rate * LEAD_IN_SECONDS;
        long[] lat = new long[run.total() - from];
        for (int i = from; i < run.total(); i++) {
            lat[i - from] = latency(run, i);
        }
        long[] sorted = BenchSupport.sorted(lat, lat.length);
        System.out.println("phase 2 by second (p50 / p99 / max ms; the first " + LEAD_IN_SECONDS + " are the lead-in): " + bySecond(run, rate));
        OpenLoop.Answers lead = OpenLoop.answerStats(run, 0);
        System.out.printf("phase 2's lead-in (not measured): p50 %.1f ms, p99 %.1f ms, errors %d%n", lead.p50(), lead.p99(), lead.errors());
        OpenLoop.Answers a = OpenLoop.answerStats(run, 1);
        return new Result(a.acceptedPerSecond(), BenchSupport.percentileMs(sorted, 50), BenchSupport.percentileMs(sorted, 95),
                BenchSupport.percentileMs(sorted, 99), a.errors());
    }

    /** Seconds of the steady rate before phase 2 is measured. */
    static final int LEAD_IN_SECONDS = 5;

    /**
     * The steady phase's requests, signed before it starts (as phase 1's; a signature holds for 5
     * minutes): the sender's JVM shares the two cores with the engine and PostgreSQL, and signing as it
     * sent took CPU from them in the measured window.
     */
    static OpenLoop.Request[] signed(String marketplace, String secret, int count) {
        java.util.function.IntFunction<OpenLoop.Request> make = steadyEvent(marketplace, secret);
        OpenLoop.Request[] requests = new OpenLoop.Request[count];
        for (int i = 0; i < count; i++) {
            requests[i] = make.apply(i);
        }
        return requests;
    }

    /**
     * How long the steady phase's sender is warmed up (against a local 202 server) before it sends to the
     * engine. Its CPU per request at 1,000/s, sending to a server in another JVM: 0.63 ms in its first
     * 10 s, 0.27 ms in the next 10, 0.16 ms after 20 (the JIT still compiling it on the engine's cores).
     */
    static final int SENDER_WARM_UP_SECONDS = 30;

    /** Request i of the steady phase: a new event, signed just before it is due. */
    static java.util.function.IntFunction<OpenLoop.Request> steadyEvent(String marketplace, String secret) {
        return i -> {
            long n = IDS.incrementAndGet();
            return OpenLoop.Request.signedWebhook(marketplace, secret, "evt_" + n, BenchSupport.event(n));
        };
    }

    /** From the due time to the answer; a failed or refused request counts as the slowest. */
    static long latency(OpenLoop.Run run, int i) {
        return run.status[i] == 202 ? run.doneNanos[i] - run.dueNanos[i] : Long.MAX_VALUE / 2;
    }

    /** p50 / p99 / max of each second of the run, to tell a start-up burst from a tail spread over it. */
    static String bySecond(OpenLoop.Run run, int rate) {
        StringBuilder out = new StringBuilder();
        for (int from = 0; from < run.total(); from += rate) {
            int to = Math.min(run.total(), from + rate);
            long[] lat = new long[to - from];
            for (int i = from; i < to; i++) {
                lat[i - from] = latency(run, i);
            }
            long[] sorted = BenchSupport.sorted(lat, lat.length);
            out.append(String.format(" %d:%.0f/%.0f/%.0f", from / rate, BenchSupport.percentileMs(sorted, 50),
                    BenchSupport.percentileMs(sorted, 99), BenchSupport.percentileMs(sorted, 100)));
        }
        return out.toString().trim();
    }

    /**
     * A checkpoint just before phase 2, as a server that has run for a while has one every 5 minutes
     * (checkpoint_timeout): the first change to each page after it writes the whole page to the WAL, so
     * phase 2 pays what a long-running server pays, not a fresh database's exemption from it.
     */
    static void checkpoint(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg) throws Exception {
        try (java.sql.Connection c = pg.getPostgresDatabase().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    static long rssMiB(Process p) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
