package io.hlbridge.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe counters of what the sandbox saw; {@link #snapshot()} gives an immutable copy. */
public final class SandboxStats {

    /** Immutable copy of the counters. {@code requests} is keyed by "METHOD /route/{template}". */
    public record Snapshot(Map<String, Long> requests, Map<String, Long> tokenGrants, long rateLimited,
                           long faultsInjected, long connectionsDropped) {

        public long requests(String methodAndRoute) {
            return requests.getOrDefault(methodAndRoute, 0L);
        }

        /** Successful and failed token requests for a grant type ("authorization_code", "refresh_token"). */
        public long tokenRequests(String grantType) {
            return tokenGrants.getOrDefault(grantType, 0L);
        }

        /** Refresh-token grants that were requested (successful or not). */
        public long refreshes() {
            return tokenRequests("refresh_token");
        }

        public JsonObject toJson() {
            return new JsonObject()
                    .put("requests", new JsonObject(new TreeMap<>(requests)))
                    .put("tokenGrants", new JsonObject(new TreeMap<>(tokenGrants)))
                    .put("refreshes", refreshes())
                    .put("rateLimited", rateLimited)
                    .put("faultsInjected", faultsInjected)
                    .put("connectionsDropped", connectionsDropped);
        }
    }

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> tokenGrants = new ConcurrentHashMap<>();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong faultsInjected = new AtomicLong();
    private final AtomicLong connectionsDropped = new AtomicLong();

    void request(String methodAndRoute) {
        requests.computeIfAbsent(methodAndRoute, k -> new AtomicLong()).incrementAndGet();
    }

    void tokenRequest(String grantType) {
        tokenGrants.computeIfAbsent(grantType == null || grantType.isEmpty() ? "(none)" : grantType,
                k -> new AtomicLong()).incrementAndGet();
    }

    void rateLimited() {
        rateLimited.incrementAndGet();
    }

    void faultInjected(boolean dropped) {
        faultsInjected.incrementAndGet();
        if (dropped) {
            connectionsDropped.incrementAndGet();
        }
    }

    void reset() {
        requests.clear();
        tokenGrants.clear();
        rateLimited.set(0);
        faultsInjected.set(0);
        connectionsDropped.set(0);
    }

    public Snapshot snapshot() {
        return new Snapshot(copy(requests), copy(tokenGrants), rateLimited.get(), faultsInjected.get(),
                connectionsDropped.get());
    }

    private static Map<String, Long> copy(Map<String, AtomicLong> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return Map.copyOf(out);
    }
}
