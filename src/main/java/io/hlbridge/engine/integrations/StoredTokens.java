package io.hlbridge.engine.integrations;

import java.time.Instant;

/**
 * An integration's token chain as stored, decrypted in memory (null tokens when it never connected).
 * {@link #toString()} never shows the tokens.
 */
public record StoredTokens(String integrationId, String status, String statusReason, String accessToken,
                           String refreshToken, Instant expiresAt) {

    public boolean hasRefreshToken() {
        return refreshToken != null;
    }

    /** Connected with an access token that is still good at {@code instant}. */
    public boolean usableAt(Instant instant) {
        return Integration.CONNECTED.equals(status) && accessToken != null && expiresAt != null
                && expiresAt.isAfter(instant);
    }

    @Override
    public String toString() {
        return "StoredTokens[integrationId=" + integrationId + ", status=" + status + ", expiresAt=" + expiresAt + "]";
    }
}
