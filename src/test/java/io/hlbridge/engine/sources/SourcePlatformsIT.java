package io.hlbridge.engine.sources;

import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.sources.samples.SourceSamples;
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each store platform's own webhooks (PRODUCT.md §3a) end to end: a delivery as the platform sends it
 * (its samples, signed by the samples' own implementation of the platform's scheme) goes through the
 * source's URL, the platform's route, the inbox and the rules into HighLevel (the sandbox, behind a
 * recording proxy). Every scenario checks the triggers fired and the HighLevel calls made.
 */
class SourcePlatformsIT {
    static HighLevelHarness highLevel;
    static EngineUnderTest engine;
    static final Map<String, Shop> SHOPS = new ConcurrentHashMap<>();
    static final AtomicInteger BUYERS = new AtomicInteger();
    /** Each trigger's rule adds a tag named after it, so a contact's tags say which triggers reached HighLevel. */
    static final List<String> TRIGGERS = List.of("product.purchased", "product.refunded", "product.partially_refunded",
            "subscription.charged", "subscription.charge_failed", "subscription.delinquent", "subscription.canceled",
            "prospect.created");

    record Shop(Marketplace marketplace, String sourceId, String webhookUrl, String secret) {
    }

    @BeforeAll
    static void start() {
        highLevel = new HighLevelHarness();
        Map<String, String> env = new java.util.HashMap<>(highLevel.engineEnvironment());
        env.put("ENGINE_PROSPECT_DELAY", "PT2S");
        engine = EngineUnderTest.start(env);
    }

    @AfterAll
    static void stop() {
        engine.close();
        highLevel.close();
    }

    static Stream<SourceSamples> platforms() {
        return SourceSamples.all().stream();
    }

