package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.triggers.TriggerCatalog;
import java.time.Duration;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/triggers}: the trigger catalog of spec §2 for the people who write rules: id,
 * display name, category and when it fires, in words, with the prospect delay and the delinquency
 * threshold this engine runs with. Authentication already ran (AdminAuth).
 */
public final class TriggersApi {
    private final Duration prospectDelay;
    private final int delinquentAfter;

    public TriggersApi(Duration prospectDelay, int delinquentAfter) {
        this.prospectDelay = prospectDelay;
        this.delinquentAfter = delinquentAfter;
    }

    public void list(Exchange exchange) {
        HttpReplies.json(exchange, 200, view());
    }

    ObjectNode view() {
        ObjectNode out = Json.object();
        var items = out.putArray("items");
        TriggerCatalog.ALL.forEach(t -> items.addObject()
                .put("id", t.id())
                .put("display_name", t.displayName())
                .put("category", t.category())
                .put("explanation", TriggerCatalog.explain(t, prospectDelay, delinquentAfter)));
        out.putObject("settings")
                .put("prospect_delay", prospectDelay.toString())
                .put("delinquent_after", delinquentAfter);
        return out;
    }
}
