package io.hlbridge.engine.highlevel;

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
    private final HighLevelTokens tokens;
    private final LocationPacer pacer;
    private final HighLevelResponses responses;

    public HighLevelAuth(HighLevelTokens tokens, LocationPacer pacer, HighLevelResponses responses) {
        this.tokens = tokens;
        this.pacer = pacer;
        this.responses = responses;
    }

    public void authorize(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        String token = tokens.accessToken(job.integrationId());
        boolean firstCall = exchange.getProperty(ActionExchange.SLOT_USED) == null;
        Instant slot = firstCall && LocationPacer.stillUsable(job.pacedSlotAt()) ? job.pacedSlotAt() : pacer.reserve(job.locationId());
        exchange.setProperty(ActionExchange.SLOT_USED, true);
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

    /** Called after a 401: records it, and gets a fresh token (or the integration needs reconnecting). */
    public void refreshAfterUnauthorized(Exchange exchange) {
        responses.recordCall(exchange);
        ActionJob job = ActionExchange.job(exchange);
        tokens.refreshAfterUnauthorized(job.integrationId(), exchange.getProperty(ActionExchange.ACCESS_TOKEN, String.class));
    }
}
