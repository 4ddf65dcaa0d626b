package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hlbridge.engine.actions.UnknownAction;
import io.hlbridge.engine.highlevel.HighLevelFailure;
import io.hlbridge.engine.highlevel.HighLevelFailure.Kind;
import io.hlbridge.engine.highlevel.HighLevelUnavailable;
import io.hlbridge.engine.highlevel.IntegrationNeedsReconnect;
import io.hlbridge.engine.triggers.Customer;
import io.hlbridge.engine.work.ActionOutcomes.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * What the end of an attempt does to its job (spec §5), as {@link ActionOutcomes} decides it:
 * succeeded, skipped, deferred to the pacing slot, waiting, failed at once, retrying, failed after
 * the retries. The writing of the outcome (ActionQueue) is ActionFlowIT's; no database here.
 */
class ActionOutcomesTest {
    static final CamelContext CAMEL = new DefaultCamelContext();
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    static ActionJob job(int attempts, Instant firstAttemptAt, String integrationStatus) {
        return new ActionJob(7, "log_1", "mkt_1", "int_1", "rul_1", "add_tags", List.of("customer"), "product.purchased",
                "evt_1", "prod_1", new Customer("ada@example.com", null, null, null, null, null, null, null, null), "Shop",
                attempts, firstAttemptAt, null, "loc_1", integrationStatus, "v1:sealed", NOW.plusSeconds(3600), null,
                io.hlbridge.engine.api.Json.object(), io.hlbridge.engine.api.Json.object());
    }

    static ActionJob firstAttempt() {
        return job(0, null, "connected");
    }

    static Outcome failure(Throwable caught) {
        return ActionOutcomes.failureOf(firstAttempt(), caught, NOW);
    }

    // ---- the attempt went through ----

    @Test
    void anAttemptThatWentThroughSucceeded() {
        Exchange exchange = new DefaultExchange(CAMEL);
        Outcome outcome = ActionOutcomes.successOf(exchange);
        assertThat(outcome.status()).isEqualTo("succeeded");
        assertThat(outcome.dueAt()).isNull();
        assertThat(outcome.countsAsAttempt()).isTrue();
    }

    @Test
    void removingTagsFromACustomerHighLevelDoesNotKnowIsSkipped_notAFailure() {
        Exchange exchange = new DefaultExchange(CAMEL);
        new ActionOutcomes(null).nothingToRemove(exchange);
        Outcome outcome = ActionOutcomes.successOf(exchange);
        assertThat(outcome.status()).isEqualTo("skipped");
        assertThat(outcome.message()).contains("no contact with this email", "nothing to remove");
    }

    // ---- the integration is not usable: waiting, not an attempt ----

    @Test
    void anActionOfAnIntegrationThatIsNotConnectedDoesNotStart_andWaits() {
        for (String status : List.of("pending", "needs_reconnect")) {
            Exchange exchange = new DefaultExchange(CAMEL);
            exchange.getMessage().setBody(job(0, null, status));
            Throwable thrown = catchThrowable(() -> new ActionOutcomes(null).begin(exchange));
            assertThat(thrown).isInstanceOf(IntegrationNeedsReconnect.class);
            Outcome outcome = failure(thrown);
            assertThat(outcome.status()).isEqualTo("waiting");
            assertThat(outcome.message()).isEqualTo("waiting for the integration to be reconnected: the integration is " + status);
            assertThat(outcome.countsAsAttempt()).isFalse();
            assertThat(outcome.dueAt()).as("it runs when the integration is reconnected, not at a time").isNull();
        }
        Exchange connected = new DefaultExchange(CAMEL);
        connected.getMessage().setBody(firstAttempt());
        new ActionOutcomes(null).begin(connected);
        assertThat(ActionExchange.job(connected)).isEqualTo(firstAttempt());
        assertThat(connected.getProperty("action")).isEqualTo("add_tags");
        assertThat(connected.getProperty(ActionExchange.RULE_HAS_TAGS)).as("its rule gives a tag").isEqualTo(true);
    }

    @Test
    void aRefreshTokenHighLevelRefusedMakesTheActionWait() {
        Outcome outcome = failure(new IntegrationNeedsReconnect("int_1", "needs_reconnect", "HighLevel refused the refresh token"));
        assertThat(outcome.status()).isEqualTo("waiting");
        assertThat(outcome.message()).endsWith("HighLevel refused the refresh token");
        assertThat(outcome.countsAsAttempt()).isFalse();
    }

    // ---- the location's pacing slot is later: deferred to it, not an attempt ----

    @Test
    void aLaterPacingSlotDefersTheJobToIt() {
        Instant slot = NOW.plusSeconds(4);
        Outcome outcome = failure(new CamelExecutionException("wrapped", null, new PacedLater(slot)));
        assertThat(outcome.status()).isEqualTo("deferred");
        assertThat(outcome.dueAt()).isEqualTo(slot);
        assertThat(outcome.countsAsAttempt()).isFalse();
    }

    // ---- other 4xx: failed at once, with HighLevel's message ----

