package io.hlbridge.engine.integrations;

import java.time.OffsetDateTime;

/** An integration as the API shows it (spec §6): no token in here, ever. */
public record Integration(String id, String marketplaceId, String name, String provider, String status,
                          String statusReason, String locationId, String locationName, String companyId, String scopes,
                          OffsetDateTime tokenExpiresAt, OffsetDateTime connectedAt, OffsetDateTime createdAt,
                          OffsetDateTime updatedAt) {
    public static final String PENDING = "pending";
    public static final String CONNECTED = "connected";
    public static final String NEEDS_RECONNECT = "needs_reconnect";
}
