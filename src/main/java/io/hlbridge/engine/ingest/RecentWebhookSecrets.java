package io.hlbridge.engine.ingest;

import io.hlbridge.engine.marketplace.MarketplaceStore;
import io.hlbridge.engine.marketplace.MarketplaceStore.WebhookSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhook secrets of marketplaces whose webhooks arrived in the last few seconds, so a busy
 * marketplace's webhooks do not each wait for a SELECT of its secrets (the second-largest wait of the
 * request path). Only the current secret is used from here, never the previous one, whose grace period
 * may end or which another rotation may revoke: a signature the kept current secret does not verify is
 * checked against the secrets read afresh, so a secret rotated on another replica is never refused and
 * a revoked one never accepted because of this. The database stays the only state; this holds a read
 * for at most {@link #KEEP}.
 */
public final class RecentWebhookSecrets {
    static final Duration KEEP = Duration.ofSeconds(5);
    /** More marketplaces than this sending within a few seconds: start again rather than grow. */
    static final int MAX_KEPT = 20_000;

    private record Kept(WebhookSecrets secrets, Instant readAt) {
    }

    private final MarketplaceStore marketplaces;
    private final Clock clock;
    private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();

    public RecentWebhookSecrets(MarketplaceStore marketplaces, Clock clock) {
        this.marketplaces = marketplaces;
        this.clock = clock;
    }

    /**
     * The marketplace's current secret as read for its webhooks in the last few seconds, if any: only
     * the current one, which no rotation revokes at once (it becomes the previous secret, valid 24 hours).
     */
    public Optional<String> recentCurrent(String marketplaceId) {
        Kept k = kept.get(marketplaceId);
        return k != null && k.readAt().plus(KEEP).isAfter(clock.instant()) ? Optional.of(k.secrets().current()) : Optional.empty();
    }

    /** The secrets read from the database now (and kept for the next webhooks). */
    public Optional<List<String>> fresh(String marketplaceId) {
        Optional<WebhookSecrets> read = marketplaces.webhookSecretsAt(marketplaceId);
        Instant now = clock.instant();
        if (read.isEmpty()) {
            kept.remove(marketplaceId);
            return Optional.empty();
        }
        if (kept.size() >= MAX_KEPT) {
            kept.clear();
        }
        kept.put(marketplaceId, new Kept(read.get(), now));
        return Optional.of(read.get().usableAt(now));
    }
}
