package io.hlbridge.engine.highlevel;

import io.hlbridge.engine.crypto.Tokens;
import io.hlbridge.engine.integrations.Integration;
import io.hlbridge.engine.integrations.IntegrationStore;
import io.hlbridge.engine.integrations.StoredTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens for HighLevel calls, and the one place that spends refresh tokens (spec §6).
 *
 * <p>HighLevel's refresh tokens are single-use and a lost chain cannot be recovered, so every refresh
 * runs in one database transaction: lock the integration's row ({@code SELECT … FOR NO KEY UPDATE}), re-read
 * the tokens under that lock, decide whether a refresh is still needed (another replica may have done
 * it while this one waited), call the token endpoint, save the new pair, commit. The row lock is what
 * serializes replicas; the re-read is what keeps a waiter from spending a refresh token that was
 * already spent.
 *
 * <p>A refused refresh (4xx from the token endpoint, e.g. {@code invalid_grant}) marks the integration
 * {@code needs_reconnect} and throws {@link IntegrationNeedsReconnect}; a transient failure (5xx,
 * 429, timeout) throws {@link HighLevelUnavailable} and changes nothing.
 */
public final class HighLevelTokens {
    private static final Logger LOG = LoggerFactory.getLogger(HighLevelTokens.class);

    /** A token that expires within this is refreshed before it is handed out. */
    public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    /** The timer refreshes connected integrations whose token expires within this. */
    public static final Duration TIMER_HORIZON = Duration.ofMinutes(10);
    /** At most this many refreshes per timer run; the next run carries on. */
    public static final int TIMER_BATCH = 100;

    private final IntegrationStore store;
    private final HighLevelOAuthClient client;
    private final Clock clock;

    public HighLevelTokens(IntegrationStore store, HighLevelOAuthClient client, Clock clock) {
        this.store = store;
        this.client = client;
        this.clock = clock;
    }

    /**
     * A valid access token for the integration, refreshed first when it expires within
     * {@link #REFRESH_MARGIN}. If the refresh fails transiently while the current token is still
     * valid, the current token is returned.
     *
     * @throws IntegrationNeedsReconnect when the integration is pending or its chain is dead
     * @throws HighLevelUnavailable      when a needed refresh failed transiently
     * @throws UnknownIntegration        when there is no such integration
     */
    public String accessToken(String integrationId) {
        StoredTokens current = store.jdbi().withHandle(h -> store.readTokens(h, integrationId))
                .orElseThrow(() -> new UnknownIntegration(integrationId));
        if (current.usableAt(clock.instant().plus(REFRESH_MARGIN))) {
            return current.accessToken();
        }
        requireConnected(current);
        try {
            return underLock(integrationId, false, stored -> !stored.usableAt(clock.instant().plus(REFRESH_MARGIN)))
                    .accessToken();
        } catch (HighLevelUnavailable e) {
            if (current.usableAt(clock.instant())) {
                LOG.warn("Could not refresh the HighLevel token of {} ahead of its expiry ({}); using the current one",
                        integrationId, e.getMessage());
                return current.accessToken();
            }
            throw e;
        }
    }

    /**
     * The access token read along with a claimed action ({@code sealed}, expiring at
     * {@code expiresAt}) when it is good for longer than the refresh margin; otherwise as
     * {@link #accessToken(String)}, which reads the row again and refreshes if need be.
     */
    public String accessToken(String integrationId, String sealed, Instant expiresAt) {
        if (sealed != null && expiresAt != null && expiresAt.isAfter(clock.instant().plus(REFRESH_MARGIN))) {
            return store.openAccessToken(integrationId, sealed);
        }
        return accessToken(integrationId);
    }

    /**
     * Called after HighLevel answered 401 to {@code rejectedAccessToken}: refreshes, unless another
     * caller already replaced that token, in which case the newer token is returned.
     */
    public String refreshAfterUnauthorized(String integrationId, String rejectedAccessToken) {
        return underLock(integrationId, false, stored -> stored.accessToken() == null
                || Tokens.constantTimeEquals(stored.accessToken(), rejectedAccessToken)
                || !stored.usableAt(clock.instant().plus(REFRESH_MARGIN)))
                .accessToken();
    }

    /**
     * Refreshes now, whatever the expiry (the API's "Refresh" button). A {@code needs_reconnect}
     * integration is tried again too: if HighLevel accepts its refresh token after all (say the
     * location was re-activated), it is connected again.
     *
     * @return the new expiry; empty when the integration has never been connected (nothing to refresh)
     */
    public Optional<Instant> refreshNow(String integrationId) {
        StoredTokens current = store.jdbi().withHandle(h -> store.readTokens(h, integrationId))
                .orElseThrow(() -> new UnknownIntegration(integrationId));
        if (!current.hasRefreshToken()) {
            return Optional.empty();
        }
        return Optional.of(underLock(integrationId, true, stored -> true).expiresAt());
    }

