package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.work.ActionReplay;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** Handlers of {@code …/marketplaces/{marketplaceId}/logs} (spec §7). Authentication already ran. */
public final class EventLogApi {
    static final List<String> FILTERS = List.of("q", "kind", "trigger", "action", "status", "product_id",
            "integration_id", "source_id", "since", "until", "limit", "cursor");

    private final EventLogQueries queries;
    private final ActionReplay replay;

    public EventLogApi(EventLogQueries queries, ActionReplay replay) {
        this.queries = queries;
        this.replay = replay;
    }

    public void list(Exchange exchange) {
        Map<String, String> params = new HashMap<>();
        for (String f : FILTERS) {
            params.put(f, exchange.getMessage().getHeader(f, String.class));
        }
        EventLogQueries.Page page = queries.search(marketplace(exchange), params);
        ObjectNode out = Json.object();
        var items = out.putArray("items");
        page.items().forEach(items::add);
        out.put("next_cursor", page.nextCursor());
        HttpReplies.json(exchange, 200, out);
    }

    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("logId", String.class);
        HttpReplies.json(exchange, 200, queries.get(marketplace(exchange), id)
                .orElseThrow(() -> ProblemException.notFound("no log entry '" + id + "' in this marketplace")));
    }

    public void replay(Exchange exchange) {
        String marketplace = marketplace(exchange);
        String newId = replay.replay(marketplace, exchange.getMessage().getHeader("logId", String.class));
        HttpReplies.json(exchange, 202, queries.get(marketplace, newId).orElseThrow());
    }

    private static String marketplace(Exchange exchange) {
        return exchange.getMessage().getHeader("marketplaceId", String.class);
    }
}
