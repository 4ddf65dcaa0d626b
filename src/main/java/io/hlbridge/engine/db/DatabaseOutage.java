package io.hlbridge.engine.db;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does with a failure caused by an unreachable database: it passes when the database
 * is back, so it is logged as one WARN line (no stack trace) at most every {@link #REPORT_EVERY} for
 * each thing it stops, instead of an ERROR at every tick of every worker. As the error handler of the
 * workers' routes ({@code worker-errors}) it does the same for them: the worker tries again on its next
 * tick, and any other failure is logged as an ERROR with its cause, as before.
 */
public final class DatabaseOutage {
    public static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutage.class);
    private static final Map<String, Long> LAST_REPORTED = new ConcurrentHashMap<>();

    /** Logs that the database is unreachable and {@code consequence}, unless that was said moments ago. */
    public static void report(Logger log, String consequence, Throwable cause) {
        long now = System.nanoTime();
        Long last = LAST_REPORTED.get(consequence);
        if (last != null && now - last < REPORT_EVERY.toNanos()) {
            return;
        }
        LAST_REPORTED.put(consequence, now);
        log.warn("Database unreachable ({}): {}", rootMessage(cause), consequence);
    }

    /** The error handler of the workers' routes (routes/errors.camel.yaml, worker-errors). */
    public void workerFailed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String route = exchange.getFromRouteId();
        if (SqlErrors.isDatabaseUnavailable(caught)) {
            report(LOG, route + " waits for it and tries again", caught);
        } else {
            LOG.error("{} failed; it tries again on its next turn", route, caught);
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c != null && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == null ? "unknown" : c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
