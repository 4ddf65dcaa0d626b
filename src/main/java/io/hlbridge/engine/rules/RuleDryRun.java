package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.highlevel.HighLevelRequests;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.TriggerDeriver;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The rules dry run (spec §4): which triggers a sample store event derives (as for a customer never
 * seen before), which of them this rule answers, and the HighLevel calls it would make — making
 * none and storing nothing.
 */
public final class RuleDryRun {
    private final StoreEventSchema schema;
    private final TriggerDeriver deriver;
    private final Jdbi jdbi;

    public RuleDryRun(StoreEventSchema schema, TriggerDeriver deriver, Jdbi jdbi) {
        this.schema = schema;
        this.deriver = deriver;
        this.jdbi = jdbi;
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
        var triggerList = out.putArray("triggers");
        var calls = out.putArray("calls");
        for (DerivedTrigger t : triggers) {
            boolean matches = t.fired() && t.trigger().equals(rule.trigger())
                    && (rule.scope().equals("global") || rule.productId().equals(t.productId()));
            triggerList.addObject().put("trigger", t.trigger()).put("product_id", t.productId())
                    .put("product_name", t.productName()).put("fired", t.fired()).put("matches_rule", matches)
                    .put("message", t.message());
            if (!matches) {
                continue;
            }
            switch (rule.action()) {
                case "create_contact" -> {
                    call(calls, "POST", "/contacts/upsert", HighLevelRequests.upsertBody(t.customer(), location, source));
                    if (!rule.tags().isEmpty()) {
                        call(calls, "POST", "/contacts/{contactId}/tags", HighLevelRequests.tagsBody(rule.tags()));
                    }
                }
                case "add_tags" -> {
                    call(calls, "POST", "/contacts/upsert", HighLevelRequests.upsertBody(t.customer(), location, source))
                            .put("note", "skipped when the contact id is already known for this email");
                    call(calls, "POST", "/contacts/{contactId}/tags", HighLevelRequests.tagsBody(rule.tags()));
                }
                default -> {
                    call(calls, "GET", "/contacts/search/duplicate?locationId=" + location + "&email=" + t.customer().email(), null)
                            .put("note", "skipped when the contact id is already known; no contact means nothing to remove");
                    call(calls, "DELETE", "/contacts/{contactId}/tags", HighLevelRequests.tagsBody(rule.tags()));
                }
            }
        }
        return out;
    }

    private static ObjectNode call(com.fasterxml.jackson.databind.node.ArrayNode calls, String method, String path, ObjectNode body) {
        ObjectNode c = calls.addObject();
        c.put("method", method);
        c.put("path", path);
        if (body != null) {
            c.set("body", body);
        }
        return c;
    }
}
