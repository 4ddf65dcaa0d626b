package io.hlbridge.engine.highlevel;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.eventlog.HighLevelCall;
import io.hlbridge.engine.highlevel.HighLevelFailure.Kind;
import io.hlbridge.engine.work.ActionExchange;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spec §5's outcome table, row by row, as {@link HighLevelResponses} reads one answer of HighLevel:
 * what is recorded for the log and what the answer means for the action. No route, no database.
 */
class HighLevelResponsesTest {
    static final CamelContext CAMEL = new DefaultCamelContext();
    /** recordCall never touches the pacer; classify's pacing side (learn, holdOff) is LocationPacerIT's. */
    static final HighLevelResponses RESPONSES = new HighLevelResponses(null);

    /** An answer to {@code POST /contacts/{id}/tags}, as the HTTP endpoint leaves it on the exchange. */
    static Exchange answer(int status, String body, Map<String, Object> headers) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.setProperty(ActionExchange.REQUEST_METHOD, "POST");
        exchange.setProperty(ActionExchange.REQUEST_PATH, "/contacts/c1/tags");
        exchange.setProperty(ActionExchange.STARTED_NANOS, System.nanoTime());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        headers.forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    static HighLevelFailure judge(Exchange exchange) {
        HighLevelCall call = RESPONSES.recordCall(exchange);
        return HighLevelResponses.failureOf(exchange, call);
    }

    static HighLevelFailure judge(int status, String body, Map<String, Object> headers) {
        return judge(answer(status, body, headers));
    }

