package io.hlbridge.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.camel.CamelContext;

/**
 * The engine's own Prometheus counters (beside Camel's route metrics), on the registry Camel
 * exposes at {@code /observe/metrics}. Resolved on first use, once Camel has created it.
 */
public final class EngineMetrics {
    private final CamelContext context;
    private volatile MeterRegistry registry;

    public EngineMetrics(CamelContext context) {
        this.context = context;
    }

    public void count(String name, String... tags) {
        registry().counter(name, tags).increment();
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = context.getRegistry().findSingleByType(MeterRegistry.class);
            registry = r = (r != null ? r : Metrics.globalRegistry);
        }
        return r;
    }
}
