package io.hlbridge.engine.highlevel;

import io.hlbridge.engine.work.ActionExchange;
import io.hlbridge.engine.work.ActionJob;
import org.apache.camel.Exchange;

/**
 * Whose call {@code direct:highlevel-call} makes: the integration (its tokens) and the location (its pacing).
 * An action's job says it; a call made for no action (the console's lookups, the location's name) puts one
 * of these on the exchange as {@link #PROPERTY}.
 */
public record HighLevelTarget(String integrationId, String locationId) {
    public static final String PROPERTY = "highLevelTarget";

    public static HighLevelTarget of(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        if (job != null) {
            return new HighLevelTarget(job.integrationId(), job.locationId());
        }
        HighLevelTarget target = exchange.getProperty(PROPERTY, HighLevelTarget.class);
        if (target == null) {
            throw new IllegalStateException("a HighLevel call needs an action job or a " + PROPERTY);
        }
        return target;
    }
}
