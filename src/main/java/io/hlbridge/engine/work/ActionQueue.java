package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.HighLevelCall;
import io.hlbridge.engine.eventlog.LogEntry;
import io.hlbridge.engine.triggers.Customer;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable queue of HighLevel actions. A job is a row: claimed when due by any replica (a lease,
 * taken with FOR UPDATE SKIP LOCKED), retried by moving its due time, parked as {@code waiting}
 * while its integration cannot be used. Every change of a job's status changes its log entry in the
 * same transaction.
 */
public final class ActionQueue {
    public static final int LEASE_SECONDS = 60;

    private final Jdbi jdbi;
    private final EventLog log;

    public ActionQueue(Jdbi jdbi, EventLog log) {
        this.jdbi = jdbi;
        this.log = log;
    }

    /** What to enqueue: one rule fired by one trigger (or a replay of an earlier action). */
    public record NewJob(String marketplaceId, String integrationId, String ruleId, String action, List<String> tags,
                         String trigger, String eventId, String eventType, String productId, Customer customer,
                         String source, boolean integrationConnected, String integrationName, String replayOf) {
    }

    /** Inserts the job and its log entry; returns the log id. */
    public String enqueue(Handle h, NewJob j) {
        String logId = EventLog.newId();
        String status = j.integrationConnected() ? "pending" : "waiting";
        String message = j.integrationConnected() ? null
                : "waiting for integration '" + j.integrationName() + "' to be connected";
        h.createUpdate("""
                INSERT INTO action_job (log_id, marketplace_id, integration_id, rule_id, action, tags, trigger, event_id,
                                        product_id, customer, source, status)
                VALUES (:logId, :m, :integration, :rule, :action, :tags, :trigger, :event, :product,
                        CAST(:customer AS jsonb), :source, :status)""")
                .bind("logId", logId).bind("m", j.marketplaceId()).bind("integration", j.integrationId())
                .bind("rule", j.ruleId()).bind("action", j.action()).bindArray("tags", String.class, j.tags())
                .bind("trigger", j.trigger()).bind("event", j.eventId()).bind("product", j.productId())
                .bind("customer", Json.write(j.customer())).bind("source", j.source()).bind("status", status)
                .execute();
        log.append(h, LogEntry.action(logId, j.marketplaceId(), status, j.eventId(), j.eventType(), j.trigger(),
                j.ruleId(), j.action(), j.integrationId(), j.productId(), j.customer().email(), message, j.replayOf()));
        return logId;
    }

    /**
     * Leases up to {@code limit} due jobs (a job paced to a slot is taken a moment early, so its worker
     * is ready on time); a crashed replica's lease runs out and the job comes back.
     */
    public List<ActionJob> claimDue(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                WITH due AS (
                    SELECT id FROM action_job
                     WHERE status IN ('pending', 'retrying') AND due_at <= clock_timestamp() + interval '100 milliseconds'
                       AND (lease_until IS NULL OR lease_until < now())
                     ORDER BY due_at
                     LIMIT :limit
                     FOR UPDATE SKIP LOCKED)
                UPDATE action_job j
                   SET lease_until = now() + make_interval(secs => :lease)
                  FROM due, integration i
                 WHERE j.id = due.id AND i.id = j.integration_id
                RETURNING j.*, i.location_id, i.status AS integration_status, i.access_token_enc, i.token_expires_at,
                          (SELECT r.contact_id FROM contact_ref r
                            WHERE r.integration_id = j.integration_id AND r.email = lower(trim(j.customer->>'email'))) AS contact_id""")
                .bind("limit", limit).bind("lease", LEASE_SECONDS)
                .map((rs, ctx) -> map(rs)).list());
    }

    /** The job's attempt ended: new status, due time and log line, plus the calls it made. */
    public void finish(ActionJob job, String status, Instant dueAt, String message, List<HighLevelCall> calls,
                       boolean countsAsAttempt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    UPDATE action_job
                       SET status = :status, due_at = COALESCE(:due, due_at), lease_until = NULL, paced_slot_at = NULL,
                           attempts = attempts + :attempt,
                           first_attempt_at = CASE WHEN :attempt = 1 THEN COALESCE(first_attempt_at, now()) ELSE first_attempt_at END,
                           updated_at = now()
                     WHERE id = :id""")
                    .bind("id", job.id()).bind("status", status)
                    .bind("due", dueAt == null ? null : OffsetDateTime.ofInstant(dueAt, ZoneOffset.UTC))
                    .bind("attempt", countsAsAttempt ? 1 : 0)
                    .execute();
            log.finishAttempt(h, job.logId(), status, message, calls);
        });
    }

    /** The pacer gave this job a later slot: wait for it without counting an attempt. */
    public void deferToSlot(ActionJob job, Instant slot, List<HighLevelCall> calls) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    UPDATE action_job SET due_at = :slot, paced_slot_at = :slot, lease_until = NULL, updated_at = now()
                     WHERE id = :id""")
                    .bind("id", job.id()).bind("slot", OffsetDateTime.ofInstant(slot, ZoneOffset.UTC)).execute();
            if (!calls.isEmpty()) {
                log.finishAttempt(h, job.logId(), null, null, calls);
            }
        });
    }

    /** An integration became connected: its waiting actions run now. */
    public int resumeWaiting(Handle h, String integrationId) {
        List<String> logIds = h.createQuery("""
                UPDATE action_job SET status = 'pending', due_at = now(), lease_until = NULL, updated_at = now()
                 WHERE integration_id = :i AND status = 'waiting' RETURNING log_id""")
                .bind("i", integrationId).mapTo(String.class).list();
        logIds.forEach(id -> log.updateStatus(h, id, "pending", "integration connected; running now"));
        return logIds.size();
    }

    /** An integration is being deleted: what it still had to do ends as canceled. */
    public int cancelFor(Handle h, String integrationId, String reason) {
        List<String> logIds = h.createQuery("""
                UPDATE action_job SET status = 'canceled', lease_until = NULL, updated_at = now()
                 WHERE integration_id = :i AND status IN ('waiting', 'pending', 'retrying') RETURNING log_id""")
                .bind("i", integrationId).mapTo(String.class).list();
        logIds.forEach(id -> log.updateStatus(h, id, "canceled", reason));
        return logIds.size();
    }

    static ActionJob map(ResultSet rs) throws SQLException {
        Array tags = rs.getArray("tags");
        JsonNode c = Json.read(rs.getString("customer"));
        Customer customer = new Customer(t(c, "email"), t(c, "firstName"), t(c, "lastName"), t(c, "phone"),
                t(c, "address1"), t(c, "city"), t(c, "state"), t(c, "postalCode"), t(c, "country"));
        return new ActionJob(rs.getLong("id"), rs.getString("log_id"), rs.getString("marketplace_id"),
                rs.getString("integration_id"), rs.getString("rule_id"), rs.getString("action"),
                tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()), rs.getString("trigger"),
                rs.getString("event_id"), rs.getString("product_id"), customer, rs.getString("source"),
                rs.getInt("attempts"), instant(rs.getTimestamp("first_attempt_at")), instant(rs.getTimestamp("paced_slot_at")),
                rs.getString("location_id"), rs.getString("integration_status"), rs.getString("access_token_enc"),
                instant(rs.getTimestamp("token_expires_at")), rs.getString("contact_id"));
    }

    private static String t(JsonNode n, String f) {
        JsonNode v = n.path(f);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
