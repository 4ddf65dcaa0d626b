package io.hlbridge.engine.work;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code SIGTERM} does (spec §9), from the moment Camel starts stopping: readiness goes down,
 * new requests are answered 503 with {@code Retry-After} (by the HTTP server, before any route:
 * {@link io.hlbridge.engine.api.HttpFallbacks}), and no action is started any more. Camel's
 * graceful shutdown then stops the timers (nothing more is claimed) and lets what runs finish: the
 * HighLevel calls in flight, for up to {@code camel.main.shutdown-timeout}. The jobs claimed (or handed
 * off by an inbox batch) but not started — those waiting in {@code seda:action-workers} — are handed
 * back as the workers reach them: their lease is released, so another replica takes them at once
 * instead of after {@link ActionQueue#LEASE_SECONDS}.
 */
public final class ShutdownSequence extends SimpleEventNotifierSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

    private final DataSource dataSource;
    private final AtomicInteger handedBack = new AtomicInteger();
    private volatile boolean stopping;

    public ShutdownSequence(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.CamelContextStoppingEvent && !stopping) {
            stopping = true;
            LOG.info("Shutting down: not ready, new webhooks get 503, actions in flight finish, claimed actions are handed back");
        } else if (event instanceof CamelEvent.CamelContextStoppedEvent && stopping) {
            LOG.info("Shut down; {} claimed action(s) handed back to the queue", handedBack.get());
        }
    }

    /** True once the engine has begun to stop. */
    public boolean isStopping() {
        return stopping;
    }

    /** The body is a claimed or handed-off job this replica will not start: its lease is released, for any replica to take now. */
    public void handBack(Exchange exchange) {
        ActionJob job = exchange.getMessage().getBody(ActionJob.class);
        try {
            ActionQueue.handBack(dataSource, List.of(job.id()));
            handedBack.incrementAndGet();
        } catch (RuntimeException e) {
            // the database is gone too: the lease runs out by itself and another replica takes the job then
            LOG.warn("could not hand back action {} ({}); it comes back when its lease runs out", job.logId(), e.getMessage());
        }
    }
}