    @Test
    void aRejectionFailsAtOnce_withHighLevelsMessage() {
        String message = "HighLevel answered 422: [\"email must be an email\"] (traceId tr-1)";
        Outcome outcome = failure(new HighLevelFailure(Kind.REJECTED, 422, message, null));
        assertThat(outcome.status()).isEqualTo("failed");
        assertThat(outcome.message()).isEqualTo(message);
        assertThat(outcome.dueAt()).isNull();
        assertThat(outcome.countsAsAttempt()).isTrue();
        assertThat(failure(new RuntimeException("route", new HighLevelFailure(Kind.CONTACT_GONE, 404, "gone", null))).status())
                .as("a contact still gone after the routes looked it up again fails, it is not retried").isEqualTo("failed");
    }

    // ---- 429, 5xx, no answer, anything unexpected: retrying on the schedule, then failed ----

    @Test
    void transientFailuresAreRetriedLater_eachSayingWhy() {
        record Case(Throwable caught, String reason) {
        }
        for (Case c : List.of(
                new Case(new HighLevelFailure(Kind.RETRYABLE, 503, "HighLevel answered 503", null), "HighLevel answered 503"),
                new Case(new HighLevelUnavailable("HighLevel's token endpoint answered 502: bad gateway"),
                        "HighLevel's token endpoint answered 502: bad gateway"),
                new Case(new HttpTimeoutException("request timed out"), "HighLevel did not answer: HttpTimeoutException"),
                new Case(new RuntimeException("camel", new ConnectException("refused")), "HighLevel did not answer: ConnectException"),
                new Case(new IOException("reset"), "HighLevel did not answer: IOException"),
                new Case(new IllegalStateException("a bug"), "unexpected error: IllegalStateException"))) {
            Outcome outcome = failure(c.caught());
            assertThat(outcome.status()).as(c.reason()).isEqualTo("retrying");
            assertThat(outcome.dueAt()).as(c.reason()).isAfter(NOW);
            assertThat(outcome.message()).as(c.reason()).isEqualTo(c.reason() + "; next attempt at " + outcome.dueAt());
            assertThat(outcome.countsAsAttempt()).isTrue();
        }
    }

    @Test
    void aRetryAfterLongerThanTheScheduleIsHonoured() {
        Outcome outcome = failure(new HighLevelFailure(Kind.RETRYABLE, 429, "HighLevel answered 429", Duration.ofHours(1)));
        assertThat(outcome.status()).isEqualTo("retrying");
        assertThat(outcome.dueAt()).isAfterOrEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void laterRetriesWaitLonger() {
        HighLevelFailure busy = new HighLevelFailure(Kind.RETRYABLE, 500, "HighLevel answered 500", null);
        Instant first = NOW.minus(Duration.ofHours(1));
        Instant afterOne = ActionOutcomes.failureOf(job(1, first, "connected"), busy, NOW).dueAt();
        Instant afterFour = ActionOutcomes.failureOf(job(4, first, "connected"), busy, NOW).dueAt();
        assertThat(afterFour).isAfter(afterOne);
    }

    @Test
    void afterThreeDaysOfRetriesTheActionFails() {
        HighLevelFailure busy = new HighLevelFailure(Kind.RETRYABLE, 500, "HighLevel answered 500", null);
        Outcome outcome = ActionOutcomes.failureOf(job(20, NOW.minus(Duration.ofDays(4)), "connected"), busy, NOW);
        assertThat(outcome.status()).isEqualTo("failed");
        assertThat(outcome.message()).isEqualTo("HighLevel answered 500; gave up after 3 days of retries");
        assertThat(outcome.dueAt()).isNull();
        assertThat(outcome.countsAsAttempt()).isTrue();

        Outcome unanswered = ActionOutcomes.failureOf(job(20, NOW.minus(Duration.ofDays(4)), "connected"),
                new HttpTimeoutException("timed out"), NOW);
        assertThat(unanswered.status()).isEqualTo("failed");
        assertThat(unanswered.message()).startsWith("HighLevel did not answer: HttpTimeoutException");
    }

    @Test
    void theCauseIsFoundHoweverDeepCamelWrappedIt() {
        Throwable deep = new CamelExecutionException("outer", null,
                new RuntimeException("middle", new HighLevelFailure(Kind.REJECTED, 400, "HighLevel answered 400", null)));
        assertThat(failure(deep).status()).isEqualTo("failed");
        assertThat(failure(deep).message()).isEqualTo("HighLevel answered 400");
    }

    @Test
    void anActionTheEngineDoesNotKnowFailsAtOnceSayingSo_neverRetriedNorSucceeded() {
        Outcome outcome = failure(new org.apache.camel.RuntimeCamelException(new UnknownAction("send_sms")));
        assertThat(outcome.status()).isEqualTo("failed");
        assertThat(outcome.message()).isEqualTo("unknown action 'send_sms': this engine cannot perform it");
        assertThat(outcome.dueAt()).isNull();
    }
}
