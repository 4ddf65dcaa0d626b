package io.hlbridge.engine.work;

import java.util.concurrent.BlockingQueue;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;

/**
 * Wakes one of this replica's stages: an empty exchange on the stage's seda queue (size 1), offered
 * only when no wake-up is pending already. A wake-up carries nothing (the tables are the work) and a
 * lost one costs a timer tick. {@code to: seda:…?discardWhenFull=true} did the same, but copied the
 * whole exchange first (a webhook's headers and body, 1.2 % of the engine's CPU), and under load the
 * copy was almost always discarded.
 */
public final class WakeUp {
    private final CamelContext context;
    private final String uri;
    private volatile BlockingQueue<Exchange> queue;

    /** {@code uri}: the stage's consumer endpoint, {@code seda:<name>?size=1}. */
    public WakeUp(CamelContext context, String uri) {
        this.context = context;
        this.uri = uri;
    }

    public void ring() {
        BlockingQueue<Exchange> q = queue();
        if (q.isEmpty()) {
            q.offer(new DefaultExchange(context)); // refused when another ring came first: that one wakes the stage
        }
    }

    private BlockingQueue<Exchange> queue() {
        BlockingQueue<Exchange> q = queue;
        if (q == null) {
            queue = q = context.getEndpoint(uri, SedaEndpoint.class).getQueue();
        }
        return q;
    }
}
