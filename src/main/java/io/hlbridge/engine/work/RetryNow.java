package io.hlbridge.engine.work;

import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.eventlog.EventLog;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code POST …/logs/{id}/retry}: a {@code retrying} action is made due now instead of at its next
 * scheduled attempt (a merchant who fixed the cause need not wait hours). Its attempts and schedule
 * stay as they were; an attempt already in flight just finishes and writes its own outcome.
 */
public final class RetryNow {
    private final Jdbi jdbi;
    private final EventLog log;

    public RetryNow(Jdbi jdbi, EventLog log) {
        this.jdbi = jdbi;
        this.log = log;
    }

    /** 404 for no such action, 409 unless it is retrying. */
    public void retry(String marketplaceId, String logId) {
        jdbi.useTransaction(h -> {
            String status = h.createQuery("SELECT status FROM action_job WHERE log_id = :log AND marketplace_id = :m FOR UPDATE")
                    .bind("log", logId).bind("m", marketplaceId).mapTo(String.class).findOne()
                    .orElseThrow(() -> ProblemException.notFound("no action entry '" + logId + "' in this marketplace"));
            if (!status.equals("retrying")) {
                throw ProblemException.conflict("only a retrying action can be retried now; this one is " + status, null);
            }
            h.createUpdate("UPDATE action_job SET due_at = now(), updated_at = now() WHERE log_id = :log")
                    .bind("log", logId).execute();
            // the entry keeps what the last attempt met (HighLevel's message and traceId)
            String before = h.createQuery("SELECT message FROM event_log WHERE id = :log").bind("log", logId)
                    .mapTo(String.class).findOne().orElse(null);
            String asked = "retrying now, as asked from the log";
            log.updateStatus(h, logId, "retrying", before == null || before.isBlank() ? asked
                    : before.endsWith(asked) ? before : before + "; " + asked);
        });
    }
}
