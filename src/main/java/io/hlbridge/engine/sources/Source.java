package io.hlbridge.engine.sources;

/**
 * A source as the intake sees it for one delivery: its marketplace, platform and the signing secret
 * opened for this request only (never logged, never answered).
 */
public record Source(String id, String marketplaceId, String platform, String name, String signingSecret) {
    @Override
    public String toString() {
        return "Source[" + id + ", " + platform + "]";
    }
}
