package io.hlbridge.engine.highlevel;

import java.time.Duration;

/**
 * What HighLevel's token endpoint grants: an access token, the refresh token that replaces the one
 * just used, their lifetime and the location they are for. {@link #toString()} never shows the tokens.
 */
public record TokenGrant(String accessToken, String refreshToken, Duration expiresIn, String scope,
                         String userType, String locationId, String companyId) {

    @Override
    public String toString() {
        return "TokenGrant[expiresIn=" + expiresIn + ", scope=" + scope + ", userType=" + userType
                + ", locationId=" + locationId + ", companyId=" + companyId + "]";
    }
}
