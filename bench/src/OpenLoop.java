import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * An open-loop sender, as wrk2: request i is due at an exact time fixed in advance (segments of fixed
 * rates, back to back), sent then whatever the earlier ones are doing, over a pool of {@code connections}
 * keep-alive connections (Vert.x's client on two event loops, in the benchmark's JVM). A request that
 * finds every connection busy waits in the pool's queue, and its latency is measured from its due
 * time, not from when a connection took it: a slow server cannot hide its queueing (no coordinated
 * omission).
 */
final class OpenLoop implements AutoCloseable {
    /** A stretch of the schedule: {@code rate} requests a second for {@code seconds}. */
    record Segment(String label, int rate, int seconds, boolean measured) {
        int count() {
            return rate * seconds;
        }
    }

    /** One request: path, headers, body. */
    record Request(String uri, Map<String, String> headers, byte[] body) {
        /** A store event POSTed to a marketplace's webhook endpoint, signed now (Standard Webhooks) with its secret. */
        static Request signedWebhook(String marketplace, String secret, String webhookId, String event) {
            byte[] bytes = event.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long ts = System.currentTimeMillis() / 1000;
            try {
                return new Request("/webhooks/" + marketplace, Map.of("Content-Type", "application/json", "webhook-id", webhookId,
                        "webhook-timestamp", Long.toString(ts), "webhook-signature", BenchSupport.sign(secret, webhookId, ts, bytes)), bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What happened to every request of a run, by index (the order of the schedule). */
    static final class Run {
        final List<Segment> segments;
        final long baseNanos;
        final long baseEpochMillis;
        final long[] dueNanos;
        final long[] doneNanos;
        final int[] status;
        final int[] segment;
        final long[] segmentStartNanos;
        /** How far an unanswered request got: 0 waiting for a connection, 1 sent, 2 answer's head read. */
        final byte[] stage;

        Run(List<Segment> segments, long baseNanos, long baseEpochMillis) {
            this.segments = segments;
            this.baseNanos = baseNanos;
            this.baseEpochMillis = baseEpochMillis;
            int total = segments.stream().mapToInt(Segment::count).sum();
            dueNanos = new long[total];
            doneNanos = new long[total];
            status = new int[total];
            segment = new int[total];
            stage = new byte[total];
            segmentStartNanos = new long[segments.size() + 1];
            long t = baseNanos;
            int i = 0;
            for (int s = 0; s < segments.size(); s++) {
                segmentStartNanos[s] = t;
                Segment seg = segments.get(s);
                for (int k = 0; k < seg.count(); k++, i++) {
                    dueNanos[i] = t + Math.round(k * 1e9 / seg.rate());
                    segment[i] = s;
                }
                t += TimeUnit.SECONDS.toNanos(seg.seconds());
            }
            segmentStartNanos[segments.size()] = t;
        }

        int total() {
            return dueNanos.length;
        }

        /** Wall-clock time (epoch ms) of a nanoTime instant of this run. */
        double epochMillis(long nanos) {
            return baseEpochMillis + (nanos - baseNanos) / 1e6;
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final int connections;
    private final Context[] contexts;

    OpenLoop(int connections) {
        this.connections = connections;
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        // a context on each event loop (getOrCreateContext would give this thread the same one twice)
        io.vertx.core.impl.VertxInternal internal = (io.vertx.core.impl.VertxInternal) vertx;
        contexts = new Context[] {internal.createEventLoopContext(), internal.createEventLoopContext()};
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /**
     * Sends the schedule to 127.0.0.1:{@code port}, request i made by {@code make} just before it is due
     * (signed then, as a store signs when it sends). {@code atBoundary} is called on a thread of its own
     * at the start of each segment (0…n-1) and at the end of the last (n). Returns once every request
     * has its answer or failed (at most {@code answerSeconds} after the last was due).
     */
    Run run(List<Segment> segments, int port, IntFunction<Request> make, IntConsumer atBoundary, int answerSeconds) throws Exception {
        long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        Run run = new Run(segments, base, System.currentTimeMillis() + 200);
        Arrays.fill(run.status, 0);
        CountDownLatch answered = new CountDownLatch(run.total());
        Thread monitor = new Thread(() -> {
            for (int b = 0; b <= segments.size(); b++) {
                sleepUntil(run.segmentStartNanos[b]);
                atBoundary.accept(b);
            }
        }, "open-loop-boundaries");
        monitor.setDaemon(true);
        monitor.start();
        AtomicInteger late = new AtomicInteger();
        for (int i = 0; i < run.total(); i++) {
            sleepUntil(run.dueNanos[i]);
            if (System.nanoTime() - run.dueNanos[i] > TimeUnit.MILLISECONDS.toNanos(50)) {
                late.incrementAndGet(); // the sender itself fell behind (its latency still counts from the due time)
            }
            Request r = make.apply(i);
            RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                    .setURI(r.uri()).setIdleTimeout(30_000);
            r.headers().forEach(o::putHeader);
            final int index = i;
            // started on one of the client's event-loop contexts, so that the answer's body handler is set on
            // that thread as its head arrives: chained from this (non-Vert.x) thread, a body that arrived
            // before the handler was set was dropped and its request never ended (1-22 a run, counted as errors)
            contexts[i % contexts.length].runOnContext(v -> client.request(o)
                    .compose(req -> {
                        run.stage[index] = 1;
                        return req.send(Buffer.buffer(r.body()));
                    })
                    .compose(resp -> {
                        run.stage[index] = 2;
                        return resp.body().map(b -> resp.statusCode());
                    })
                    .onComplete(ar -> {
                        run.doneNanos[index] = System.nanoTime();
                        run.status[index] = ar.succeeded() ? ar.result() : -1;
                        answered.countDown();
                    }));
        }
        if (!answered.await(answerSeconds, TimeUnit.SECONDS)) {
            System.out.printf("  open loop: %d requests still unanswered %d s after the last was due%n", answered.getCount(), answerSeconds);
            for (int i = 0; i < run.total(); i++) {
                if (run.doneNanos[i] == 0) {
                    System.out.printf("    request %d (due at %.3f s): %s%n", i, (run.dueNanos[i] - run.baseNanos) / 1e9,
                            new String[] {"never had a connection", "sent, no answer", "answer's head read, body never ended"}[run.stage[i]]);
                }
            }
        }
        monitor.join(TimeUnit.SECONDS.toMillis(answerSeconds));
        if (late.get() > 0) {
            System.out.printf("  open loop: the sender itself sent %d requests more than 50 ms after their due time (counted from the due time)%n", late.get());
        }
        return run;
    }

    /** Per segment: requests, answered 202, errors, p50/p99 from the due time to the answer (ms). */
    static List<String> answerStats(Run run) {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < run.segments.size(); s++) {
            lines.add(answerStats(run, s).toString());
        }
        return lines;
    }

    record Answers(int sent, int accepted, int errors, double acceptedPerSecond, double p50, double p99, double max) {
    }

    static Answers answerStats(Run run, int s) {
        Segment seg = run.segments.get(s);
        long[] lat = new long[seg.count()];
        int n = 0;
        int ok = 0;
        int errors = 0;
        int sent = 0;
        for (int i = 0; i < run.total(); i++) {
            if (run.segment[i] != s) {
                continue;
            }
            sent++;
            if (run.status[i] == 202) {
                ok++;
                lat[n++] = run.doneNanos[i] - run.dueNanos[i];
            } else {
                errors++;
                lat[n++] = Long.MAX_VALUE / 2; // unanswered or refused: counted as the slowest
            }
        }
        long[] sorted = BenchSupport.sorted(lat, n);
        return new Answers(sent, ok, errors, ok / (double) seg.seconds(), BenchSupport.percentileMs(sorted, 50),
                BenchSupport.percentileMs(sorted, 99), BenchSupport.percentileMs(sorted, 100));
    }

    static void sleepUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /**
     * Runs {@code seconds} of the schedule's shape at {@code rate} against a server in this JVM that
     * answers 202 at once (not measured): the sender's own code (the client, {@code make}'s signing) is
     * compiled before it sends to the engine, so a cold sender does not send late and in bursts.
     */
    void warmUp(int rate, int seconds, IntFunction<Request> make) throws Exception {
        io.vertx.core.http.HttpServer server = vertx.createHttpServer()
                .requestHandler(req -> req.body().onComplete(b -> req.response().setStatusCode(202).end()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            Run run = run(List.of(new Segment("sender warm-up", rate, seconds, false)), server.actualPort(), make, b -> { }, 10);
            Answers a = answerStats(run, 0);
            System.out.printf("sender warmed up against a local 202 server: %d/s for %d s, p50 %.1f ms, p99 %.1f ms%n",
                    rate, seconds, a.p50(), a.p99());
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    int connections() {
        return connections;
    }

    @Override
    public void close() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
