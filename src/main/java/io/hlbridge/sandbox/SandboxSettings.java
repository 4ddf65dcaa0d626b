package io.hlbridge.sandbox;

import java.util.Objects;

/**
 * Immutable configuration of the HighLevel sandbox.
 *
 * <p>Defaults follow HighLevel's documented behaviour (highlevel-api-notes §1.2, §4): access tokens
 * live 86399 s, 100 requests per 10 000 ms and 200 000 per day per location, enforced.
 */
public record SandboxSettings(
        String clientId,
        String clientSecret,
        long accessTokenLifetimeSeconds,
        int rateLimitMax,
        long rateLimitIntervalMillis,
        long rateLimitDaily,
        boolean rateLimitEnforced,
        long latencyMillis) {

    public static final String DEFAULT_CLIENT_ID = "sandbox-client";
    public static final String DEFAULT_CLIENT_SECRET = "sandbox-secret";

    public SandboxSettings {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        if (accessTokenLifetimeSeconds <= 0) throw new IllegalArgumentException("accessTokenLifetimeSeconds must be > 0");
        if (rateLimitMax <= 0) throw new IllegalArgumentException("rateLimitMax must be > 0");
        if (rateLimitIntervalMillis <= 0) throw new IllegalArgumentException("rateLimitIntervalMillis must be > 0");
        if (rateLimitDaily <= 0) throw new IllegalArgumentException("rateLimitDaily must be > 0");
        if (latencyMillis < 0) throw new IllegalArgumentException("latencyMillis must be >= 0");
    }

    public static SandboxSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().clientId(clientId).clientSecret(clientSecret)
                .accessTokenLifetimeSeconds(accessTokenLifetimeSeconds)
                .rateLimit(rateLimitMax, rateLimitIntervalMillis).rateLimitDaily(rateLimitDaily)
                .rateLimitEnforced(rateLimitEnforced).latencyMillis(latencyMillis);
    }

    public static final class Builder {
        private String clientId = DEFAULT_CLIENT_ID;
        private String clientSecret = DEFAULT_CLIENT_SECRET;
        private long accessTokenLifetimeSeconds = 86399;
        private int rateLimitMax = 100;
        private long rateLimitIntervalMillis = 10_000;
        private long rateLimitDaily = 200_000;
        private boolean rateLimitEnforced = true;
        private long latencyMillis = 0;

        public Builder clientId(String v) { this.clientId = v; return this; }
        public Builder clientSecret(String v) { this.clientSecret = v; return this; }
        public Builder accessTokenLifetimeSeconds(long v) { this.accessTokenLifetimeSeconds = v; return this; }
        public Builder rateLimit(int max, long intervalMillis) {
            this.rateLimitMax = max;
            this.rateLimitIntervalMillis = intervalMillis;
            return this;
        }
        public Builder rateLimitDaily(long v) { this.rateLimitDaily = v; return this; }
        public Builder rateLimitEnforced(boolean v) { this.rateLimitEnforced = v; return this; }
        public Builder latencyMillis(long v) { this.latencyMillis = v; return this; }

        public SandboxSettings build() {
            return new SandboxSettings(clientId, clientSecret, accessTokenLifetimeSeconds, rateLimitMax,
                    rateLimitIntervalMillis, rateLimitDaily, rateLimitEnforced, latencyMillis);
        }
    }
}
