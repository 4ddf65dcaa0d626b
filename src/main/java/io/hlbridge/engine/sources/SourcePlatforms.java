package io.hlbridge.engine.sources;

import io.hlbridge.engine.sources.samcart.SamCartSource;
import io.hlbridge.engine.sources.shopify.ShopifySource;
import io.hlbridge.engine.sources.stripe.StripeSource;
import io.hlbridge.engine.sources.thrivecart.ThriveCartSource;
import io.hlbridge.engine.sources.woocommerce.WooCommerceSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The store platforms this engine receives webhooks from (PRODUCT.md §3a), by id. */
public final class SourcePlatforms {
    private final Map<String, SourcePlatform> byId = new LinkedHashMap<>();

    /** The five platforms of §3a, as the engine registers them. */
    public static SourcePlatforms standard(java.time.Clock clock) {
        return new SourcePlatforms(List.of(new SamCartSource(clock), new StripeSource(clock), new WooCommerceSource(clock),
                new ThriveCartSource(clock), new ShopifySource(clock)));
    }

    public SourcePlatforms(List<SourcePlatform> platforms) {
        platforms.forEach(p -> byId.put(p.id(), p));
    }

    public Optional<SourcePlatform> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    public Collection<SourcePlatform> all() {
        return byId.values();
    }
}
