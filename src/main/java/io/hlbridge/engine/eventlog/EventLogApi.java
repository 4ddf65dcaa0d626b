package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.work.ActionReplay;
import io.hlbridge.engine.work.RetryNow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/** Handlers of {@code …/marketplaces/{marketplaceId}/logs} (spec §7). Authentication already ran. */
public final class EventLogApi {
    static final List<String> FILTERS = List.of("q", "kind", "trigger", "action", "status", "product_id",
            "integration_id", "source_id", "event_id", "since", "until", "limit", "cursor");
    static final Set<String> REPLAYABLE = Set.of("failed", "waiting", "canceled");
    /** A bulk replay re-runs at most this many actions per call; {@code more} says when others remain. */
    static final int BULK_REPLAY_MAX = 200;

    private final EventLogQueries queries;
    private final ActionReplay replay;
    private final RetryNow retryNow;

    public EventLogApi(EventLogQueries queries, ActionReplay replay, RetryNow retryNow) {
        this.queries = queries;
        this.replay = replay;
        this.retryNow = retryNow;
    }

    public void list(Exchange exchange) {
        EventLogQueries.Page page = queries.search(marketplace(exchange), filters(exchange));
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

    /**
     * {@code POST …/logs/replay} with the search's filters: every failed, waiting or canceled action
     * they match that was never replayed runs again, once, oldest first (up to {@value #BULK_REPLAY_MAX}
     * per call). One that cannot run (its integration deleted, replayed meanwhile) is skipped, saying why.
     */
    public void replayAll(Exchange exchange) {
        String marketplace = marketplace(exchange);
        Map<String, String> params = filters(exchange);
        String kind = params.get("kind");
        if (kind != null && !kind.isBlank() && !kind.trim().equals("action")) {
            throw ProblemException.invalidField("kind", "only actions can be replayed: leave it out or use 'action'");
        }
        String status = params.get("status");
        Set<String> statuses = REPLAYABLE;
        if (status != null && !status.isBlank()) {
            if (!REPLAYABLE.contains(status.trim())) {
                throw ProblemException.invalidField("status", "only failed, waiting or canceled actions can be replayed");
            }
            statuses = Set.of(status.trim());
        }
        EventLogQueries.Where where = queries.where(marketplace, params);
        List<String> candidates = queries.replayable(where, statuses, BULK_REPLAY_MAX + 1);
        boolean more = candidates.size() > BULK_REPLAY_MAX;
        ObjectNode out = Json.object();
        var replayed = out.putArray("items");
        var skipped = out.putArray("skipped");
        for (String id : candidates.subList(0, Math.min(candidates.size(), BULK_REPLAY_MAX))) {
            try {
                String newId = replay.replay(marketplace, id, true);
                replayed.addObject().put("id", newId).put("replay_of", id);
            } catch (ProblemException cannot) {
                skipped.addObject().put("id", id).put("reason", cannot.getMessage());
            }
        }
        out.put("replayed", replayed.size());
        out.put("more", more);
        HttpReplies.json(exchange, 202, out);
    }

    /** {@code POST …/logs/{id}/retry}: a retrying action runs now; 409 otherwise. Answers the entry. */
    public void retry(Exchange exchange) {
        String marketplace = marketplace(exchange);
        String id = exchange.getMessage().getHeader("logId", String.class);
        retryNow.retry(marketplace, id);
        HttpReplies.json(exchange, 202, queries.get(marketplace, id).orElseThrow());
    }

    private static Map<String, String> filters(Exchange exchange) {
        Map<String, String> params = new HashMap<>();
        for (String f : FILTERS) {
            params.put(f, exchange.getMessage().getHeader(f, String.class));
        }
        return params;
    }

    private static String marketplace(Exchange exchange) {
        return exchange.getMessage().getHeader("marketplaceId", String.class);
    }
}
