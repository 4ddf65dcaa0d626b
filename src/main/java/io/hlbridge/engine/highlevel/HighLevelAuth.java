package io.hlbridge.engine.highlevel;

import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.work.ActionExchange;
import io.hlbridge.engine.work.ActionJob;
import io.hlbridge.engine.work.LocationPacer;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;

/**
 * The token-refresh interceptor of the HighLevel endpoints: before every call it reserves the
 * location's pacing slot and puts a valid access token on the request (refreshed shortly before it
 * expires); after a 401 it refreshes once, serialized across replicas by {@link HighLevelTokens}.
 */
public final class HighLevelAuth {
    /** The attempt's booked slots (also tells which limit they were spaced by). */
    public static final String BOOKED = "bookedSlots";
    private static final String BOOKED_COUNT = "bookedSlotCount";
    private static final String NEXT_SLOT = "nextBookedSlot";

    private final HighLevelTokens tokens;
    private final LocationPacer pacer;
    private final HighLevelResponses responses;
    private final ActionCatalog actions;

    public HighLevelAuth(HighLevelTokens tokens, LocationPacer pacer, HighLevelResponses responses, ActionCatalog actions) {
        this.tokens = tokens;
        this.pacer = pacer;
        this.responses = responses;
        this.actions = actions;
    }

    public void authorize(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        if (job == null) {
            authorizeOne(exchange, HighLevelTarget.of(exchange));
            return;
        }
        // one read of the stored token per attempt (it is valid for minutes past any attempt's end)
        String token = exchange.getProperty(ActionExchange.ACCESS_TOKEN, String.class);
        if (token == null) {
            token = tokens.accessToken(job.integrationId(), job.sealedAccessToken(), job.tokenExpiresAt());
        }
        boolean firstCall = exchange.getProperty(ActionExchange.SLOT_USED) == null;
        Instant slot;
        if (firstCall) {
            // book the slots of the whole action at once (its follow-up calls never queue behind
            // other actions); a job deferred earlier already holds its block from pacedSlotAt
            int calls = expectedCalls(exchange, job);
            LocationPacer.Slots slots = LocationPacer.stillUsable(job.pacedSlotAt())
                    ? pacer.booked(job.locationId(), job.pacedSlotAt())
                    : pacer.reserve(job.locationId(), calls);
            exchange.setProperty(ActionExchange.SLOT_USED, true);
            exchange.setProperty(BOOKED, slots);
            exchange.setProperty(NEXT_SLOT, 1);
            exchange.setProperty(BOOKED_COUNT, calls);
            slot = slots.first();
        } else {
            int next = exchange.getProperty(NEXT_SLOT, 0, Integer.class);
            LocationPacer.Slots slots = exchange.getProperty(BOOKED, LocationPacer.Slots.class);
            slot = slots != null && next < exchange.getProperty(BOOKED_COUNT, 0, Integer.class)
                    ? slots.get(next) : pacer.reserve(job.locationId());
            exchange.setProperty(NEXT_SLOT, next + 1);
        }
        // the first call of an attempt may be deferred to a later slot; later calls wait for theirs
        Duration maxWait = firstCall ? LocationPacer.MAX_WAIT : LocationPacer.MAX_WAIT_MID_ACTION;
        pacer.await(slot, maxWait);
        while (!LocationPacer.stillUsable(slot)) { // this thread came late to its slot: never send bunched up
            slot = pacer.reserve(job.locationId());
            pacer.await(slot, maxWait);
        }
        exchange.setProperty(ActionExchange.ACCESS_TOKEN, token);
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
        exchange.setProperty(ActionExchange.STARTED_NANOS, System.nanoTime());
    }

    /**
     * A call made for no action (a lookup): a valid token for the integration and the location's next slot;
     * the caller waits for it (up to {@link LocationPacer#MAX_WAIT_MID_ACTION}, as an action's later calls do).
     */
    private void authorizeOne(Exchange exchange, HighLevelTarget target) {
        String token = exchange.getProperty(ActionExchange.ACCESS_TOKEN, String.class);
        if (token == null) {
            token = tokens.accessToken(target.integrationId());
        }
        Instant slot = pacer.reserve(target.locationId());
        pacer.await(slot, LocationPacer.MAX_WAIT_MID_ACTION);
        while (!LocationPacer.stillUsable(slot)) {
            slot = pacer.reserve(target.locationId());
            pacer.await(slot, LocationPacer.MAX_WAIT_MID_ACTION);
        }
        exchange.setProperty(ActionExchange.ACCESS_TOKEN, token);
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
        exchange.setProperty(ActionExchange.STARTED_NANOS, System.nanoTime());
    }

    /**
     * How many calls this action will make from the one about to be sent on, as its declaration lists
     * them (routes/actions/<action>.camel.yaml): an upsert followed by a tags call counts two, a
     * remembered contact's tags call one.
     */
    int expectedCalls(Exchange exchange, ActionJob job) {
        return actions.require(job.action()).declaration().callsFrom(exchange.getProperty(ActionExchange.REQUEST_METHOD, String.class),
                exchange.getProperty(ActionExchange.REQUEST_PATH, String.class), !job.tags().isEmpty());
    }

    /** Called after a 401: records it, and gets a fresh token (or the integration needs reconnecting). */
    public void refreshAfterUnauthorized(Exchange exchange) {
        responses.recordCall(exchange);
        exchange.setProperty(ActionExchange.ACCESS_TOKEN, tokens.refreshAfterUnauthorized(
                HighLevelTarget.of(exchange).integrationId(), exchange.getProperty(ActionExchange.ACCESS_TOKEN, String.class)));
    }
}