    /**
     * One run of the refresh timer: refreshes connected integrations whose token expires within
     * {@link #TIMER_HORIZON}, one locked row at a time, skipping rows other replicas hold
     * ({@code FOR NO KEY UPDATE SKIP LOCKED}), so replicas share the work.
     *
     * @return how many were refreshed
     */
    public int refreshExpiring() {
        Set<String> attempted = new HashSet<>();
        int refreshed = 0;
        for (int i = 0; i < TIMER_BATCH; i++) {
            Optional<Outcome> outcome = store.jdbi().inTransaction(h -> {
                Optional<StoredTokens> claimed = store.claimExpiring(h, clock.instant().plus(TIMER_HORIZON), attempted);
                if (claimed.isEmpty()) {
                    return Optional.empty();
                }
                attempted.add(claimed.get().integrationId());
                try {
                    return Optional.of(refresh(h, claimed.get()));
                } catch (HighLevelUnavailable e) {
                    LOG.warn("Could not refresh the HighLevel token of {}, will try again: {}",
                            claimed.get().integrationId(), e.getMessage());
                    return Optional.of(Outcome.TRANSIENT);
                }
            });
            if (outcome.isEmpty()) {
                break;
            }
            if (outcome.get().tokens() != null) {
                refreshed++;
            }
        }
        return refreshed;
    }

    /** What a locked decision came to: tokens to use, or the reason the chain is dead. */
    private record Outcome(StoredTokens tokens, String status, String deadReason) {
        static final Outcome TRANSIENT = new Outcome(null, null, null);

        static Outcome ok(StoredTokens tokens) {
            return new Outcome(tokens, Integration.CONNECTED, null);
        }

        static Outcome dead(String status, String reason) {
            return new Outcome(null, status, reason);
        }
    }

    private StoredTokens underLock(String integrationId, boolean retryDead, Predicate<StoredTokens> needsRefresh) {
        Outcome outcome = store.jdbi().inTransaction(h -> {
            StoredTokens stored = store.lockTokens(h, integrationId)
                    .orElseThrow(() -> new UnknownIntegration(integrationId));
            if (!stored.hasRefreshToken()) {
                return Outcome.dead(stored.status(), "it has not been connected yet; connect it with OAuth");
            }
            if (Integration.NEEDS_RECONNECT.equals(stored.status()) && !retryDead) {
                return Outcome.dead(stored.status(), stored.statusReason());
            }
            if (Integration.CONNECTED.equals(stored.status()) && !needsRefresh.test(stored)) {
                return Outcome.ok(stored);
            }
            return refresh(h, stored);
        });
        if (outcome.tokens() == null) {
            throw new IntegrationNeedsReconnect(integrationId, outcome.status(), outcome.deadReason());
        }
        return outcome.tokens();
    }

    /** Spends the stored refresh token; the caller holds the row lock and commits what this saves. */
    private Outcome refresh(Handle h, StoredTokens stored) {
        String id = stored.integrationId();
        TokenGrant grant;
        try {
            grant = client.refresh(stored.refreshToken());
        } catch (TokenRequestRejected e) {
            String reason = "HighLevel refused the refresh token (" + e.getMessage()
                    + "); reconnect the integration with OAuth";
            store.markNeedsReconnect(h, id, reason);
            LOG.warn("HighLevel integration {} needs to be reconnected: {}", id, reason);
            return Outcome.dead(Integration.NEEDS_RECONNECT, reason);
        }
        Instant now = clock.instant();
        store.saveGrant(h, id, grant, now, false);
        if (!Integration.CONNECTED.equals(stored.status())) {
            store.listener().connected(h, id);
        }
        Instant expiresAt = now.plus(grant.expiresIn());
        LOG.info("Refreshed the HighLevel token of {} (new one expires at {})", id, expiresAt);
        return Outcome.ok(new StoredTokens(id, Integration.CONNECTED, null, grant.accessToken(), grant.refreshToken(),
                expiresAt));
    }

    private static void requireConnected(StoredTokens current) {
        if (!current.hasRefreshToken()) {
            throw new IntegrationNeedsReconnect(current.integrationId(), current.status(),
                    "it has not been connected yet; connect it with OAuth");
        }
        if (Integration.NEEDS_RECONNECT.equals(current.status())) {
            throw new IntegrationNeedsReconnect(current.integrationId(), current.status(), current.statusReason());
        }
    }
}
