package io.hlbridge.engine.work;

import io.hlbridge.engine.EngineMetrics;
import io.hlbridge.engine.actions.UnknownAction;
import io.hlbridge.engine.db.DatabaseOutage;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.highlevel.HighLevelFailure;
import io.hlbridge.engine.highlevel.HighLevelResponses;
import io.hlbridge.engine.highlevel.HighLevelUnavailable;
import io.hlbridge.engine.highlevel.IntegrationNeedsReconnect;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beginning and end of one attempt at an action: what its outcome does to the job and its log line
 * (spec §5): success; {@code skipped}; retry later on 429, 5xx and unanswered calls (growing delays,
 * then {@code failed} after 3 days); {@code waiting} while the integration needs reconnecting;
 * {@code failed} at once on other 4xx, with HighLevel's message and traceId.
 */
public final class ActionOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(ActionOutcomes.class);

    private final ActionQueue queue;
    private final RetrySchedule retries;
    private final EngineMetrics metrics;

    public ActionOutcomes(ActionQueue queue) {
        this(queue, RetrySchedule.DEFAULT, null);
    }

    /** {@code metrics} (null: none) counts each written outcome in {@code engine_actions_total{action, outcome}}. */
    public ActionOutcomes(ActionQueue queue, RetrySchedule retries, EngineMetrics metrics) {
        this.queue = queue;
        this.retries = retries;
        this.metrics = metrics;
    }

    /** The body is a claimed or handed-off job; its integration must be usable. */
    public void begin(Exchange exchange) {
        ActionJob job = exchange.getMessage().getBody(ActionJob.class);
        ActionExchange.start(exchange, job);
        if (!"connected".equals(job.integrationStatus())) {
            throw new IntegrationNeedsReconnect(job.integrationId(), job.integrationStatus(),
                    "the integration is " + job.integrationStatus());
        }
    }

    /** remove_tags on a customer HighLevel does not know: nothing to remove. */
    public void nothingToRemove(Exchange exchange) {
        exchange.setProperty(ActionExchange.SKIPPED, true);
        exchange.setProperty(ActionExchange.OUTCOME_MESSAGE, "no contact with this email in HighLevel: nothing to remove");
    }

    public void succeeded(Exchange exchange) {
        Outcome outcome = successOf(exchange);
        finish(exchange, ActionExchange.job(exchange), outcome.status(), null, outcome.message(), true);
    }

    /**
     * What an attempt's end does to its job: its new status ({@code succeeded}, {@code skipped},
     * {@code retrying}, {@code waiting}, {@code failed}, or {@code deferred} to the location's next
     * pacing slot), when it is due again, the log line's message, and whether it counts as an attempt.
     */
    record Outcome(String status, Instant dueAt, String message, boolean countsAsAttempt) {
    }

    /** An attempt that went through: {@code skipped} when it had nothing to do, else {@code succeeded}. */
    static Outcome successOf(Exchange exchange) {
        boolean skipped = Boolean.TRUE.equals(exchange.getProperty(ActionExchange.SKIPPED, Boolean.class));
        return new Outcome(skipped ? "skipped" : "succeeded", null, exchange.getProperty(ActionExchange.OUTCOME_MESSAGE, String.class), true);
    }

    /** Writes the attempt's outcome with the calls it made and any contact id it learned. */
    private void finish(Exchange exchange, ActionJob job, String status, Instant dueAt, String message, boolean countsAsAttempt) {
        queue.finish(job, status, dueAt, message, ActionExchange.calls(exchange), countsAsAttempt, learned(exchange));
        counted(job, status);
    }

    private void counted(ActionJob job, String outcome) {
        if (metrics != null) {
            metrics.count("engine_actions_total", "action", job.action(), "outcome", outcome);
        }
    }

    private static String learned(Exchange exchange) {
        return exchange.getProperty(ActionExchange.LEARNED_CONTACT_ID, String.class);
    }

    // ---- the outcomes of an attempt that threw (spec §5's table), one per onException clause of
    // ---- routeConfiguration action-outcomes (deliver-actions.camel.yaml)

    /** PacedLater: the location's next free slot is later; the job waits for it, no attempt counted. */
    public void deferred(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        Outcome outcome = deferredOf(causeOf(exchange, PacedLater.class));
        queue.deferToSlot(job, outcome.dueAt(), ActionExchange.calls(exchange), learned(exchange));
        counted(job, outcome.status());
    }

    /** IntegrationNeedsReconnect: {@code waiting} until the integration is connected, no attempt counted. */
    public void waiting(Exchange exchange) {
        write(exchange, waitingOf(causeOf(exchange, IntegrationNeedsReconnect.class)));
    }

    /** UnknownAction, or HighLevel refused the request (other 4xx, a contact still gone): {@code failed} at once. */
    public void failed(Exchange exchange) {
        write(exchange, failedOf(rootOf(caught(exchange))));
    }

    /**
     * 429, 5xx, no answer, the engine's database unreachable, anything unexpected: {@code retrying} on
     * the {@link RetrySchedule}, {@code failed} once it gives up.
     */
    public void retrying(Exchange exchange) {
        Throwable caught = caught(exchange);
        ActionJob job = ActionExchange.job(exchange);
        if (job == null) {
            LOG.error("an action could not start", caught);
            return;
        }
        Throwable cause = rootOf(caught);
        if (cause instanceof java.io.IOException) {
            HighLevelResponses.recordUnanswered(exchange, cause);
        } else if (!known(cause)) {
            LOG.warn("action {} failed unexpectedly; it will be retried", job.logId(), caught);
        }
        write(exchange, retryingOf(job, caught, Instant.now(), retries));
    }

    private void write(Exchange exchange, Outcome outcome) {
        ActionJob job = ActionExchange.job(exchange);
        if (job == null) {
            LOG.error("an action could not start: {}", outcome.message());
            return;
        }
        finish(exchange, job, outcome.status(), outcome.dueAt(), outcome.message(), outcome.countsAsAttempt());
    }

    private static Throwable caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    private static <T extends Throwable> T causeOf(Exchange exchange, Class<T> type) {
        for (Throwable c = caught(exchange); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " caught", caught(exchange));
    }

    /**
     * The outcome table of spec §5 for an attempt that threw {@code caught}, as the onException clauses
     * pick it: {@code deferred} to the pacing slot; {@code waiting} (not an attempt) while the integration
     * needs reconnecting; {@code failed} at once on a rejection (other 4xx) or an unknown action;
     * otherwise {@code retrying} on the {@link RetrySchedule}, {@code failed} once it gives up.
     */
    static Outcome failureOf(ActionJob job, Throwable caught, Instant now) {
        return failureOf(job, caught, now, RetrySchedule.DEFAULT);
    }

    static Outcome failureOf(ActionJob job, Throwable caught, Instant now, RetrySchedule retries) {
        Throwable cause = rootOf(caught);
        if (cause instanceof PacedLater paced) {
            return deferredOf(paced);
        }
        if (cause instanceof IntegrationNeedsReconnect reconnect) {
            return waitingOf(reconnect);
        }
        if (cause instanceof UnknownAction || cause instanceof HighLevelFailure failure && failure.kind() != HighLevelFailure.Kind.RETRYABLE) {
            return failedOf(cause);
        }
        return retryingOf(job, caught, now, retries);
    }

    static Outcome deferredOf(PacedLater paced) {
        return new Outcome("deferred", paced.slot(), null, false);
    }

    static Outcome waitingOf(IntegrationNeedsReconnect reconnect) {
        return new Outcome("waiting", null, "waiting for the integration to be reconnected: " + reconnect.reason(), false);
    }

    static Outcome failedOf(Throwable cause) {
        return new Outcome("failed", null, cause.getMessage(), true);
    }

    static Outcome retryingOf(ActionJob job, Throwable caught, Instant now, RetrySchedule retries) {
        Throwable cause = rootOf(caught);
        Duration retryAfter = cause instanceof HighLevelFailure f ? f.retryAfter() : null;
        String reason;
        if (cause instanceof HighLevelFailure || cause instanceof HighLevelUnavailable) {
            reason = cause.getMessage();
        } else if (cause instanceof java.io.IOException) {
            reason = "HighLevel did not answer: " + cause.getClass().getSimpleName();
        } else if (SqlErrors.isDatabaseUnavailable(caught)) {
            DatabaseOutage.report(LOG, "actions that needed it are retried later", caught);
            reason = "the engine's database was unreachable";
        } else {
            reason = "unexpected error: " + cause.getClass().getSimpleName();
        }
        Instant first = job.firstAttemptAt() == null ? now : job.firstAttemptAt();
        Optional<Instant> next = retries.next(job.attempts() + 1, first, now, retryAfter);
        if (next.isPresent()) {
            return new Outcome("retrying", next.get(), reason + "; next attempt at " + next.get(), true);
        }
        return new Outcome("failed", null, reason + "; gave up after " + retries.windowInWords() + " of retries", true);
    }

    private static boolean known(Throwable c) {
        return c instanceof PacedLater || c instanceof IntegrationNeedsReconnect || c instanceof HighLevelFailure
                || c instanceof HighLevelUnavailable || c instanceof java.io.IOException || c instanceof UnknownAction;
    }

    private static Throwable rootOf(Throwable t) {
        Throwable c = t;
        while (c != null) {
            if (c instanceof PacedLater || c instanceof IntegrationNeedsReconnect || c instanceof HighLevelFailure
                    || c instanceof HighLevelUnavailable || c instanceof java.io.IOException || c instanceof UnknownAction) {
                return c;
            }
            if (c.getCause() == null || c.getCause() == c) {
                return c;
            }
            c = c.getCause();
        }
        return t;
    }
}
