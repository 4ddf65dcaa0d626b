package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.actions.ActionDeclaration;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.EventFacts;
import io.hlbridge.engine.triggers.TriggerDeriver;
import io.hlbridge.engine.work.ActionExchange;
import io.hlbridge.engine.work.ActionJob;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.jdbi.v3.core.Jdbi;

/**
 * The rules dry run (spec §4): which triggers a sample store event derives (as for a customer never
 * seen before), which of them this rule answers, and the HighLevel calls it would make — making
 * none and storing nothing. The calls are those of the action's own route ({@code direct:action-<id>}),
 * run with every HighLevel call recorded instead of sent (route highlevel-call asks
 * {@link #record}), so the dry run cannot drift from what the action does. Each recorded call is
 * answered as if HighLevel knew no contact id yet, but found the customer when asked.
 */
public final class RuleDryRun {
    /** The exchange property that makes route highlevel-call record instead of send: the calls so far. */
    public static final String RECORDED = "dryRunCalls";
    static final String CONTACT_ID = "{contactId}";

    private final StoreEventSchema schema;
    private final TriggerDeriver deriver;
    private final Jdbi jdbi;
    private final ActionCatalog actions;
    private final CamelContext camel;
    private volatile ProducerTemplate producer;

    public RuleDryRun(StoreEventSchema schema, TriggerDeriver deriver, Jdbi jdbi, ActionCatalog actions, CamelContext camel) {
        this.schema = schema;
        this.deriver = deriver;
        this.jdbi = jdbi;
        this.actions = actions;
        this.camel = camel;
    }

    public ObjectNode run(Rule rule, byte[] sampleEvent) {
        ObjectNode event = schema.parse(sampleEvent);
        List<DerivedTrigger> triggers = deriver.preview(event);
        var integration = jdbi.withHandle(h -> h.createQuery("SELECT name, status, location_id FROM integration WHERE id = :id")
                .bind("id", rule.integrationId()).mapToMap().one());
        String source = jdbi.withHandle(h -> h.createQuery("SELECT name FROM marketplace WHERE id = :id")
                .bind("id", rule.marketplaceId()).mapTo(String.class).one());
        String location = integration.get("location_id") == null ? "{locationId}" : (String) integration.get("location_id");

        ObjectNode out = Json.object();
        out.put("rule_id", rule.id());
        out.put("enabled", rule.enabled());
        out.put("integration_status", (String) integration.get("status"));
        ArrayNode triggerList = out.putArray("triggers");
        ArrayNode calls = out.putArray("calls");
        for (DerivedTrigger t : triggers) {
            boolean matches = t.fired() && t.trigger().equals(rule.trigger())
                    && (rule.scope().equals("global") || rule.productId().equals(t.productId()));
            triggerList.addObject().put("trigger", t.trigger()).put("product_id", t.productId())
                    .put("product_name", t.productName()).put("fired", t.fired()).put("matches_rule", matches)
                    .put("message", t.message());
            if (matches) {
                calls.addAll(callsOf(rule, t, location, source));
            }
        }
        return out;
    }

    /** Runs the action's route for this trigger with the calls recorded; an unknown action makes none. */
    private ArrayNode callsOf(Rule rule, DerivedTrigger t, String location, String source) {
        ArrayNode recorded = Json.MAPPER.createArrayNode();
        ActionCatalog.Declared action = actions.find(rule.action()).orElse(null);
        if (action == null) {
            return recorded;
        }
        Map<String, String> values = EventFacts.templateValues(t);
        ActionJob job = new ActionJob(0, "dry-run", rule.marketplaceId(), rule.integrationId(), rule.id(), rule.action(),
                rule.tags(), t.trigger(), "dry-run", t.productId(), t.customer(), source, 0, null, null, location,
                "connected", null, null, null, action.params().render(rule.params(), values), Json.MAPPER.valueToTree(values));
        Exchange exchange = new DefaultExchange(camel);
        ActionExchange.start(exchange, job);
        exchange.setProperty(RECORDED, recorded);
        Exchange done = producer().send("direct:action-" + rule.action(), exchange);
        if (done.getException() != null) {
            throw new IllegalStateException("the dry run of " + rule.action() + " failed", done.getException());
        }
        for (JsonNode call : recorded) {
            action.declaration().callList().stream()
                    .filter(c -> c.matches(call.path("method").asText(), call.path("path").asText().replaceFirst("\\?.*", "")))
                    .findFirst().map(ActionDeclaration.Call::when)
                    .ifPresent(when -> ((ObjectNode) call).put("note", "made " + when));
        }
        return recorded;
    }

    /**
     * Route highlevel-call in a dry run: the request is recorded (method, path with the contact id
     * as {@code {contactId}}, body) and answered with a made-up contact, instead of being sent.
     */
    public static void record(Exchange exchange) {
        ArrayNode recorded = exchange.getProperty(RECORDED, ArrayNode.class);
        String path = URLDecoder.decode(exchange.getProperty(ActionExchange.REQUEST_PATH, String.class), StandardCharsets.UTF_8);
        String query = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        int q = query == null ? -1 : query.indexOf('?');
        ObjectNode call = recorded.addObject();
        call.put("method", exchange.getProperty(ActionExchange.REQUEST_METHOD, String.class));
        call.put("path", path + (q < 0 ? "" : query.substring(q)));
        String body = exchange.getMessage().getBody(String.class);
        if (body != null) {
            call.set("body", Json.read(body));
        }
        ObjectNode answer = Json.object();
        answer.putObject("contact").put("id", CONTACT_ID);
        exchange.setProperty(ActionExchange.RESPONSE, answer);
    }

    private ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = camel.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }
}
