package io.hlbridge.engine.work;

import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.TriggerDeriver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes accepted store events. A claim takes at most one event per customer: only the oldest
 * pending event of each ordering key is eligible, so one customer's events are processed in the order
 * they were accepted, whatever the number of replicas. {@link #processBatch} claims, derives the
 * triggers and queues their actions for a whole batch in one transaction; {@link #claim} and
 * {@link #process} do the same one event per transaction, its fallback when an event fails.
 */
public final class InboxWorker {
    public static final int LEASE_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(InboxWorker.class);

    /**
     * The oldest pending event of each customer, up to {@code limit}, locked ({@code FOR UPDATE SKIP
     * LOCKED}) for the caller's transaction. "Oldest of its customer" is a scalar subquery, so it is
     * always one probe of the pending index per candidate: written as {@code NOT EXISTS}, the planner
     * turned it into an anti-join that compared every candidate with every pending event once its
     * statistics still counted a few dozen pending (after a quiet spell, then a burst: 70-120 ms a
     * claim, bench/ingest). {@code %d} is the limit, the first {@code %s} what to set on them. The transaction
     * commits without waiting for the disk ({@link Sql#ASYNC_COMMIT}): if the database loses it, the
     * events are pending again and processed anew, their triggers and jobs with them.
     */
    private static final String CLAIM = """
            WITH heads AS (
                SELECT e.id FROM inbox_event e
                 WHERE e.status = 'pending' AND (e.lease_until IS NULL OR e.lease_until < now())
                   AND e.id = (SELECT min(p.id) FROM inbox_event p
                                WHERE p.status = 'pending' AND p.marketplace_id = e.marketplace_id
                                  AND p.ordering_key = e.ordering_key)
                 ORDER BY e.id
                 LIMIT %d
                 FOR UPDATE SKIP LOCKED)
            UPDATE inbox_event e SET %s
              FROM heads, marketplace m, %s
             WHERE e.id = heads.id AND m.id = e.marketplace_id
            RETURNING e.id, e.marketplace_id, e.webhook_id, e.event_type, e.payload::text, e.received_at, m.name""";

    /**
     * The claim that marks the events done, for a batch of {@code limit}. Limit and lease are written
     * into the statement, not bound (see ActionQueue.claimDue): without parameters it is planned once per
     * connection, where bound ones were planned anew at every call in some runs (bench/deliver, half
     * the claim's database time).
     */
    static String claimAndComplete(int limit) {
        return CLAIM.formatted(limit, "status = 'done', processed_at = now(), lease_until = NULL", Sql.ASYNC_COMMIT);
    }

    private static String claimWithLease(int limit) {
        return CLAIM.formatted(limit, "lease_until = now() + make_interval(secs => " + LEASE_SECONDS + ")", Sql.ASYNC_COMMIT);
    }

    private final DataSource dataSource;
    private final TriggerDeriver deriver;
    private final TriggerDispatch dispatch;
    private final IntSupplier workersRoom;

    /** A leased event, with what processing it needs (read by the claim, so processing re-reads nothing). */
    public record ClaimedEvent(long id, String marketplaceId, String webhookId, String eventType, String payload,
                               Instant receivedAt, String marketplaceName) {
    }

    /**
     * {@code workersRoom}: how many new jobs this replica's action workers can start now (0: none,
     * {@link ActionWorkers}); a batch hands at most that many of the jobs it queues straight to them
     * ({@link Processed}).
     */
    public InboxWorker(DataSource dataSource, TriggerDeriver deriver, TriggerDispatch dispatch, IntSupplier workersRoom) {
        this.dataSource = dataSource;
        this.deriver = deriver;
        this.dispatch = dispatch;
        this.workersRoom = workersRoom;
    }

    /**
     * What a batch did: the jobs it queued and leased for this replica's action workers (to be passed to
     * them: the batch is committed), whether it queued others, which wait for a claim, and whether it was
     * full (as many events as it could take: more are waiting).
     */
    public record Processed(List<ActionJob> handedOff, boolean jobsLeftForClaim, boolean full) {
    }

    /*
     * The route asks a batch's result through these (and ActionWorkers.takeHandedOff), not as
     * ${body.jobsLeftForClaim}: Camel's simple language reads a property of the body by introspecting
     * the body object at every call, which hashed the whole record, each job's customer and parameters
     * included (3.6 % of the engine's CPU at 500/s in bench/deliver's profile, on the inbox stage's thread).
     */

    /** Whether the batch queued jobs that no idle worker took: they wait for the action stage's claim. */
    public boolean leftJobsForClaim(Processed batch) {
        return batch.jobsLeftForClaim();
    }

    /** Whether the batch took as many events as it could: more are waiting, and the next turn begins at once. */
    public boolean wasFull(Processed batch) {
        return batch.full();
    }

    /**
     * Claims up to {@code limit} events and processes them all in one transaction: they are marked
     * done by the claim itself, so the batch costs one claim and one commit however many events it
     * holds. The jobs it queues are leased in the same transaction for this replica's action workers,
     * as many as they have room for, each the first unfinished one of its customer: they start without
     * waiting for the action stage's next claim. If any event fails, the whole batch rolls back
     * (nothing of it happened) and its events are leased and processed one transaction each, so a bad
     * event holds up no other; their jobs wait for a claim.
     */
    public Processed processBatch(int limit) {
        try {
            return Sql.inTransaction(dataSource, c -> {
                List<ClaimedEvent> events = Sql.list(c, claimAndComplete(limit), InboxWorker::claimed);
                TriggerDispatch.Batch.Queued queued = deriveDispatchAndCommit(c, events, events.isEmpty() ? 0 : workersRoom.getAsInt());
                return new Processed(queued.handedOff(), queued.leftForClaim(), events.size() == limit);
            });
        } catch (RuntimeException batchFailed) {
            if (SqlErrors.isDatabaseUnavailable(batchFailed)) {
                throw batchFailed; // no event is at fault: the next tick tries again (routes/errors.camel.yaml)
            }
            LOG.warn("A batch of store events failed ({}); processing them one at a time", batchFailed.getMessage());
            boolean anyProcessed = false;
            List<ClaimedEvent> claimed = claim(limit);
            for (ClaimedEvent e : claimed) {
                try {
                    anyProcessed |= process(e);
                } catch (RuntimeException failed) {
                    LOG.warn("Store event {} failed, retried after its lease: {}", e.webhookId(), failed.getMessage());
                }
            }
            return new Processed(List.of(), anyProcessed, claimed.size() == limit);
        }
    }

    /** Leases up to {@code limit} events for {@link #process}, one transaction each. */
    public List<ClaimedEvent> claim(int limit) {
        return Sql.autoCommit(dataSource, c -> Sql.list(c, claimWithLease(limit), InboxWorker::claimed));
    }

    private static ClaimedEvent claimed(ResultSet rs) throws SQLException {
        return new ClaimedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7));
    }

    /**
     * Derives, dispatches and completes one claimed event in one transaction; false if another
     * replica already did. Marking it done comes first: that takes the row's lock, so a replica that
     * claimed it after a lapsed lease waits here and then finds it done.
     */
    public boolean process(ClaimedEvent e) {
        return Sql.inTransaction(dataSource, c -> {
            int marked = Sql.update(c, """
                    UPDATE inbox_event SET status = 'done', processed_at = now(), lease_until = NULL
                     WHERE id = ? AND status = 'pending'""", e.id());
            if (marked == 0) {
                return false;
            }
            deriveDispatchAndCommit(c, List.of(e), 0);
            return true;
        });
    }

    /**
     * Derives the events' triggers (their purchases and fired facts written once for them all), then
     * dispatches them in order: the batch's log entries and jobs in one statement (leasing up to
     * {@code handOff} of the jobs), then the products seen, sent with the transaction's {@code COMMIT}
     * (one round trip for the three). The transaction's last work.
     */
    private TriggerDispatch.Batch.Queued deriveDispatchAndCommit(Connection c, List<ClaimedEvent> events, int handOff)
            throws SQLException {
        List<TriggerDeriver.Arrival> arrivals = new ArrayList<>(events.size());
        for (ClaimedEvent e : events) {
            arrivals.add(new TriggerDeriver.Arrival(e.marketplaceId(), e.webhookId(), Json.read(e.payload()), e.receivedAt()));
        }
        List<List<DerivedTrigger>> triggers = deriver.derive(c, arrivals);
        TriggerDispatch.Batch batch = new TriggerDispatch.Batch();
        for (int i = 0; i < events.size(); i++) {
            ClaimedEvent e = events.get(i);
            dispatch.dispatch(c, e.marketplaceId(), e.marketplaceName(), e.webhookId(), e.eventType(), triggers.get(i), batch);
        }
        return batch.writeAndCommit(c, handOff);
    }
}