    /** A marketplace per platform with a connected integration, one global add_tags rule per trigger, and a source. */
    static Shop shop(SourceSamples samples) {
        return SHOPS.computeIfAbsent(samples.platform(), p -> {
            Marketplace m = Marketplace.create(engine, "Shop on " + p);
            String integrationId = highLevel.connect(engine, m.id(), m.apiKey(), "HL " + p).path("id").asText();
            for (String trigger : TRIGGERS) {
                m.rule("""
                        {"scope":"global","trigger":"%s","integration_id":"%s","action":"add_tags","tags":["%s"]}"""
                        .formatted(trigger, integrationId, trigger));
            }
            boolean signs = platformSigns(m, p);
            String secret = signs ? samples.exampleSecret() : null;
            HttpResponse<String> created = m.call("POST", "/sources", Json.write(Json.object().put("platform", p)
                    .put("name", "My " + p + " store").put("signing_secret", secret)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode source = Json.read(created.body());
            return new Shop(m, source.path("id").asText(), source.path("webhook_url").asText(), secret);
        });
    }

    static boolean platformSigns(Marketplace m, String platform) {
        JsonNode items = Json.read(engine.send("GET", "/api/v1/platforms", m.apiKey(), null).body()).path("items");
        for (JsonNode item : items) {
            if (item.path("id").asText().equals(platform)) {
                return item.path("signs").asBoolean();
            }
        }
        throw new AssertionError("platform not listed: " + platform);
    }

    static Buyer buyer(SourceSamples samples) {
        int n = BUYERS.incrementAndGet();
        String tag = samples.platform().substring(0, 3) + n + "x" + Long.toString(System.nanoTime() % 100_000, 36);
        return new Buyer(tag, "buyer" + n + "." + samples.platform() + "@example.com", "Ada", "Lovelace" + n,
                "prod" + n, "Course " + n, 9_900);
    }

    /** Sends a sample, signed with the source's secret now, to the source's URL (or another URL). */
    static HttpResponse<String> send(Shop shop, SourceSamples samples, Sample sample, String secret, String url) {
        Sample signed = secret == null ? sample : samples.signed(sample, secret, Instant.now().getEpochSecond());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        signed.headers().forEach((name, value) -> {
            if (!Set.of("content-length", "host", "connection", "expect", "upgrade").contains(name.toLowerCase())) {
                request.header(name, value);
            }
        });
        request.method(signed.method(), signed.body().length == 0 && signed.method().equals("HEAD")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(signed.body()));
        return engine.send(request.build());
    }

    static HttpResponse<String> deliver(Shop shop, SourceSamples samples, Sample sample) {
        HttpResponse<String> r = send(shop, samples, sample, shop.secret(), shop.webhookUrl());
        assertThat(r.statusCode()).as("%s: %s", samples.platform(), r.body()).isBetween(200, 299);
        return r;
    }

    /** Waits until the buyer's fired triggers are exactly {@code expected} and every action has succeeded. */
    static void awaitOutcome(Shop shop, Buyer b, String... expected) {
        Marketplace m = shop.marketplace();
        List<String> fired = new ArrayList<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(150)).until(() -> {
                fired.clear();
                JsonNode triggers = m.logs("kind=trigger&status=fired&limit=200&q=" + b.email()).path("items");
                triggers.forEach(t -> fired.add(t.path("trigger").asText()));
                JsonNode actions = m.logs("kind=action&limit=200&q=" + b.email()).path("items");
                return fired.size() == expected.length && actions.size() == expected.length
                        && StreamSupport.stream(actions.spliterator(), false).allMatch(status("succeeded"));
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("fired " + fired + ", expected " + List.of(expected), e);
        }
        assertThat(fired).containsExactlyInAnyOrder(expected);
        // in HighLevel: the contact carries each fired trigger's tag, put there by the calls of spec §5 (the samples
        // give every buyer the same phone, and HighLevel's upsert finds a contact by its phone too: one contact may
        // carry other buyers' tags as well; the log above says exactly which triggers this buyer fired)
        assertThat(highLevel.contact(b.email()).getJsonArray("tags").getList()).contains((Object[]) expected);
        JsonNode first = m.logs("kind=action&limit=200&q=" + b.email()).path("items");
        JsonNode oldest = first.get(first.size() - 1);
        assertThat(oldest.path("calls").get(0).path("path").asText()).isEqualTo("/contacts/upsert");
        assertThat(oldest.path("calls").get(oldest.path("calls").size() - 1).path("path").asText()).endsWith("/tags");
    }

    static String key(Shop shop) {
        return shop.webhookUrl().substring(shop.webhookUrl().lastIndexOf('/') + 1);
    }

    /** The event entries of this source, newest first. */
    static JsonNode sourceEntries(Shop shop, String query) {
        return shop.marketplace().logs("kind=event&source_id=" + shop.sourceId() + (query.isEmpty() ? "" : "&" + query)).path("items");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void purchase_firesProductPurchased_andItsRetryFiresNothing(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample purchase = samples.purchase(b);
        JsonNode ack = Json.read(deliver(shop, samples, purchase).body());
        assertThat(ack.path("status").asText()).isEqualTo("accepted");
        awaitOutcome(shop, b, "product.purchased");
        JsonNode entry = sourceEntries(shop, "q=" + b.email()).get(0);
        assertThat(entry.path("platform").asText()).isEqualTo(samples.platform());
        assertThat(entry.path("platform_event_type").asText()).isNotBlank();
        assertThat(entry.path("event_type").asText()).isEqualTo("order.completed");

        // the platform retries the same delivery: acknowledged, nothing fires again
        JsonNode again = Json.read(deliver(shop, samples, purchase).body());
        assertThat(again.path("status").asText()).isEqualTo("duplicate");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sourceEntries(shop, "status=duplicate&q=" + b.email()).size() >= 1);
        awaitOutcome(shop, b, "product.purchased");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void fullRefund_firesProductRefunded(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        deliver(shop, samples, samples.purchase(b));
        awaitOutcome(shop, b, "product.purchased");
        deliver(shop, samples, samples.fullRefund(b));
        awaitOutcome(shop, b, "product.purchased", "product.refunded");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void partialRefund_firesProductPartiallyRefunded(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample partial = samples.partialRefund(b);
        assumeTrue(partial != null, samples.platform() + " has no partial refunds");
        deliver(shop, samples, samples.purchase(b));
        awaitOutcome(shop, b, "product.purchased");
        deliver(shop, samples, partial);
        awaitOutcome(shop, b, "product.purchased", "product.partially_refunded");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void renewal_firesSubscriptionCharged(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample renewal = samples.renewal(b, 2);
        assumeTrue(renewal != null, samples.platform() + " reports no renewals");
        deliver(shop, samples, renewal);
        awaitOutcome(shop, b, "subscription.charged");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void failedRenewals_countTowardDunning_theFourthIsDelinquentAndCanceled(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        assumeTrue(samples.failedRenewal(b, 1) != null, samples.platform() + " reports no failed renewals");
        deliver(shop, samples, samples.failedRenewal(b, 1));
        awaitOutcome(shop, b, "subscription.charge_failed");
        for (int attempt = 2; attempt <= 4; attempt++) {
            deliver(shop, samples, samples.failedRenewal(b, attempt));
        }
        awaitOutcome(shop, b, "subscription.charge_failed", "subscription.delinquent", "subscription.canceled");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void cancellation_firesSubscriptionCanceled(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample cancellation = samples.cancellation(b);
        assumeTrue(cancellation != null, samples.platform() + " reports no cancellations");
        deliver(shop, samples, cancellation);
        awaitOutcome(shop, b, "subscription.canceled");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void abandonedCheckout_becomesAProspectAfterTheDelay(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample abandoned = samples.abandonedCheckout(b);
        assumeTrue(abandoned != null, samples.platform() + " reports no abandoned checkouts");
        deliver(shop, samples, abandoned);
        awaitOutcome(shop, b, "prospect.created");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void anEventTypeWeDoNotUse_isAnswered2xxAndLoggedIgnored(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        JsonNode ack = Json.read(deliver(shop, samples, samples.ignored(b)).body());
        assertThat(ack.path("status").asText()).isEqualTo("ignored");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sourceEntries(shop, "status=ignored").size() > 0);
        JsonNode entry = sourceEntries(shop, "status=ignored").get(0);
        assertThat(entry.path("platform").asText()).isEqualTo(samples.platform());
        assertThat(entry.path("platform_event_type").asText()).isNotBlank();
        assertThat(entry.path("message").asText()).isNotBlank();
        assertThat(shop.marketplace().logs("kind=trigger&q=" + b.email()).path("items").size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void aDeliveryThatAuthenticatesButCannotBeTranslated_isLoggedRejectedWithTheReason_neverA5xx(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample purchase = samples.purchase(b);
        String body = new String(purchase.body(), java.nio.charset.StandardCharsets.UTF_8)
                .replace(b.email(), "").replace(java.net.URLEncoder.encode(b.email(), java.nio.charset.StandardCharsets.UTF_8), "");
        Sample withoutEmail = new Sample(purchase.method(), purchase.headers(), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> r = send(shop, samples, withoutEmail, shop.secret(), shop.webhookUrl());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
        if (r.statusCode() == 400) {
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sourceEntries(shop, "status=rejected").size() > 0);
        JsonNode entry = sourceEntries(shop, "status=rejected").get(0);
        assertThat(entry.path("message").asText()).containsIgnoringCase("email");
        assertThat(entry.path("platform").asText()).isEqualTo(samples.platform());
        String everything = shop.marketplace().logs("limit=200").toString();
        assertThat(everything).doesNotContain(shop.webhookUrl().substring(shop.webhookUrl().lastIndexOf('/') + 1));
        if (shop.secret() != null) {
            assertThat(everything).doesNotContain(shop.secret());
        }
    }

    /** A ThriveCart order with bumps and upsells on payment plans has hundreds of form fields, some long. */
    @org.junit.jupiter.api.Test
    void aFormOfManyFieldsIsTakenAsSent_notCutByTheServersFormLimits() {
        SourceSamples samples = SourceSamples.of("thrivecart");
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        Sample purchase = samples.purchase(b);
        StringBuilder padded = new StringBuilder(new String(purchase.body(), java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < 400; i++) {
            padded.append("&order%5Bfuture_charges%5D%5B").append(i).append("%5D%5Bamount%5D=").append(i);
        }
        padded.append("&order%5Bnote%5D=").append("n".repeat(10_000));
        deliver(shop, samples, new Sample(purchase.method(), purchase.headers(),
                padded.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        awaitOutcome(shop, b, "product.purchased");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void aBadSignatureIs401_notLogged_andNothingHappens(SourceSamples samples) {
        Shop shop = shop(samples);
        assumeTrue(shop.secret() != null, samples.platform() + " signs nothing: the URL key is its only credential");
        Buyer b = buyer(samples);
        HttpResponse<String> r = send(shop, samples, samples.purchase(b), samples.exampleSecret() + "x", shop.webhookUrl());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).doesNotContain(shop.secret()).doesNotContain(key(shop)).contains("/sources/" + shop.sourceId() + "/…");
        // unsigned, too
        HttpResponse<String> unsigned = send(shop, samples, samples.purchase(b), null, shop.webhookUrl());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(shop.marketplace().logs("q=" + b.email()).path("items").size()).isZero();
        // counted on the source instead, for the console's Store connections page
        JsonNode source = Json.read(shop.marketplace().call("GET", "/sources/" + shop.sourceId(), null).body());
        assertThat(source.path("refused_count").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(source.path("last_refused_at").isNull()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void aBadKeyIs401_anUnknownSource404_andNeitherIsLogged(SourceSamples samples) {
        Shop shop = shop(samples);
        Buyer b = buyer(samples);
        String url = shop.webhookUrl();
        String wrongKey = url.substring(0, url.lastIndexOf('/') + 1) + "k".repeat(32);
        assertThat(send(shop, samples, samples.purchase(b), shop.secret(), wrongKey).statusCode()).isEqualTo(401);
        String unknown = url.replace(shop.sourceId(), "src_doesnotexist");
        assertThat(send(shop, samples, samples.purchase(b), shop.secret(), unknown).statusCode()).isEqualTo(404);
        assertThat(shop.marketplace().logs("q=" + b.email()).path("items").size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void setUpPings_andAHead_areAnswered200AndLoggedAsPings(SourceSamples samples) {
        Shop shop = shop(samples);
        HttpResponse<String> head = engine.send(HttpRequest.newBuilder(URI.create(shop.webhookUrl()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        Sample ping = samples.ping();
        if (ping != null) {
            HttpResponse<String> r = send(shop, samples, ping, null, shop.webhookUrl());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sourceEntries(shop, "status=ping").size() >= (ping == null ? 1 : 2));
        JsonNode source = Json.read(shop.marketplace().call("GET", "/sources/" + shop.sourceId(), null).body());
        assertThat(source.path("last_event_at").isNull()).isFalse();
    }
}
