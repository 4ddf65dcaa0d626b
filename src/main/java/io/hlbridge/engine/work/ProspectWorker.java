package io.hlbridge.engine.work;

import io.hlbridge.engine.triggers.DueProspect;
import io.hlbridge.engine.triggers.ProspectSchedule;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Prospects whose delay has passed (a row with a due time, not a sleeping thread): each fires
 * {@code prospect.created}, or is logged suppressed when the customer bought meanwhile.
 */
public final class ProspectWorker {
    private final Jdbi jdbi;
    private final ProspectSchedule schedule;
    private final TriggerDispatch dispatch;
    private final Clock clock;

    public ProspectWorker(Jdbi jdbi, ProspectSchedule schedule, TriggerDispatch dispatch, Clock clock) {
        this.jdbi = jdbi;
        this.schedule = schedule;
        this.dispatch = dispatch;
        this.clock = clock;
    }

    /** Handles up to {@code limit} due prospects in one transaction; returns how many. */
    public int runDue(int limit) {
        return jdbi.inTransaction(h -> {
            List<DueProspect> due = schedule.claimDue(h, clock.instant(), limit);
            for (DueProspect p : due) {
                String name = h.createQuery("SELECT name FROM marketplace WHERE id = :m").bind("m", p.marketplaceId())
                        .mapTo(String.class).one();
                dispatch.dispatch(h, p.marketplaceId(), name, p.sourceWebhookId(), "prospect.created", List.of(p.trigger()));
            }
            return due.size();
        });
    }
}
