package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.GroupCommit;
import io.hlbridge.engine.db.DatabaseOutage;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.HighLevelCall;
import io.hlbridge.engine.eventlog.LogEntry;
import io.hlbridge.engine.highlevel.ContactRefs;
import io.hlbridge.engine.triggers.Customer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;

/**
 * The durable queue of HighLevel actions. A job is a row: claimed when due by any replica (a lease,
 * taken with FOR UPDATE SKIP LOCKED), retried by moving its due time, parked as {@code waiting}
 * while its integration cannot be used. Every change of a job's status changes its log entry in the
 * same transaction.
 */
public final class ActionQueue {
    public static final int LEASE_SECONDS = 60;
    /** How long a finished attempt waits for an unreachable database to take its outcome: well within its lease. */
    static final java.time.Duration OUTCOME_PATIENCE = java.time.Duration.ofSeconds(LEASE_SECONDS - 15);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ActionQueue.class);

    private final DataSource dataSource;
    private final EventLog log;
    private final QuietActions quiet;

    /** Attempts end on many workers at once: their outcomes are written together, a statement per group. */
    private final GroupCommit<Outcome, Void> outcomes = new GroupCommit<>(64, this::write);

    public ActionQueue(DataSource dataSource, EventLog log, QuietActions quiet) {
        this.dataSource = dataSource;
        this.log = log;
        this.quiet = quiet;
    }

    /** What to enqueue: one rule fired by one trigger (or a replay of an earlier action). */
    public record NewJob(String marketplaceId, String integrationId, String ruleId, String action, List<String> tags,
                         String trigger, String eventId, String eventType, String productId, Customer customer,
                         String source, boolean integrationConnected, String integrationName, String replayOf,
                         ObjectNode params, ObjectNode eventValues) {
    }

    /** Queues one job (a replay) with its log entry; returns the log id. */
    public String enqueue(Handle h, NewJob j) {
        try {
            return enqueue(h.getConnection(), null, List.of(j)).get(0);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Logs a derived trigger ({@code trigger}, or null) and queues the jobs it fired with their log
     * entries, in one statement: the log shows the trigger first, then its actions in rule order.
     * Returns the jobs' log ids.
     */
    public List<String> enqueue(Connection c, LogEntry trigger, List<NewJob> jobs) throws SQLException {
        Enqueued queued = new Enqueued();
        List<String> logIds = queued.add(trigger, jobs);
        queued.write(c);
        return logIds;
    }

    /**
     * Triggers' log entries and the jobs they fired, gathered so that a whole batch of store events
     * writes them in one statement ({@link #write}), in the order added: each trigger's entry, then its
     * actions in rule order. Nothing in deriving an event's triggers reads them, so writing them at the
     * end of the batch's transaction changes nothing but the number of round trips.
     */
    public static final class Enqueued {
        private final List<LogEntry> entries = new ArrayList<>();
        private final List<Queued> jobs = new ArrayList<>();

        /** A job with the id of its log entry. */
        private record Queued(String logId, NewJob job) {
        }

        /** Adds a trigger's entry (or none: null) and its jobs with theirs; returns the jobs' log ids. */
        public List<String> add(LogEntry trigger, List<NewJob> fired) {
            if (trigger != null) {
                entries.add(trigger);
            }
            List<String> logIds = new ArrayList<>(fired.size());
            for (NewJob j : fired) {
                String logId = EventLog.newId();
                entries.add(new LogEntry(logId, j.marketplaceId(), "action", j.integrationConnected() ? "pending" : "waiting",
                        j.eventId(), j.eventType(), j.trigger(), j.ruleId(), j.action(), j.integrationId(), j.productId(),
                        j.customer().email(),
                        j.integrationConnected() ? null : "waiting for integration '" + j.integrationName() + "' to be connected",
                        j.replayOf()));
                jobs.add(new Queued(logId, j));
                logIds.add(logId);
            }
            return logIds;
        }

        private Sql.TextArray entries(java.util.function.Function<LogEntry, String> column) {
            return Sql.texts(entries.stream().map(column).toList());
        }

        private Sql.TextArray jobs(java.util.function.Function<NewJob, String> column) {
            return Sql.texts(jobs.stream().map(Queued::job).map(column).toList());
        }

        /** How many jobs were added since the last statement. */
        int jobCount() {
            return jobs.size();
        }

        /** Writes everything added, in one statement, and forgets it; no job is handed off. */
        public void write(Connection c) throws SQLException {
            Sql.Statement all = statement(0);
            if (all != null) {
                Sql.list(c, all.sql(), ActionQueue::map, all.args());
            }
        }

        /**
         * The statement that writes everything added (null: nothing was), which forgets it. Up to
         * {@code handOff} of the new jobs are leased in the same statement, as {@link #claimDue} would
         * lease them, and returned with the columns it returns ({@link ActionQueue#map}): those due now
         * whose customer (integration and email) has no unfinished job yet, neither in the queue nor
         * earlier in this statement, so the order of a customer's actions holds as it does for a claim.
         * The caller passes them to its action workers once its transaction is committed; the other new
         * jobs wait for a claim.
         */
        Sql.Statement statement(int handOff) {
            if (entries.isEmpty()) {
                return null;
            }
            Sql.Statement all = new Sql.Statement("""
                    WITH input AS (
                        SELECT x.*, lower(trim(CAST(x.customer AS jsonb)->>'email')) AS email_key
                          FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                      CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                      CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                               WITH ORDINALITY AS x(log_id, marketplace_id, integration_id, rule_id, action, tags, trigger, event_id,
                                                    product_id, customer, source, status, params, event_values, n)),
                    firsts AS (
                        SELECT n, status, integration_id, email_key,
                               row_number() OVER (PARTITION BY integration_id, email_key ORDER BY n) AS nth
                          FROM input),
                    handed AS (
                        SELECT f.n FROM firsts f
                         WHERE f.nth = 1 AND f.status = 'pending'
                           AND (SELECT min(earlier.id) FROM action_job earlier
                                 WHERE earlier.status IN ('pending', 'retrying', 'waiting')
                                   AND earlier.integration_id = f.integration_id
                                   AND lower(trim(earlier.customer->>'email')) = f.email_key) IS NULL
                         ORDER BY f.n
                         LIMIT CAST(? AS int)),
                    jobs AS (
                        INSERT INTO action_job (log_id, marketplace_id, integration_id, rule_id, action, tags, trigger, event_id,
                                                product_id, customer, source, status, params, event_values, lease_until)
                        SELECT x.log_id, x.marketplace_id, x.integration_id, x.rule_id, x.action,
                               ARRAY(SELECT jsonb_array_elements_text(CAST(x.tags AS jsonb))), x.trigger, x.event_id, x.product_id,
                               CAST(x.customer AS jsonb), x.source, x.status, CAST(x.params AS jsonb), CAST(x.event_values AS jsonb),
                               CASE WHEN h.n IS NOT NULL THEN now() + make_interval(secs => %d) END
                          FROM input x LEFT JOIN handed h ON h.n = x.n
                         ORDER BY x.n
                        RETURNING *),
                    logged AS (
                        INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, trigger, rule_id, action,
                                               integration_id, product_id, email, message, replay_of)
                        SELECT id, marketplace_id, kind, status, event_id, event_type, trigger, rule_id, action,
                               integration_id, product_id, email, message, replay_of
                          FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                      CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                      CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                               WITH ORDINALITY AS e(id, marketplace_id, kind, status, event_id, event_type, trigger, rule_id, action,
                                                    integration_id, product_id, email, message, replay_of, n)
                         ORDER BY n)
                    SELECT j.*, i.location_id, i.status AS integration_status, i.access_token_enc, i.token_expires_at,
                           (SELECT r.contact_id FROM contact_ref r
                             WHERE r.integration_id = j.integration_id AND r.email = lower(trim(j.customer->>'email'))) AS contact_id
                      FROM jobs j JOIN integration i ON i.id = j.integration_id
                     WHERE j.lease_until IS NOT NULL
                     ORDER BY j.id""".formatted(LEASE_SECONDS),
                    Sql.texts(jobs.stream().map(Queued::logId).toList()), jobs(NewJob::marketplaceId), jobs(NewJob::integrationId), jobs(NewJob::ruleId),
                    jobs(NewJob::action), jobs(j -> Json.write(j.tags())), jobs(NewJob::trigger), jobs(NewJob::eventId),
                    jobs(NewJob::productId), jobs(j -> Json.write(j.customer())), jobs(NewJob::source),
                    jobs(j -> j.integrationConnected() ? "pending" : "waiting"),
                    jobs(j -> j.params() == null ? "{}" : Json.write(j.params())),
                    jobs(j -> j.eventValues() == null ? "{}" : Json.write(j.eventValues())), handOff,
                    entries(LogEntry::id), entries(LogEntry::marketplaceId), entries(LogEntry::kind), entries(LogEntry::status),
                    entries(LogEntry::eventId), entries(LogEntry::eventType), entries(LogEntry::trigger), entries(LogEntry::ruleId),
                    entries(LogEntry::action), entries(LogEntry::integrationId), entries(LogEntry::productId),
                    entries(LogEntry::email), entries(LogEntry::message), entries(LogEntry::replayOf));
            entries.clear();
            jobs.clear();
            return all;
        }
    }

    /**
     * Leases up to {@code limit} due jobs (a job paced to a slot is taken a moment early, so its worker
     * is ready on time); a crashed replica's lease runs out and the job comes back. A job waits while an
     * earlier job of the same customer (integration and email) is unfinished, so a customer's actions
     * are done in order even when an earlier one is retrying through a HighLevel outage (index V9). "The
     * customer's first unfinished job" is a scalar subquery, one index probe per candidate whatever the
     * planner's statistics say (see InboxWorker's claim for what NOT EXISTS became under a burst).
     * The limit and the lease are written into the statement, not bound: a statement without
     * parameters is planned once per connection, where the bound ones got a new custom plan at every
     * call (their generic plan, the limit unknown, walked more of the queue): half of the claim's
     * database time went to planning (bench/deliver, 0.23 of 0.46 ms per event).
     */
    public List<ActionJob> claimDue(int limit) {
        QuietActions.Claim claim = quiet.claimBegins();
        List<ActionJob> claimed = Sql.autoCommit(dataSource, c -> Sql.list(c, """
                WITH due AS (
                    SELECT id FROM action_job a
                     WHERE status IN ('pending', 'retrying') AND due_at <= clock_timestamp() + interval '%d milliseconds'
                       AND (lease_until IS NULL OR lease_until < now())
                       AND a.id = (
                           SELECT min(earlier.id) FROM action_job earlier
                            WHERE earlier.status IN ('pending', 'retrying', 'waiting')
                              AND earlier.integration_id = a.integration_id
                              AND lower(trim(earlier.customer->>'email')) = lower(trim(a.customer->>'email')))
                     ORDER BY due_at
                     LIMIT %d
                     FOR UPDATE SKIP LOCKED)
                UPDATE action_job j
                   SET lease_until = now() + make_interval(secs => %d)
                  FROM due, integration i, %s
                 WHERE j.id = due.id AND i.id = j.integration_id
                RETURNING j.*, i.location_id, i.status AS integration_status, i.access_token_enc, i.token_expires_at,
                          (SELECT r.contact_id FROM contact_ref r
                            WHERE r.integration_id = j.integration_id AND r.email = lower(trim(j.customer->>'email'))) AS contact_id"""
                .formatted(QuietActions.CLAIM_AHEAD.toMillis(), limit, LEASE_SECONDS, Sql.ASYNC_COMMIT), ActionQueue::map));
        quiet.claimEnded(claim, claimed.size());
        return claimed;
    }

    /**
     * How an attempt ended: the job's new status (null: unchanged, the job waits for its pacing slot),
     * due time, slot, log message, the calls it made and the contact id it learned (null: none).
     */
    record Outcome(ActionJob job, String status, Instant dueAt, Instant pacedSlotAt, String message,
                   String callsJson, boolean countsAsAttempt, String learnedContactId) {
    }

    /**
     * The job's attempt ended: new status, due time and log line, plus the calls it made and the
     * contact id it learned (null: none), committed when this returns.
     */
    public void finish(ActionJob job, String status, Instant dueAt, String message, List<HighLevelCall> calls,
                       boolean countsAsAttempt, String learnedContactId) {
        writeOutcome(new Outcome(job, status, dueAt, null, message, EventLog.callsJson(calls), countsAsAttempt, learnedContactId));
    }

    /** The pacer gave this job a later slot: wait for it without counting an attempt. */
    public void deferToSlot(ActionJob job, Instant slot, List<HighLevelCall> calls, String learnedContactId) {
        writeOutcome(new Outcome(job, null, slot, slot, null, EventLog.callsJson(calls), false, learnedContactId));
    }

    /**
     * Writes an outcome, waiting out a database outage for as long as the job's lease leaves room: the
     * call to HighLevel has happened, and an outcome not written would let the lease run out and the
     * action be done again.
     */
    private void writeOutcome(Outcome outcome) {
        long giveUpAt = System.nanoTime() + OUTCOME_PATIENCE.toNanos();
        while (true) {
            try {
                outcomes.write(outcome);
                quiet.actionEnded(outcome.dueAt());
                return;
            } catch (RuntimeException e) {
                if (!SqlErrors.isDatabaseUnavailable(e) || System.nanoTime() - giveUpAt > 0) {
                    throw e;
                }
                DatabaseOutage.report(LOG, "finished actions wait for their outcome to be written", e);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Ends the attempts of {@code ended} in one statement: each job's row, the contact ids learned
     * and each log line. Jobs and contact ids are locked in key order, so neither another replica's
     * group nor an integration's deletion ({@link #cancelFor}) can deadlock with it; a job's log line
     * is only ever touched after its job.
     */
    List<Void> write(List<Outcome> ended) {
        List<String> ids = new ArrayList<>(), statuses = new ArrayList<>(), dues = new ArrayList<>(), slots = new ArrayList<>(),
                attempts = new ArrayList<>(), integrations = new ArrayList<>(), emails = new ArrayList<>(),
                contacts = new ArrayList<>(), messages = new ArrayList<>(), calls = new ArrayList<>(), logIds = new ArrayList<>();
        for (Outcome o : ended) {
            ids.add(Long.toString(o.job().id()));
            statuses.add(o.status());
            dues.add(o.dueAt() == null ? null : o.dueAt().toString());
            slots.add(o.pacedSlotAt() == null ? null : o.pacedSlotAt().toString());
            attempts.add(o.countsAsAttempt() ? "1" : "0");
            integrations.add(o.job().integrationId());
            emails.add(ContactRefs.key(o.job()));
            contacts.add(o.learnedContactId());
            messages.add(o.message());
            calls.add(o.callsJson());
            logIds.add(o.job().logId());
        }
        // a generic plan, made once per connection: the arrays' lengths, visible to the planner, made it
        // plan the statement anew at every call (0.29 of its 0.62 ms per event, bench/deliver); that plan
        // is as good as the custom ones (the second session's generic-plan run: 0.34 against 0.50 ms).
        // The SET and the COMMIT go with it: the driver sends the three in one round trip, in order.
        Sql.inTransaction(dataSource, c -> {
            Sql.runAndCommit(c, List.of(Sql.GENERIC_PLANS, new Sql.Statement("""
                WITH input AS (
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                         CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                         CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                             WITH ORDINALITY AS x(id, status, due_at, paced_slot_at, attempt, integration_id, email, contact_id,
                                                  message, calls, log_id, n)),
                locked AS (
                    SELECT j.id FROM action_job j JOIN input i ON j.id = CAST(i.id AS bigint) ORDER BY j.id FOR UPDATE OF j),
                job AS (
                    UPDATE action_job j
                       SET status = COALESCE(i.status, j.status), due_at = COALESCE(CAST(i.due_at AS timestamptz), j.due_at),
                           lease_until = NULL, paced_slot_at = CAST(i.paced_slot_at AS timestamptz),
                           attempts = j.attempts + CAST(i.attempt AS int),
                           first_attempt_at = CASE WHEN i.attempt = '1' THEN COALESCE(j.first_attempt_at, now()) ELSE j.first_attempt_at END,
                           updated_at = now()
                      FROM input i, locked l
                     WHERE j.id = CAST(i.id AS bigint) AND l.id = j.id),
                contact AS (
                    INSERT INTO contact_ref (integration_id, email, contact_id)
                    SELECT DISTINCT ON (integration_id, email) integration_id, email, contact_id
                      FROM input WHERE contact_id IS NOT NULL
                     ORDER BY integration_id, email, n DESC
                    ON CONFLICT (integration_id, email) DO UPDATE SET contact_id = EXCLUDED.contact_id, updated_at = now())
                UPDATE event_log l
                   SET status = COALESCE(i.status, l.status),
                       message = CASE WHEN i.status IS NULL THEN l.message ELSE i.message END,
                       calls = l.calls || CAST(i.calls AS jsonb), updated_at = now()
                  FROM input i, %s
                 WHERE l.id = i.log_id""".formatted(Sql.ASYNC_COMMIT),
                Sql.texts(ids), Sql.texts(statuses), Sql.texts(dues), Sql.texts(slots), Sql.texts(attempts), Sql.texts(integrations),
                Sql.texts(emails), Sql.texts(contacts), Sql.texts(messages), Sql.texts(calls), Sql.texts(logIds))));
            return null;
        });
        return null;
    }

    /**
     * Releases the leases of jobs this replica claimed or was handed and will not start (the engine is
     * stopping, or its workers had no room): any replica's next claim takes them, not after the lease.
     */
    static void handBack(DataSource dataSource, List<Long> ids) {
        Sql.autoCommit(dataSource, c -> Sql.update(c, """
                UPDATE action_job SET lease_until = NULL, updated_at = now()
                 WHERE id = ANY(CAST(? AS bigint[])) AND status IN ('pending', 'retrying')""",
                Sql.texts(ids.stream().map(String::valueOf).toList())));
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

    /** An integration is being deleted: what it still had to do ends as canceled (its jobs locked in key order). */
    public int cancelFor(Handle h, String integrationId, String reason) {
        List<String> logIds = h.createQuery("""
                WITH locked AS (
                    SELECT id FROM action_job WHERE integration_id = :i AND status IN ('waiting', 'pending', 'retrying')
                     ORDER BY id FOR UPDATE)
                UPDATE action_job j SET status = 'canceled', lease_until = NULL, updated_at = now()
                  FROM locked l WHERE j.id = l.id RETURNING j.log_id""")
                .bind("i", integrationId).mapTo(String.class).list();
        logIds.forEach(id -> log.updateStatus(h, id, "canceled", reason));
        return logIds.size();
    }

    static ActionJob map(ResultSet rs) throws SQLException {
        JsonNode c = Json.read(rs.getString("customer"));
        Customer customer = new Customer(t(c, "email"), t(c, "firstName"), t(c, "lastName"), t(c, "phone"),
                t(c, "address1"), t(c, "city"), t(c, "state"), t(c, "postalCode"), t(c, "country"));
        return new ActionJob(rs.getLong("id"), rs.getString("log_id"), rs.getString("marketplace_id"),
                rs.getString("integration_id"), rs.getString("rule_id"), rs.getString("action"),
                Sql.strings(rs, "tags"), rs.getString("trigger"),
                rs.getString("event_id"), rs.getString("product_id"), customer, rs.getString("source"),
                rs.getInt("attempts"), Sql.instant(rs, "first_attempt_at"), Sql.instant(rs, "paced_slot_at"),
                rs.getString("location_id"), rs.getString("integration_status"), rs.getString("access_token_enc"),
                Sql.instant(rs, "token_expires_at"), rs.getString("contact_id"), object(rs.getString("params")),
                object(rs.getString("event_values")));
    }

    private static ObjectNode object(String json) {
        JsonNode node = json == null ? null : Json.read(json);
        return node instanceof ObjectNode o ? o : Json.object();
    }

    private static String t(JsonNode n, String f) {
        JsonNode v = n.path(f);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }
}
