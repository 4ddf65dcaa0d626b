package io.hlbridge.engine.work;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's action workers ({@code seda:action-workers}, route {@code perform-action} in
 * routes/deliver-actions.camel.yaml), as the inbox stage sees them when it hands the jobs it queues
 * straight to them ({@link InboxWorker#processBatch}). {@link #getAsInt} is how many workers are idle
 * now, less the jobs already waiting for one (at most {@link #MOST}, none once the engine is stopping):
 * a batch leases no more than that, so a handed-off job starts at once instead of queueing in this
 * replica's memory while another replica's workers may be idle. The count is a moment's reading: two
 * inbox turns and a claim may read the same idle workers, and the excess waits in the workers' queue
 * (64). {@link #take} never blocks the inbox stage: a job the queue refuses (others filled it meanwhile)
 * has its lease released at once and the action stage is woken, so the next claim takes it.
 */
public final class ActionWorkers implements IntSupplier {
    private static final Logger LOG = LoggerFactory.getLogger(ActionWorkers.class);
    /** As many as one claim takes (routes/deliver-actions.camel.yaml, {@code claimDue(32)}). */
    static final int MOST = 32;
    static final String WORKERS_ROUTE = "perform-action";

    private final CamelContext context;
    private final DataSource dataSource;
    private final BooleanSupplier stopping;
    private final Runnable claimWakeUp;

    /** {@code claimWakeUp}: wakes this replica's action stage (its claim), for the jobs refused. */
    public ActionWorkers(CamelContext context, DataSource dataSource, BooleanSupplier stopping, Runnable claimWakeUp) {
        this.context = context;
        this.dataSource = dataSource;
        this.stopping = stopping;
        this.claimWakeUp = claimWakeUp;
    }

    /** The idle workers less the jobs already waiting for one; 0 while stopping or before the route runs. */
    @Override
    public int getAsInt() {
        SedaEndpoint workers = workers();
        if (stopping.getAsBoolean() || workers == null) {
            return 0;
        }
        int busy = context.getInflightRepository().size(WORKERS_ROUTE);
        int idle = workers.getConcurrentConsumers() - busy - workers.getQueue().size();
        return Math.max(0, Math.min(MOST, idle));
    }

    /** Passes the jobs an inbox batch leased for the workers to them ({@link #take}). */
    public void takeHandedOff(InboxWorker.Processed batch) {
        take(batch.handedOff());
    }

    /** Passes leased jobs to the workers; those their queue refuses are handed back to the table at once, for a claim. */
    public void take(List<ActionJob> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        SedaEndpoint workers = workers();
        BlockingQueue<Exchange> queue = workers == null ? null : workers.getQueue();
        List<Long> refused = new ArrayList<>();
        for (ActionJob job : jobs) {
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(job);
            if (queue == null || !queue.offer(exchange)) {
                refused.add(job.id());
            }
        }
        if (!refused.isEmpty()) {
            release(refused);
            claimWakeUp.run();
        }
    }

    private void release(List<Long> ids) {
        try {
            ActionQueue.handBack(dataSource, ids);
        } catch (RuntimeException e) {
            // the database is gone: the leases run out by themselves and a claim takes the jobs then
            LOG.warn("could not hand back {} action(s) the workers had no room for ({}); they come back when their lease runs out",
                    ids.size(), e.getMessage());
        }
    }

    private SedaEndpoint workers() {
        Route route = context.getRoute(WORKERS_ROUTE);
        return route != null && route.getEndpoint() instanceof SedaEndpoint seda ? seda : null;
    }
}
