package io.hlbridge.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.sources.samples.SourceSamples;
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Marketplace;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.LoggerFactory;

/**
 * The five store platforms' source URLs (PRODUCT.md §3a) under 2,100 generated deliveries: each
 * platform's samples signed or not, their bodies mutated, cut, doubled or replaced by garbage, other
 * content types (a form to a JSON platform and back, forms of thousands of fields), a wrong key, an
 * unknown source, odd methods. Every answer must keep {@link AnswerRules} (no 5xx, every refusal a
 * problem naming its reason); afterwards the engine is ready, still takes a real delivery, and logged
 * no ERROR on the way.
 */
class SourceDeliveriesFuzzIT {
    static final int BATCH = 25;
    static final int BATCHES = 84;

    record FuzzedSource(SourceSamples samples, String path, String secret) {
    }

    static EngineUnderTest engine;
    static Marketplace shop;
    static final List<FuzzedSource> sources = new ArrayList<>();
    static HttpClient http;
    static final AtomicInteger sent = new AtomicInteger();
    static final ConcurrentLinkedQueue<String> errorLogs = new ConcurrentLinkedQueue<>();
    static AppenderBase<ILoggingEvent> errorCatcher;

    @BeforeContainer
    static void startEngine() {
        engine = EngineUnderTest.start();
        shop = Marketplace.create(engine, "Fuzzed sources");
        for (SourceSamples samples : SourceSamples.all()) {
            String secret = samples.exampleSecret();
            JsonNode source = Json.read(shop.call("POST", "/sources", Json.write(Json.object().put("platform", samples.platform())
                    .put("name", "Fuzzed " + samples.platform()).put("signing_secret", secret))).body());
            String url = source.path("webhook_url").asText();
            sources.add(new FuzzedSource(samples, url.substring(url.indexOf("/sources/")), secret));
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(8)).build();
        errorCatcher = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                    errorLogs.add(event.getLoggerName() + ": " + event.getFormattedMessage());
                }
            }
        };
        errorCatcher.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(errorCatcher);
    }

    @AfterContainer
    static void engineIsStillWell() {
        try {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(errorCatcher);
            System.out.println("SourceDeliveriesFuzzIT: " + sent.get() + " deliveries");
            HttpResponse<String> ready = engine.send("GET", engine.managementUrl() + "/observe/health/ready", null, null);
            assertThat(ready.statusCode()).as("readiness after the fuzz: %s", ready.body()).isEqualTo(200);
            FuzzedSource stripe = sources.stream().filter(s -> s.samples().platform().equals("stripe")).findFirst().orElseThrow();
            Buyer after = new Buyer("after" + System.nanoTime(), "after@example.com", "Af", "Ter", "prod_after", "After", 1_000);
            Sample signed = stripe.samples().signed(stripe.samples().purchase(after), stripe.secret(), Instant.now().getEpochSecond());
            HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(engine.baseUrl() + stripe.path()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()));
            signed.headers().forEach(request::header);
            HttpResponse<String> accepted = engine.send(request.build());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.body()).contains("\"accepted\"");
            assertThat(sent.get()).as("deliveries sent").isGreaterThanOrEqualTo(2_000);
            assertThat(errorLogs.stream().distinct().limit(10).toList()).as("ERROR log lines written while fuzzing").isEmpty();
        } finally {
            engine.close();
        }
    }

    @Property(tries = BATCHES, shrinking = ShrinkingMode.BOUNDED)
    void everyDeliveryAnswerIsAProblemOrA2xx(@ForAll @Size(BATCH) List<@From("deliveries") Probe> batch) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (Probe probe : batch) {
            HttpRequest request;
            try {
                request = probe.toRequest(engine.baseUrl());
            } catch (IllegalArgumentException unsendable) {
                continue; // java.net.http refuses this header itself; nothing reaches the engine
            }
            sent.incrementAndGet();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .handle((response, failure) -> {
                        if (failure != null) {
                            return "no answer (" + failure + ") to " + probe;
                        }
                        String violation = AnswerRules.violation(probe, response);
                        return violation == null ? null : violation + " to " + probe + "\n  answer: " + response.statusCode()
                                + " " + response.body();
                    }));
        }
        List<String> violations = answers.stream().map(CompletableFuture::join).filter(v -> v != null).toList();
        assertThat(violations.stream().limit(8).toList()).as("%d of %d answers broke the rules", violations.size(), answers.size())
                .isEmpty();
    }

    @Provide
    Arbitrary<Probe> deliveries() {
        Arbitrary<FuzzedSource> source = Arbitraries.of(sources);
        Arbitrary<Integer> scenario = Arbitraries.integers().between(0, 8);
        Arbitrary<String> keyMode = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("right")),
                Tuple.of(1, Arbitraries.of("wrong", "empty-segment", "unknown-source", "extra-segment")));
        Arbitrary<Boolean> signed = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(true)), Tuple.of(1, Arbitraries.just(false)));
        Arbitrary<String> method = Arbitraries.frequencyOf(Tuple.of(30, Arbitraries.just("POST")),
                Tuple.of(1, Arbitraries.of("HEAD", "GET", "PUT", "DELETE", "OPTIONS")));
        Arbitrary<String> contentType = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just("(as sent)")),
                Tuple.of(1, Arbitraries.of("application/json", "application/x-www-form-urlencoded", "text/plain", "",
                        "multipart/form-data", "application/x-www-form-urlencoded; charset=latin1", "application/json; charset=UTF-16")));
        Arbitrary<String> bodyKind = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("as sent")),
                Tuple.of(3, Arbitraries.of("changed", "cut", "doubled", "empty")),
                Tuple.of(2, Arbitraries.of("garbage", "text", "json", "form")));
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(source, scenario, keyMode, signed, method, contentType, bodyKind, seed)
                .as(SourceDeliveriesFuzzIT::delivery);
    }

    static Probe delivery(FuzzedSource fs, int scenario, String keyMode, boolean sign, String method, String contentType,
                          String bodyKind, long seed) {
        SourceSamples samples = fs.samples();
        Buyer buyer = new Buyer("fz" + scenario, "fuzz@example.com", "Fuzz", "Er", "prod_fz", "Fuzz Course", 3_000);
        Sample sample = switch (scenario) {
            case 0 -> samples.purchase(buyer);
            case 1 -> samples.fullRefund(buyer);
            case 2 -> samples.partialRefund(buyer);
            case 3 -> samples.renewal(buyer, 2);
            case 4 -> samples.failedRenewal(buyer, 1);
            case 5 -> samples.cancellation(buyer);
            case 6 -> samples.abandonedCheckout(buyer);
            case 7 -> samples.ping();
            default -> samples.ignored(buyer);
        };
        if (sample == null) {
            sample = samples.purchase(buyer);
        }
        Sample unsigned = new Sample(sample.method(), sample.headers(), body(sample.body(), bodyKind, new java.util.Random(seed)));
        Sample toSend = unsigned;
        if (sign && fs.secret() != null) {
            try {
                toSend = samples.signed(unsigned, fs.secret(), Instant.now().getEpochSecond());
            } catch (RuntimeException unsignable) {
                toSend = unsigned; // garbage the samples' own signer cannot read
            }
        }
        String key = fs.path().substring(fs.path().lastIndexOf('/') + 1);
        String path = switch (keyMode) {
            case "wrong" -> fs.path().substring(0, fs.path().lastIndexOf('/') + 1) + "k".repeat(32);
            case "empty-segment" -> fs.path().substring(0, fs.path().lastIndexOf('/') + 1);
            case "unknown-source" -> "/sources/src_nothere/" + key;
            case "extra-segment" -> fs.path() + "/more";
            default -> fs.path();
        };
        Probe.Builder probe = new Probe.Builder("source " + samples.platform() + " " + keyMode + " " + bodyKind)
                .method(method).path(path).body(method.equals("GET") || method.equals("HEAD") ? null : toSend.body());
        toSend.headers().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-type")) {
                probe.header(name, contentType.equals("(as sent)") ? value : contentType.isEmpty() ? null : contentType);
            } else if (!Set.of("content-length", "host", "connection", "expect", "upgrade").contains(lower)) {
                probe.header(name, value);
            }
        });
        if (!keyMode.equals("right")) {
            probe.mustNotSucceed();
        }
        return probe.build();
    }

    static byte[] body(byte[] sent, String kind, java.util.Random random) {
        return switch (kind) {
            case "changed" -> {
                byte[] b = sent.clone();
                if (b.length > 0) {
                    String odd = "{}[]\",:=&%\\0x";
                    b[random.nextInt(b.length)] = (byte) odd.charAt(random.nextInt(odd.length()));
                }
                yield b;
            }
            case "cut" -> Arrays.copyOf(sent, sent.length / 2);
            case "doubled" -> {
                byte[] b = Arrays.copyOf(sent, sent.length * 2);
                System.arraycopy(sent, 0, b, sent.length, sent.length);
                yield b;
            }
            case "empty" -> new byte[0];
            case "garbage" -> {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                yield b;
            }
            case "text" -> ("é\u0000\ud83d\ude00 " + random.nextInt()).getBytes(StandardCharsets.UTF_8);
            case "json" -> ("{\"type\":" + random.nextInt() + ",\"data\":{\"object\":[1e999," + "[".repeat(random.nextInt(500))
                    + "]".repeat(random.nextInt(500)) + "]}}").getBytes(StandardCharsets.UTF_8);
            case "form" -> ("a%5B1%5D=" + "x".repeat(random.nextInt(20_000)) + "&b=%zz&" + "c=1&".repeat(random.nextInt(2_000)))
                    .getBytes(StandardCharsets.UTF_8);
            default -> sent;
        };
    }
}
