package io.hlbridge.engine.work;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.InflightRepository;

/**
 * Webhooks first. A store waits for its webhook's answer, and sends it again when it times out; an
 * accepted event's processing can wait. So while this replica's intake is saturated (at least
 * {@link #BUSY_AT} webhooks inside its routes at once), the inbox stage lets its turns pass and the
 * two cores go to accepting. It never lets them pass for longer than {@link #MAX_DEFERRAL}: under a
 * flood that lasts, a batch still goes through at that interval, and the rest is processed as soon as
 * the flood eases. bench/ingest: accepting alone costs ~0.8 ms of CPU per webhook (engine and
 * PostgreSQL), processing ~0.4 ms more.
 *
 * <p>This is a scheduling hint of one replica, not state: the events wait as pending rows, and the
 * other replicas' stages go on claiming them.
 */
public final class IntakeFirst {
    /** The routes a store's webhook is answered in (routes/webhooks.camel.yaml, routes/sources/receive.camel.yaml). */
    public static final List<String> WEBHOOK_ROUTES = List.of("receive-store-event", "receive-source-delivery");
    /** Webhooks in flight from which the intake counts as saturated (it serves them from 20 worker threads). */
    static final int BUSY_AT = 8;
    /** The longest the inbox stage lets its turns pass. */
    static final Duration MAX_DEFERRAL = Duration.ofMillis(500);

    private final IntSupplier webhooksInFlight;
    private final LongSupplier nanoTime;
    private final AtomicLong lastTurn;

    IntakeFirst(IntSupplier webhooksInFlight, LongSupplier nanoTime) {
        this.webhooksInFlight = webhooksInFlight;
        this.nanoTime = nanoTime;
        this.lastTurn = new AtomicLong(nanoTime.getAsLong());
    }

    /** Counts the webhooks in flight in the context's {@link #WEBHOOK_ROUTES}. */
    public static IntakeFirst of(CamelContext context) {
        InflightRepository inflight = context.getInflightRepository();
        return new IntakeFirst(() -> {
            int inFlight = 0;
            for (String route : WEBHOOK_ROUTES) {
                inFlight += inflight.size(route);
            }
            return inFlight;
        }, System::nanoTime);
    }

    /** Whether the inbox stage takes this turn: yes unless webhooks are waiting, and at least every {@link #MAX_DEFERRAL}. */
    public boolean inboxMayRun() {
        long now = nanoTime.getAsLong();
        if (webhooksInFlight.getAsInt() >= BUSY_AT && now - lastTurn.get() < MAX_DEFERRAL.toNanos()) {
            return false;
        }
        lastTurn.set(now);
        return true;
    }
}
