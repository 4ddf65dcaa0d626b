package io.hlbridge.engine.work;

import io.hlbridge.engine.eventlog.HighLevelCall;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/** The exchange properties an action carries through the HighLevel routes, in one place. */
public final class ActionExchange {
    public static final String JOB = "actionJob";
    /** The job's action, which routes it to its route (direct:action-${exchangeProperty.action}). */
    public static final String ACTION = "action";
    /**
     * Whether the rule gives tags, for an action route to ask as ${exchangeProperty.ruleHasTags}: a plain
     * property, where ${exchangeProperty.actionJob.tags…} would make Camel introspect the job at every call.
     */
    public static final String RULE_HAS_TAGS = "ruleHasTags";
    public static final String CALLS = "calls";
    public static final String CONTACT_ID = "contactId";
    public static final String CONTACT_FROM_CACHE = "contactFromCache";
    /** A contact id HighLevel named during this attempt, to remember with its outcome. */
    public static final String LEARNED_CONTACT_ID = "learnedContactId";
    /** Set once the remembered contact id read with the claim has been used or forgotten. */
    public static final String CLAIMED_CONTACT_USED = "claimedContactUsed";
    public static final String RESPONSE = "response";
    public static final String OUTCOME_MESSAGE = "outcomeMessage";
    public static final String SKIPPED = "skipped";
    public static final String REQUEST_METHOD = "requestMethod";
    public static final String REQUEST_PATH = "requestPath";
    public static final String STARTED_NANOS = "startedNanos";
    public static final String ACCESS_TOKEN = "accessToken";
    public static final String SLOT_USED = "slotUsed";

    private ActionExchange() {
    }

    /** The properties an attempt of {@code job} starts with (also a rules dry run's). */
    public static void start(Exchange exchange, ActionJob job) {
        exchange.setProperty(JOB, job);
        exchange.setProperty(ACTION, job.action());
        exchange.setProperty(RULE_HAS_TAGS, !job.tags().isEmpty());
    }

    public static ActionJob job(Exchange exchange) {
        return exchange.getProperty(JOB, ActionJob.class);
    }

    @SuppressWarnings("unchecked")
    public static List<HighLevelCall> calls(Exchange exchange) {
        List<HighLevelCall> calls = exchange.getProperty(CALLS, List.class);
        if (calls == null) {
            calls = new ArrayList<>();
            exchange.setProperty(CALLS, calls);
        }
        return calls;
    }

    public static String contactId(Exchange exchange) {
        return exchange.getProperty(CONTACT_ID, String.class);
    }
}