    // ---- 2xx: succeeded ----

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 299})
    void a2xxSucceeds_andIsRecordedWithoutAnError(int status) {
        Exchange exchange = answer(status, "{\"succeded\":true,\"traceId\":\"tr-ok\"}", Map.of());
        assertThat(judge(exchange)).isNull();
        HighLevelCall call = ActionExchange.calls(exchange).get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/contacts/c1/tags");
        assertThat(call.status()).isEqualTo(status);
        assertThat(call.traceId()).isEqualTo("tr-ok");
        assertThat(call.error()).isNull();
    }

    // ---- 429, 5xx, 408: retry later, honouring Retry-After and X-RateLimit-* ----

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408})
    void serverErrorsAndRequestTimeoutsAreRetriedOnTheSchedule(int status) {
        HighLevelFailure failure = judge(status, "{\"message\":\"upstream trouble\"}", Map.of());
        assertThat(failure.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.retryAfter()).as("no Retry-After: the schedule's own delay").isNull();
        assertThat(failure.getMessage()).isEqualTo("HighLevel answered " + status + ": upstream trouble");
    }

    @Test
    void aRetryAfterOnA5xxIsHonoured() {
        assertThat(judge(503, "", Map.of("Retry-After", "120")).retryAfter()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void a429WaitsAsLongAsRetryAfterSays() {
        HighLevelFailure failure = judge(429, "{\"message\":\"Too many requests\"}",
                Map.of("Retry-After", "7", "X-RateLimit-Interval-Milliseconds", "10000"));
        assertThat(failure.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void a429WithoutRetryAfterWaitsTheAdvertisedInterval_elseTenSeconds() {
        assertThat(judge(429, "", Map.of("X-RateLimit-Interval-Milliseconds", "2500", "X-RateLimit-Max", "100")).retryAfter())
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(judge(429, "", Map.of()).retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(judge(429, "", Map.of("Retry-After", "soon", "X-RateLimit-Interval-Milliseconds", " 4000 ")).retryAfter())
                .as("an unreadable Retry-After falls back to the interval").isEqualTo(Duration.ofMillis(4000));
    }

    @Test
    void aRetryAfterOfZeroStillWaitsASecond_neverABusyLoop() {
        assertThat(judge(429, "", Map.of("Retry-After", "0")).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(judge(429, "", Map.of("Retry-After", "-5")).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    // ---- no answer at all (timeouts, connection errors): recorded, then retried by ActionOutcomes ----

    @Test
    void aCallWithoutAnAnswerIsRecordedWithItsError() {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.setProperty(ActionExchange.REQUEST_METHOD, "POST");
        exchange.setProperty(ActionExchange.REQUEST_PATH, "/contacts/upsert");
        exchange.setProperty(ActionExchange.STARTED_NANOS, System.nanoTime());
        HighLevelResponses.recordUnanswered(exchange, new HttpTimeoutException("request timed out"));
        HighLevelCall call = ActionExchange.calls(exchange).get(0);
        assertThat(call.path()).isEqualTo("/contacts/upsert");
        assertThat(call.status()).isNull();
        assertThat(call.error()).isEqualTo("HttpTimeoutException: request timed out");

        Exchange neverSent = new DefaultExchange(CAMEL); // failed before any request was made: nothing to record
        HighLevelResponses.recordUnanswered(neverSent, new IOException("refused"));
        assertThat(ActionExchange.calls(neverSent)).isEmpty();
    }

    // ---- other 4xx: failed at once, with HighLevel's message and traceId ----

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 405, 409, 410, 413, 422})
    void otherClientErrorsFailAtOnce_withHighLevelsMessageAndTraceId(int status) {
        Exchange exchange = answer(status, "{\"statusCode\":" + status + ",\"message\":\"Location is not active\",\"traceId\":\"tr-42\"}",
                Map.of());
        HighLevelFailure failure = judge(exchange);
        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.retryAfter()).isNull();
        assertThat(failure.getMessage()).isEqualTo("HighLevel answered " + status + ": Location is not active (traceId tr-42)");
        HighLevelCall call = ActionExchange.calls(exchange).get(0);
        assertThat(call.status()).isEqualTo(status);
        assertThat(call.error()).isEqualTo("Location is not active");
        assertThat(call.traceId()).isEqualTo("tr-42");
    }

    @Test
    void a401AfterTheOneRefreshAndRetryFails_itIsNotRetriedAgain() {
        // the route refreshes and retries once on a 401 (highlevel-call); a second 401 reaches classify
        HighLevelFailure failure = judge(401, "{\"statusCode\":401,\"message\":\"Invalid JWT\"}", Map.of());
        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.getMessage()).isEqualTo("HighLevel answered 401: Invalid JWT");
    }

    @Test
    void validationMessagesAsAnArrayAreKeptWhole_andATraceIdHeaderIsRead() {
        Exchange exchange = answer(422, "{\"statusCode\":422,\"message\":[\"email must be an email\",\"tags must be an array\"]}",
                Map.of("traceId", "tr-header"));
        HighLevelFailure failure = judge(exchange);
        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.getMessage()).isEqualTo(
                "HighLevel answered 422: [\"email must be an email\",\"tags must be an array\"] (traceId tr-header)");
    }

    @Test
    void aBodyThatIsNotJsonIsTheMessage_cutAt300Characters() {
        Exchange exchange = answer(400, "x".repeat(1000), Map.of("x-trace-id", "tr-x"));
        HighLevelFailure failure = judge(exchange);
        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        HighLevelCall call = ActionExchange.calls(exchange).get(0);
        assertThat(call.error()).hasSize(300);
        assertThat(call.traceId()).isEqualTo("tr-x");
        assertThat(judge(403, "", Map.of()).getMessage()).isEqualTo("HighLevel answered 403");
    }

    // ---- a remembered contact id HighLevel no longer knows: forget it and try once more ----

    @Test
    void a404OnARememberedContactMeansTheContactIsGone() {
        Exchange exchange = answer(404, "{\"message\":\"Not found\"}", Map.of());
        exchange.setProperty(ActionExchange.CONTACT_FROM_CACHE, true);
        assertThat(judge(exchange).kind()).isEqualTo(Kind.CONTACT_GONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Contact not found", "The contact does not exist", "Contact was deleted"})
    void a400SayingTheRememberedContactIsGoneMeansTheSame(String message) {
        Exchange exchange = answer(400, "{\"message\":\"" + message + "\"}", Map.of());
        exchange.setProperty(ActionExchange.CONTACT_FROM_CACHE, true);
        assertThat(judge(exchange).kind()).isEqualTo(Kind.CONTACT_GONE);
    }

    @Test
    void otherwiseA404Or400IsARejection() {
        assertThat(judge(404, "{\"message\":\"Not found\"}", Map.of()).kind())
                .as("the contact id was not a remembered one").isEqualTo(Kind.REJECTED);
        Exchange otherReason = answer(400, "{\"message\":\"tags must be an array\"}", Map.of());
        otherReason.setProperty(ActionExchange.CONTACT_FROM_CACHE, true);
        assertThat(judge(otherReason).kind()).isEqualTo(Kind.REJECTED);
        // the action's own settings name something HighLevel does not know: the contact is not the problem
        for (String other : List.of("Workflow not found", "Pipeline stage not found", "Pipeline not found")) {
            for (int status : new int[] {400, 404}) {
                Exchange settings = answer(status, "{\"message\":\"" + other + "\"}", Map.of());
                settings.setProperty(ActionExchange.CONTACT_FROM_CACHE, true);
                assertThat(judge(settings).kind()).as(status + " " + other).isEqualTo(Kind.REJECTED);
            }
        }
        Exchange notCached = answer(400, "{\"message\":\"Contact not found\"}", Map.of());
        notCached.setProperty(ActionExchange.CONTACT_FROM_CACHE, false);
        assertThat(judge(notCached).kind()).isEqualTo(Kind.REJECTED);
    }
}
