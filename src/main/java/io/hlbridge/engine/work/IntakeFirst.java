package io.hlbridge.engine.work;

import com.sun.management.OperatingSystemMXBean;
import io.hlbridge.engine.EngineMetrics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.InflightRepository;

/**
 * Webhooks first. A store waits for its webhook's answer (Shopify 5 s, then it retries; WooCommerce
 * disables a webhook after 5 failed deliveries in a row); an accepted event's processing can wait. So
 * while this replica's intake is saturated, the inbox stage lets its turns pass and the cores go to
 * accepting. Saturated means both: at least {@link #BUSY_AT}
 * webhooks inside its routes at once, and the machine's CPU at least {@link #CPU_BUSY} busy (many
 * webhooks in flight on an idle CPU are waiting for the database's disk, and processing would take
 * nothing from them). It never lets its turns pass for longer than {@link #MAX_DEFERRAL}: under a flood
 * that lasts, a batch still goes through at that interval, and the rest is processed as soon as the
 * CPU has room again. bench/ingest: accepting costs ~0.7-0.9 ms of CPU per webhook (engine and
 * PostgreSQL) and processing ~0.3-0.5 ms more, whenever it runs; with this, a burst on two cores was
 * accepted at 2,020-2,699/s instead of 1,551-1,889/s (docs/performance.md).
 *
 * <p>This is a scheduling hint of one replica, not state: the events wait as pending rows, and the
 * other replicas' stages go on claiming them.
 */
public final class IntakeFirst {
    /** The routes a store's webhook is answered in (routes/webhooks.camel.yaml, routes/sources/receive.camel.yaml). */
    public static final List<String> WEBHOOK_ROUTES = List.of("receive-store-event", "receive-source-delivery");
    /** Webhooks in flight from which the intake counts as saturated (it serves them from 20 worker threads). */
    static final int BUSY_AT = 8;
    /** The machine's recent CPU use (0-1) from which the intake may be CPU-bound. */
    static final double CPU_BUSY = 0.9;
    /** The longest the inbox stage lets its turns pass. */
    static final Duration MAX_DEFERRAL = Duration.ofMillis(500);
    /**
     * How long a saturation seen holds. The webhooks in flight come and go by the millisecond: a request
     * waiting for one of the 20 worker threads is not in its route yet, so a flooded intake is seen with
     * 0-20 in flight from one turn to the next.
     */
    static final Duration SATURATION_HOLD = Duration.ofMillis(100);
    /** How long a reading of the CPU's use is reused (the JVM measures it from one reading to the next). */
    static final Duration CPU_READING = Duration.ofMillis(100);

    private final IntSupplier webhooksInFlight;
    private final DoubleSupplier cpuLoad;
    private final LongSupplier nanoTime;
    private final Runnable onDeferred;
    private final AtomicLong lastTurn;
    private volatile long saturatedAt;
    private volatile long cpuReadAt;
    private volatile boolean cpuBusy;

    IntakeFirst(IntSupplier webhooksInFlight, DoubleSupplier cpuLoad, LongSupplier nanoTime, Runnable onDeferred) {
        this.webhooksInFlight = webhooksInFlight;
        this.cpuLoad = cpuLoad;
        this.nanoTime = nanoTime;
        this.onDeferred = onDeferred;
        this.lastTurn = new AtomicLong(nanoTime.getAsLong());
        this.cpuReadAt = nanoTime.getAsLong() - CPU_READING.toNanos();
        this.saturatedAt = nanoTime.getAsLong() - SATURATION_HOLD.toNanos();
    }

    /**
     * Counts the webhooks in flight in the context's {@link #WEBHOOK_ROUTES}; the CPU's use as the JVM
     * reads it; each turn let pass in {@code engine_inbox_turns_deferred_total}.
     */
    public static IntakeFirst of(CamelContext context, EngineMetrics metrics) {
        InflightRepository inflight = context.getInflightRepository();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new IntakeFirst(() -> {
            int inFlight = 0;
            for (String route : WEBHOOK_ROUTES) {
                inFlight += inflight.size(route);
            }
            return inFlight;
        }, os::getCpuLoad, System::nanoTime, () -> metrics.count("engine_inbox_turns_deferred_total"));
    }

    /** Whether the inbox stage takes this turn: yes unless the intake is saturated, and at least every {@link #MAX_DEFERRAL}. */
    public boolean inboxMayRun() {
        long now = nanoTime.getAsLong();
        if (webhooksInFlight() >= BUSY_AT && cpuBusy(now)) {
            saturatedAt = now;
        }
        if (now - lastTurn.get() < MAX_DEFERRAL.toNanos() && now - saturatedAt < SATURATION_HOLD.toNanos()) {
            onDeferred.run();
            return false;
        }
        lastTurn.set(now);
        return true;
    }

    /** The webhooks inside their routes on this replica now. */
    public int webhooksInFlight() {
        return webhooksInFlight.getAsInt();
    }

    private boolean cpuBusy(long now) {
        if (now - cpuReadAt >= CPU_READING.toNanos()) {
            cpuBusy = cpuLoad.getAsDouble() >= CPU_BUSY; // negative when the JVM cannot tell: not busy
            cpuReadAt = now;
        }
        return cpuBusy;
    }
}
