package io.hlbridge.engine.sources.samples;

import java.util.Map;

/**
 * Realistic deliveries of one store platform, built from the platform's documented shapes (not
 * copied files), for the tests, for {@code bench/send-source} and for merchants trying a source.
 * Uses the JDK only. Signing is written from each platform's documentation, apart from the engine's
 * verifying code, so a wrong scheme in the engine cannot pass its own tests.
 */
public interface SourceSamples {

    /** One of each platform's samples, in the order the console lists the platforms. */
    static java.util.List<SourceSamples> all() {
        return java.util.List.of(new SamCartSamples(), new StripeSamples(), new WooCommerceSamples(), new ThriveCartSamples(),
                new ShopifySamples());
    }

    /** The samples of {@code platform}, or null. */
    static SourceSamples of(String platform) {
        return all().stream().filter(s -> s.platform().equals(platform)).findFirst().orElse(null);
    }

    /** The platform id: {@code samcart}, {@code stripe}, {@code woocommerce}, {@code thrivecart}, {@code shopify}. */
    String platform();

    /**
     * One customer buying one product; every id of the samples (order, subscription, charge, refund,
     * checkout) is derived from {@code tag}, so a scenario's deliveries refer to each other.
     */
    record Buyer(String tag, String email, String firstName, String lastName, String productId, String productName,
                 long priceCents) {
    }

    /** A delivery as the platform sends it: its method, its headers (a Content-Type among them) and body. */
    record Sample(String method, Map<String, String> headers, byte[] body) {
    }

    /** The buyer's purchase of the product (for platforms with subscriptions: a one-off purchase). */
    Sample purchase(Buyer buyer);

    /** A refund of the whole purchase. */
    Sample fullRefund(Buyer buyer);

    /** A refund of part of the purchase (a third of the price), or null where the platform has none. */
    Sample partialRefund(Buyer buyer);

    /** The {@code chargeNumber}-th successful charge of the buyer's subscription (2 = the first renewal), or null. */
    Sample renewal(Buyer buyer, int chargeNumber);

    /** Failed attempt {@code attempt} (1, 2 …) of the buyer's next renewal, or null. */
    Sample failedRenewal(Buyer buyer, int attempt);

    /** The buyer's subscription canceled, or null where the platform has no subscriptions. */
    Sample cancellation(Buyer buyer);

    /** A checkout the buyer left without paying, or null where the platform reports none. */
    Sample abandonedCheckout(Buyer buyer);

    /** A delivery of a kind the engine does not use (answered 2xx, logged ignored). */
    Sample ignored(Buyer buyer);

    /** The set-up ping the platform sends when the webhook is added, or null where it sends none. */
    Sample ping();

    /**
     * The sample as the platform would sign it with {@code signingSecret} at {@code epochSeconds}
     * (headers added, or for ThriveCart the secret word put in the body). SamCart: unchanged.
     */
    Sample signed(Sample sample, String signingSecret, long epochSeconds);

    /** A signing secret of the platform's own form, for tests and demos. */
    String exampleSecret();
}
