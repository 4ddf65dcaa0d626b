package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.triggers.Customer;
import java.sql.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code POST …/logs/{id}/replay} (spec §7): a failed, waiting or canceled action runs again through
 * the normal queue as a new entry whose {@code replay_of} names the original. A waiting original is
 * canceled first, so reconnecting the integration does not run it a second time.
 */
public final class ActionReplay {
    static final Set<String> REPLAYABLE = Set.of("failed", "waiting", "canceled");

    private final Jdbi jdbi;
    private final ActionQueue queue;
    private final EventLog log;

    public ActionReplay(Jdbi jdbi, ActionQueue queue, EventLog log) {
        this.jdbi = jdbi;
        this.queue = queue;
        this.log = log;
    }

    /** Returns the new entry's id; the original's {@code replayed_by} names it. */
    public String replay(String marketplaceId, String logId) {
        return replay(marketplaceId, logId, false);
    }

    /**
     * As {@link #replay(String, String)}; {@code onlyOnce} (a bulk replay) refuses an action already
     * replayed, checked under the job's lock, so two bulk replays at once never replay one action twice.
     */
    public String replay(String marketplaceId, String logId, boolean onlyOnce) {
        return jdbi.inTransaction(h -> {
            var original = h.createQuery("""
                    SELECT j.id, j.status, j.integration_id, j.rule_id, j.action, j.tags, j.trigger, j.event_id, j.product_id,
                           j.customer::text, j.source, j.params::text AS params, j.event_values::text AS event_values,
                           i.name AS integration_name, i.status AS integration_status,
                           (SELECT event_type FROM event_log WHERE id = j.log_id) AS event_type
                      FROM action_job j LEFT JOIN integration i ON i.id = j.integration_id
                     WHERE j.log_id = :log AND j.marketplace_id = :m FOR UPDATE OF j""")
                    .bind("log", logId).bind("m", marketplaceId)
                    .mapToMap().findOne()
                    .orElseThrow(() -> noJob(h, marketplaceId, logId));
            String status = (String) original.get("status");
            if (!REPLAYABLE.contains(status)) {
                throw notReplayable(status);
            }
            if (onlyOnce) {
                // read again now that the job is locked: the statement above that waited for the lock saw the
                // log as it was when it began, not the replay another transaction committed meanwhile
                String replayedBy = h.createQuery("SELECT replayed_by FROM event_log WHERE id = :log")
                        .bind("log", logId).mapTo(String.class).findOne().orElse(null);
                if (replayedBy != null) {
                    throw ProblemException.conflict("already replayed by " + replayedBy, null);
                }
            }
            if (original.get("integration_name") == null) {
                throw ProblemException.conflict("its integration no longer exists; nothing can run it", null);
            }
            if (status.equals("waiting")) {
                h.createUpdate("UPDATE action_job SET status = 'canceled', updated_at = now() WHERE id = :id")
                        .bind("id", original.get("id")).execute();
                log.updateStatus(h, logId, "canceled", "replaced by its replay");
            }
            List<String> tagList;
            Customer customer;
            try {
                Array tags = (Array) original.get("tags");
                tagList = tags == null ? List.of() : Arrays.asList((String[]) tags.getArray());
                customer = Json.MAPPER.readValue((String) original.get("customer"), Customer.class);
            } catch (java.sql.SQLException | java.io.IOException e) {
                throw new IllegalStateException("unreadable action row", e);
            }
            String replayId = queue.enqueue(h, new ActionQueue.NewJob(marketplaceId, (String) original.get("integration_id"),
                    (String) original.get("rule_id"), (String) original.get("action"), tagList,
                    (String) original.get("trigger"), (String) original.get("event_id"), (String) original.get("event_type"),
                    (String) original.get("product_id"), customer, (String) original.get("source"),
                    "connected".equals(original.get("integration_status")), (String) original.get("integration_name"), logId,
                    (ObjectNode) Json.read((String) original.get("params")), (ObjectNode) Json.read((String) original.get("event_values"))));
            log.markReplayed(h, logId, replayId);
            return replayId;
        });
    }

    private static ProblemException notReplayable(String state) {
        return ProblemException.conflict("only failed, waiting or canceled actions can be replayed; this one is " + state, null);
    }

    /**
     * An entry without its job: not an action's entry, or a succeeded or skipped action older than
     * ENGINE_HISTORY_RETENTION (HistoryRetention keeps failed and canceled ones while their entry lives).
     */
    private static ProblemException noJob(Handle h, String marketplaceId, String logId) {
        return h.createQuery("SELECT status FROM event_log WHERE id = :log AND marketplace_id = :m AND kind = 'action'")
                .bind("log", logId).bind("m", marketplaceId).mapTo(String.class).findOne()
                .map(status -> notReplayable(status + " and older than ENGINE_HISTORY_RETENTION"))
                .orElseGet(() -> ProblemException.notFound("no action entry '" + logId + "' in this marketplace"));
    }
}
