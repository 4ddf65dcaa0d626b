package io.hlbridge.engine.highlevel;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.eventlog.HighLevelCall;
import io.hlbridge.engine.eventlog.LoggedBodies;
import io.hlbridge.engine.highlevel.HighLevelFailure.Kind;
import io.hlbridge.engine.work.ActionExchange;
import io.hlbridge.engine.work.ActionJob;
import io.hlbridge.engine.work.LocationPacer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads HighLevel's answer to one call: records it for the log (method, path, status, latency,
 * traceId, HighLevel's message), teaches the pacer the advertised limit, and classifies it as spec
 * §5 says — success, retry later (429, 5xx), contact gone, or rejected (other 4xx).
 */
public final class HighLevelResponses {
    static final String RATE_LIMIT_MAX = "X-RateLimit-Max";
    static final String RATE_LIMIT_INTERVAL = "X-RateLimit-Interval-Milliseconds";
    static final String RETRY_AFTER = "Retry-After";
    static final String TRACE_ID = "traceId";
    static final String TRACE_ID_ALSO = "x-trace-id";
    /** The answer's headers the engine reads (and its type): {@link HighLevelHeaders} keeps these, drops the rest. */
    static final List<String> HEADERS_READ = List.of(Exchange.CONTENT_TYPE, RATE_LIMIT_MAX,
            RATE_LIMIT_INTERVAL, RETRY_AFTER, TRACE_ID, TRACE_ID_ALSO);

    private final LocationPacer pacer;

    public HighLevelResponses(LocationPacer pacer) {
        this.pacer = pacer;
    }

    /** Records the call, then throws {@link HighLevelFailure} unless it succeeded. */
    public void classify(Exchange exchange) {
        HighLevelCall call = recordCall(exchange);
        Message m = exchange.getMessage();
        String locationId = HighLevelTarget.of(exchange).locationId();
        Integer max = integer(m.getHeader(RATE_LIMIT_MAX));
        Integer interval = integer(m.getHeader(RATE_LIMIT_INTERVAL));
        LocationPacer.Slots slots = exchange.getProperty(HighLevelAuth.BOOKED, LocationPacer.Slots.class);
        if (slots == null || !slots.spacedBy(max, interval)) { // only a changed limit costs a write
            pacer.learn(locationId, max, interval);
        }
        HighLevelFailure failure = failureOf(exchange, call);
        if (failure == null) {
            return;
        }
        if (failure.status() == 429 && failure.retryAfter() != null) {
            pacer.holdOff(locationId, Instant.now().plus(failure.retryAfter()));
        }
        throw failure;
    }

    /**
     * Spec §5's outcome table for the answer on this exchange, already recorded as {@code call}: null
     * for a 2xx; {@link Kind#RETRYABLE} for 408, 429 and 5xx, waiting as long as {@code Retry-After}
     * says (on a 429 without it, the advertised {@code X-RateLimit-Interval-Milliseconds}, else 10 s);
     * {@link Kind#CONTACT_GONE} for a 404 (or a 400 saying the contact is gone) on a remembered contact
     * id; otherwise {@link Kind#REJECTED}, with HighLevel's message and traceId. Reads nothing else.
     */
    static HighLevelFailure failureOf(Exchange exchange, HighLevelCall call) {
        int status = call.status();
        Message m = exchange.getMessage();
        JsonNode body = exchange.getProperty(ActionExchange.RESPONSE, JsonNode.class);
        if (status >= 200 && status < 300) {
            return null;
        }
        String message = "HighLevel answered " + status + (call.error() == null ? "" : ": " + call.error())
                + (call.traceId() == null ? "" : " (traceId " + call.traceId() + ")");
        if (status == 429 || status >= 500 || status == 408) {
            return new HighLevelFailure(Kind.RETRYABLE, status, message, retryAfter(m, status));
        }
        if (Boolean.TRUE.equals(exchange.getProperty(ActionExchange.CONTACT_FROM_CACHE, Boolean.class))
                && (status == 404 && !namesAnotherResource(body) || status == 400 && mentionsMissingContact(body))) {
            return new HighLevelFailure(Kind.CONTACT_GONE, status, message, null);
        }
        return new HighLevelFailure(Kind.REJECTED, status, message, null);
    }

