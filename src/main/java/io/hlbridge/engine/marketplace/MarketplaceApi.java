package io.hlbridge.engine.marketplace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.AdminAuth;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.api.Principal;
import io.hlbridge.engine.marketplace.MarketplaceStore.Marketplace;
import java.util.List;
import org.apache.camel.Exchange;

/** Handlers of {@code /api/v1/marketplaces} (spec §8). Authentication already ran (AdminAuth). */
public final class MarketplaceApi {
    private final MarketplaceStore store;
    private final String publicUrl;

    public MarketplaceApi(MarketplaceStore store, String publicUrl) {
        this.store = store;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
    }

    public void create(Exchange exchange) {
        AdminAuth.requireOperator(exchange);
        ObjectNode body = Json.requestObject(exchange.getMessage().getBody(byte[].class));
        String name = requiredName(body);
        MarketplaceStore.Created created = store.create(name);
        ObjectNode out = view(created.marketplace());
        out.put("webhook_secret", created.webhookSecret());
        out.put("api_key", created.apiKey());
        HttpReplies.json(exchange, 201, out);
    }

    public void list(Exchange exchange) {
        Principal principal = AdminAuth.principalOf(exchange);
        List<Marketplace> all = principal.isOperator()
                ? store.list()
                : store.find(principal.marketplaceId()).map(List::of).orElse(List.of());
        ObjectNode out = Json.object();
        var items = out.putArray("items");
        all.forEach(m -> items.add(view(m)));
        HttpReplies.json(exchange, 200, out);
    }

    /**
     * The marketplace with its own webhook endpoint (spec §3) and how it fares: the URL stores post to,
     * the last delivery received, the deliveries refused for their signature, and until when a rotated
     * secret still works. The secret itself is never part of it: it is shown at create and rotate only.
     */
    public void get(Exchange exchange) {
        Marketplace m = existing(exchange);
        ObjectNode out = view(m);
        out.put("webhook_url", publicUrl + "/webhooks/" + m.id());
        store.webhookHealth(m.id()).ifPresent(health -> {
            out.put("last_event_at", instant(health.lastEventAt()));
            out.put("refused_count", health.refusedCount());
            out.put("last_refused_at", instant(health.lastRefusedAt()));
            out.put("previous_secret_expires_at", instant(health.previousSecretExpiresAt()));
        });
        HttpReplies.json(exchange, 200, out);
    }

    private static String instant(java.time.OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }

    public void rotateSecret(Exchange exchange) {
        String id = existing(exchange).id();
        String secret = store.rotateWebhookSecret(id).orElseThrow(() -> notFound(id));
        ObjectNode out = Json.object();
        out.put("webhook_secret", secret);
        out.put("previous_secret_valid_for_hours", MarketplaceStore.PREVIOUS_SECRET_GRACE.toHours());
        HttpReplies.json(exchange, 200, out);
    }

    private Marketplace existing(Exchange exchange) {
        String id = exchange.getMessage().getHeader("marketplaceId", String.class);
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("no marketplace with id '" + id + "'");
    }

    static String requiredName(ObjectNode body) {
        return Json.requiredText(body, "name", 100);
    }

    static ObjectNode view(Marketplace m) {
        ObjectNode out = Json.object();
        out.put("id", m.id());
        out.put("name", m.name());
        out.put("created_at", m.createdAt().toInstant().toString());
        return out;
    }
}
