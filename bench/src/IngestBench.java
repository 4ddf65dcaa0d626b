import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** bench/ingest: accepted events per second and latency of POST /webhooks against a running engine. */
public final class IngestBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int senders = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 500;

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
                max = wrk(base, marketplace, secret, senders, seconds, Math.max(60_000, seconds * 4_000), "phase 1");
                // the engine goes on to process what it accepted; the steady phase starts once that is done
                BenchSupport.awaitDrained(pg, http);
                Result steady = openLoop(base, marketplace, secret, rate, Math.max(10, seconds * 3 / 4));
                Result noLog = withoutEventLog(pg, senders, seconds);

                System.out.println();
                System.out.println("== bench/ingest ==");
                System.out.printf("phase 1 (%d senders, %d s): %.0f accepted/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, errors %d%n",
                        senders, seconds, max.perSecond, max.p50, max.p95, max.p99, max.errors);
                System.out.printf("phase 2 (steady %d/s): %.0f accepted/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, errors %d%n",
                        rate, steady.perSecond, steady.p50, steady.p95, steady.p99, steady.errors);
                System.out.printf("without the event log's receipt wire-tap (same phase 1): %.0f accepted/s, p50 %.1f ms, p99 %.1f ms; the log costs %.0f%% of throughput%n",
                        noLog.perSecond, noLog.p50, noLog.p99, 100.0 * (noLog.perSecond - max.perSecond) / noLog.perSecond);
                System.out.printf("database single-insert rate: %.0f rows/s; engine/database ratio: %.2f%n", dbRate, max.perSecond / dbRate);
                System.out.printf("targets: >= 2000 accepted/s [%s], p99 <= 50 ms at %d/s [%s], ratio >= 0.5 [%s]%n",
                        max.perSecond >= 2000 ? "met" : "MISSED", rate, steady.p99 <= 50 ? "met" : "MISSED",
                        max.perSecond / dbRate >= 0.5 ? "met" : "MISSED");
            } finally {
                engine.destroy();
                engine.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Phase 1 again on a second engine whose webhook route has no wire-tap into the event log (a
     * copy of the routes with that one step taken out), to measure what logging receipts costs.
     */
    static Result withoutEventLog(EmbeddedPostgres pg, int senders, int seconds) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "bench", "routes-without-receipt-log");
        java.nio.file.Files.createDirectories(dir);
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("routes"))) {
            for (java.nio.file.Path f : files.toList()) {
                String yaml = java.nio.file.Files.readString(f);
                if (f.getFileName().toString().equals("webhooks.camel.yaml")) {
                    String without = yaml.replace("        - wireTap:\n            uri: direct:log-store-event\n", "");
                    if (without.equals(yaml)) {
                        throw new IllegalStateException("the wire-tap step was not found in routes/webhooks.camel.yaml");
                    }
                    yaml = without;
                }
                java.nio.file.Files.writeString(dir.resolve(f.getFileName()), yaml);
            }
        }
        int http = BenchSupport.freePort();
        Process engine = BenchSupport.startEngine(pg, http, BenchSupport.freePort(),
                Map.of("ENGINE_ROUTES", "file:" + dir.toAbsolutePath() + "/*.camel.yaml"));
        try {
            String base = "http://127.0.0.1:" + http;
            JsonNode m = new ObjectMapper().readTree(BenchSupport.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/marketplaces"))
                    .header("Authorization", "Bearer " + BenchSupport.OPERATOR).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench without log\"}")).build(), HttpResponse.BodyHandlers.ofString()).body());
            wrk(base, m.path("id").asText(), m.path("webhook_secret").asText(), senders, WARM_UP_SECONDS, 60_000, "warm-up (no log)");
            BenchSupport.awaitDrained(pg, http);
            return wrk(base, m.path("id").asText(), m.path("webhook_secret").asText(), senders, seconds, Math.max(60_000, seconds * 4_000), "phase 1 (no log)");
        } finally {
            engine.destroy();
            engine.waitFor(20, TimeUnit.SECONDS);
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

    static Result closedLoop(String base, String marketplace, String secret, int senders, int seconds, String label,
                             boolean report) throws Exception {
        long[] latencies = new long[4_000_000];
        AtomicInteger count = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch done = new CountDownLatch(senders);
        long start = System.nanoTime();
        for (int s = 0; s < senders; s++) {
            pool.execute(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long n = IDS.incrementAndGet();
                        HttpRequest request = BenchSupport.webhook(base, marketplace, secret, "evt_" + n, BenchSupport.event(n));
                        long t0 = System.nanoTime();
                        HttpResponse<Void> r = BenchSupport.HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                        long took = System.nanoTime() - t0;
                        if (r.statusCode() == 202) {
                            int i = count.getAndIncrement();
                            if (i < latencies.length) {
                                latencies[i] = took;
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] sorted = BenchSupport.sorted(latencies, Math.min(count.get(), latencies.length));
        Result r = new Result(count.get() / elapsed, BenchSupport.percentileMs(sorted, 50), BenchSupport.percentileMs(sorted, 95),
                BenchSupport.percentileMs(sorted, 99), errors.get());
        System.out.printf("%s: %d accepted in %.1f s (%.0f/s), errors %d%n", label, count.get(), elapsed, r.perSecond, r.errors);
        return r;
    }

    /** A steady arrival rate; latency is measured from each event's scheduled time (no coordinated omission). */
    static Result openLoop(String base, String marketplace, String secret, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger count = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * intervalNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long n = IDS.incrementAndGet();
            BenchSupport.HTTP.sendAsync(BenchSupport.webhook(base, marketplace, secret, "evt_" + n, BenchSupport.event(n)),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        long took = System.nanoTime() - scheduled;
                        if (e == null && r.statusCode() == 202) {
                            latencies[count.getAndIncrement()] = took;
                        } else {
                            errors.incrementAndGet();
                        }
                        done.countDown();
                    });
        }
        done.await(60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = BenchSupport.sorted(latencies, count.get());
        return new Result(count.get() / elapsed, BenchSupport.percentileMs(sorted, 50), BenchSupport.percentileMs(sorted, 95),
                BenchSupport.percentileMs(sorted, 99), errors.get());
    }
}