    /** Adds this call (with its request and response bodies, for the log) to the action's calls and returns it. */
    public HighLevelCall recordCall(Exchange exchange) {
        Message m = exchange.getMessage();
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String text = m.getBody(String.class);
        JsonNode body = parse(text);
        exchange.setProperty(ActionExchange.RESPONSE, body);
        String traceId = body != null && body.hasNonNull("traceId") ? body.get("traceId").asText()
                : m.getHeader(TRACE_ID, m.getHeader(TRACE_ID_ALSO, String.class), String.class);
        String error = status != null && status >= 300 ? errorMessage(body, text) : null;
        HighLevelCall call = new HighLevelCall(exchange.getProperty(ActionExchange.REQUEST_METHOD, String.class),
                exchange.getProperty(ActionExchange.REQUEST_PATH, String.class), status, latencyMs(exchange), traceId, error,
                Instant.now(), loggedRequest(exchange), LoggedBodies.forLog(text, body));
        ActionExchange.calls(exchange).add(call);
        return call;
    }

    /** A call that got no answer (timeout, refused connection): recorded with its error. */
    public static void recordUnanswered(Exchange exchange, Throwable error) {
        if (exchange.getProperty(ActionExchange.STARTED_NANOS) == null || exchange.getProperty(ActionExchange.REQUEST_METHOD) == null) {
            return;
        }
        ActionExchange.calls(exchange).add(new HighLevelCall(exchange.getProperty(ActionExchange.REQUEST_METHOD, String.class),
                exchange.getProperty(ActionExchange.REQUEST_PATH, String.class), null, latencyMs(exchange), null,
                error.getClass().getSimpleName() + ": " + error.getMessage(), Instant.now(), loggedRequest(exchange), null));
    }

    /** The request's body as the log keeps it (its text written from its node, when there is one). */
    private static String loggedRequest(Exchange exchange) {
        return LoggedBodies.forLogWritten(exchange.getProperty(HighLevelRequests.REQUEST_BODY, String.class),
                exchange.getProperty(HighLevelRequests.REQUEST_JSON, JsonNode.class));
    }

    private static long latencyMs(Exchange exchange) {
        Long started = exchange.getProperty(ActionExchange.STARTED_NANOS, Long.class);
        return started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception notJson) {
            return null;
        }
    }

    private static String errorMessage(JsonNode body, String text) {
        if (body != null && body.has("message")) {
            JsonNode msg = body.get("message");
            return msg.isArray() ? msg.toString() : msg.asText();
        }
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    /**
     * A 400 that says the contact is missing ("Contact not found", "… was deleted"). One that names
     * something else missing (a workflow, a pipeline or stage: an action's own settings) is a rejection:
     * forgetting the contact and upserting it again would not help.
     */
    private static boolean mentionsMissingContact(JsonNode body) {
        String message = message(body);
        return message.contains("contact") && !namesAnotherResource(body)
                && (message.contains("not found") || message.contains("does not exist") || message.contains("deleted"));
    }

    /** A message naming a missing thing other than the contact: the rule's workflow, pipeline, stage… */
    private static boolean namesAnotherResource(JsonNode body) {
        String message = message(body);
        return message.contains("workflow") || message.contains("pipeline") || message.contains("stage")
                || message.contains("opportunit") || message.contains("custom field") || message.contains("customfield")
                || message.contains("location");
    }

    private static String message(JsonNode body) {
        return body == null ? "" : body.path("message").toString().toLowerCase(Locale.ROOT);
    }

    private static Duration retryAfter(Message m, int status) {
        Integer seconds = integer(m.getHeader(RETRY_AFTER));
        if (seconds != null) {
            return Duration.ofSeconds(Math.max(1, seconds));
        }
        if (status == 429) {
            Integer interval = integer(m.getHeader(RATE_LIMIT_INTERVAL));
            return Duration.ofMillis(interval == null ? 10_000 : interval);
        }
        return null;
    }

    private static Integer integer(Object header) {
        if (header == null) {
            return null;
        }
        try {
            return Integer.valueOf(header.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
