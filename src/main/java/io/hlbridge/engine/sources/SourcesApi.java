package io.hlbridge.engine.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import java.time.OffsetDateTime;
import org.apache.camel.Exchange;

/**
 * Handlers of {@code /api/v1/marketplaces/{marketplaceId}/sources} (PRODUCT.md §3a, §8) and of
 * {@code /api/v1/platforms}. Authentication already ran (AdminAuth). The webhook URL carries the
 * source's key, so it is answered only when the key is made: at creation and by rotate-key.
 */
public final class SourcesApi {
    private static final int MAX_SECRET = 500;

    private final SourceStore store;
    private final SourcePlatforms platforms;
    private final MarketplaceStore marketplaces;
    private final String publicUrl;

    public SourcesApi(SourceStore store, SourcePlatforms platforms, MarketplaceStore marketplaces, String publicUrl) {
        this.store = store;
        this.platforms = platforms;
        this.marketplaces = marketplaces;
        this.publicUrl = publicUrl;
    }

    /** {@code GET /api/v1/platforms}: each platform with its set-up steps, for the console. */
    public void platforms(Exchange exchange) {
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("items");
        for (SourcePlatform p : platforms.all()) {
            ObjectNode item = items.addObject();
            item.put("id", p.id());
            item.put("name", p.displayName());
            item.put("signs", p.signs());
            ArrayNode steps = item.putArray("setup_steps");
            p.setupSteps().forEach(steps::add);
        }
        HttpReplies.json(exchange, 200, out);
    }

    public void list(Exchange exchange) {
        String marketplaceId = existingMarketplace(exchange);
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("items");
        store.list(marketplaceId).forEach(s -> items.add(view(s, null)));
        HttpReplies.json(exchange, 200, out);
    }

    /** {@code POST {"platform", "name", "signing_secret"?}} → 201 with the webhook URL, shown this once. */
    public void create(Exchange exchange) {
        String marketplaceId = existingMarketplace(exchange);
        ObjectNode body = Json.requestObject(exchange.getMessage().getBody(byte[].class));
        SourcePlatform platform = platform(body);
        String name = Json.requiredText(body, "name", 100);
        String secret = signingSecret(body, platform);
        SourceStore.WithKey created = store.create(marketplaceId, platform.id(), name, secret);
        HttpReplies.json(exchange, 201, view(created.source(), created.key()));
    }

    public void get(Exchange exchange) {
        HttpReplies.json(exchange, 200, view(existing(exchange), null));
    }

    /** {@code PATCH {"name"?, "signing_secret"?}}: a null signing_secret removes it. */
    public void update(Exchange exchange) {
        SourceStore.SourceRow source = existing(exchange);
        ObjectNode body = Json.requestObject(exchange.getMessage().getBody(byte[].class));
        SourceStore.SourceRow updated = source;
        if (body.has("name")) {
            updated = store.rename(source.marketplaceId(), source.id(), Json.requiredText(body, "name", 100))
                    .orElseThrow(() -> notFound(source.id()));
        }
        if (body.has("signing_secret")) {
            SourcePlatform platform = platforms.find(source.platform()).orElseThrow();
            updated = store.setSigningSecret(source.marketplaceId(), source.id(), signingSecret(body, platform))
                    .orElseThrow(() -> notFound(source.id()));
        }
        HttpReplies.json(exchange, 200, view(updated, null));
    }

    /** A new key, so a new webhook URL; the old URL is refused from now on. */
    public void rotateKey(Exchange exchange) {
        SourceStore.SourceRow source = existing(exchange);
        SourceStore.WithKey rotated = store.rotateKey(source.marketplaceId(), source.id())
                .orElseThrow(() -> notFound(source.id()));
        HttpReplies.json(exchange, 200, view(rotated.source(), rotated.key()));
    }

    public void delete(Exchange exchange) {
        SourceStore.SourceRow source = existing(exchange);
        if (!store.delete(source.marketplaceId(), source.id())) {
            throw notFound(source.id());
        }
        HttpReplies.noContent(exchange);
    }

    private SourcePlatform platform(ObjectNode body) {
        String id = Json.requiredText(body, "platform", 40);
        return platforms.find(id).orElseThrow(() -> ProblemException.invalidField("platform",
                "must be one of " + platforms.all().stream().map(SourcePlatform::id).toList()));
    }

    /** The signing secret of a body (null when absent or null); refused for a platform that signs nothing. */
    private static String signingSecret(ObjectNode body, SourcePlatform platform) {
        JsonNode node = body.get("signing_secret");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!platform.signs()) {
            throw ProblemException.invalidField("signing_secret",
                    platform.displayName() + " signs nothing: the key in the webhook URL is its only credential");
        }
        return Json.requiredText(body, "signing_secret", MAX_SECRET);
    }

    private ObjectNode view(SourceStore.SourceRow s, String key) {
        ObjectNode out = Json.object();
        out.put("id", s.id());
        out.put("platform", s.platform());
        out.put("name", s.name());
        out.put("webhook_url", key == null ? null : publicUrl + "/sources/" + s.id() + "/" + key);
        out.put("has_signing_secret", s.hasSigningSecret());
        out.put("created_at", instant(s.createdAt()));
        out.put("updated_at", instant(s.updatedAt()));
        out.put("last_event_at", instant(s.lastEventAt()));
        out.put("refused_count", s.refusedCount());
        out.put("last_refused_at", instant(s.lastRefusedAt()));
        return out;
    }

    private String existingMarketplace(Exchange exchange) {
        return marketplaces.existingId(exchange.getMessage().getHeader("marketplaceId", String.class));
    }

    private SourceStore.SourceRow existing(Exchange exchange) {
        String marketplaceId = exchange.getMessage().getHeader("marketplaceId", String.class);
        String id = exchange.getMessage().getHeader("sourceId", String.class);
        return store.find(marketplaceId, id).orElseThrow(() -> notFound(id));
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("no source with id '" + id + "' in this marketplace");
    }

    private static String instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }
}
