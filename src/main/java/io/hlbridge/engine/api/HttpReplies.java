package io.hlbridge.engine.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.db.DatabaseOutage;
import io.hlbridge.engine.db.SqlErrors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes HTTP answers onto an exchange: JSON bodies, and problems as {@code application/problem+json}.
 * The shared route configuration calls {@link #problem(Exchange)} for every exception, so no request
 * ever gets a stack trace back; an unexpected exception becomes a plain 500 and is logged here, an
 * unreachable database a 503 with {@code Retry-After} (logged once per outage, without a stack trace).
 */
public final class HttpReplies {
    private static final Logger LOG = LoggerFactory.getLogger(HttpReplies.class);
    /** What a request that failed because the database was unreachable is told to wait before trying again. */
    public static final int RETRY_AFTER_SECONDS = 5;
    /** Set on an exchange whose request failed because the database was unreachable. */
    public static final String DATABASE_UNAVAILABLE = "databaseUnavailable";

    private HttpReplies() {
    }

    /**
     * Drops every header the message carries (the request's, before a reply or an outgoing call is built).
     * The headers' map is cleared as it is: Camel's
     * {@code removeHeaders("*")} matches each name against the pattern as a regular expression, ~3 % of
     * the engine's CPU per webhook (JFR, bench/ingest).
     */
    public static void clearHeaders(Message message) {
        message.getHeaders().clear();
    }

    public static void json(Exchange exchange, int status, Object body) {
        Message message = exchange.getMessage();
        clearHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(Json.write(body));
    }

    public static void noContent(Exchange exchange) {
        Message message = exchange.getMessage();
        clearHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        message.setBody(null);
    }

    /** Renders the exception caught on this exchange as a problem (used by the error handler). */
    public static void problem(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = asProblem(caught, exchange);
        ObjectNode body = Json.object();
        body.put("type", "about:blank");
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.getMessage());
        if (problem.field() != null) {
            body.put("field", problem.field());
        }
        if (!problem.errors().isEmpty()) {
            var errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (path != null) {
            body.put("instance", withoutKeys(path));
        }
        Message message = exchange.getMessage();
        clearHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        if (problem.retryAfterSeconds() > 0) {
            message.setHeader("Retry-After", problem.retryAfterSeconds());
        }
        message.setBody(Json.write(body));
    }

    /**
     * A request path as it may be logged or answered: a source's webhook URL carries its key
     * ({@code /sources/{id}/{key}}), which never appears in a log or an answer.
     */
    public static String withoutKeys(String path) {
        return SOURCE_KEY.matcher(path).replaceFirst("$1…");
    }

    private static final java.util.regex.Pattern SOURCE_KEY = java.util.regex.Pattern.compile("^(/sources/[^/]*/)[^/]+");

    private static ProblemException asProblem(Throwable caught, Exchange exchange) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof ProblemException p) {
                return p;
            }
        }
        if (SqlErrors.isDatabaseUnavailable(caught)) {
            exchange.setProperty(DATABASE_UNAVAILABLE, true);
            DatabaseOutage.report(LOG, "requests are answered 503", caught);
            return ProblemException.unavailable("the engine's database is unreachable; try again in "
                    + RETRY_AFTER_SECONDS + " seconds", RETRY_AFTER_SECONDS);
        }
        LOG.error("Unexpected failure serving {} {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                withoutKeys(exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class)), caught);
        return new ProblemException(500, "Internal error",
                "the engine could not complete this request; it has been logged");
    }
}
