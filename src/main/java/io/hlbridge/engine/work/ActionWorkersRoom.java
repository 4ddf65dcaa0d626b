package io.hlbridge.engine.work;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;

/**
 * How many new jobs this replica's action workers can take now: the room left in their hand-off queue
 * ({@code seda:action-workers}, routes/deliver-actions.camel.yaml), at most {@link #MOST} (a claim's
 * size), and none once the engine is stopping. The inbox stage hands that many of the jobs it queues
 * straight to them ({@link InboxWorker#processBatch}), so they never wait in this replica's memory
 * for room; the others wait as rows for a claim.
 */
public final class ActionWorkersRoom implements IntSupplier {
    /** As many as one claim takes (routes/deliver-actions.camel.yaml, {@code claimDue(32)}). */
    static final int MOST = 32;
    static final String WORKERS_ROUTE = "perform-action";

    private final CamelContext context;
    private final BooleanSupplier stopping;

    public ActionWorkersRoom(CamelContext context, BooleanSupplier stopping) {
        this.context = context;
        this.stopping = stopping;
    }

    @Override
    public int getAsInt() {
        if (stopping.getAsBoolean()) {
            return 0;
        }
        Route workers = context.getRoute(WORKERS_ROUTE);
        if (workers == null || !(workers.getEndpoint() instanceof SedaEndpoint seda)) {
            return 0;
        }
        return Math.min(MOST, seda.getQueue().remainingCapacity());
    }
}
