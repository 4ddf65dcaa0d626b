package io.hlbridge.engine.integrations;

import static io.hlbridge.engine.integrations.IntegrationStore.notFound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.highlevel.HighLevelTokens;
import io.hlbridge.engine.highlevel.HighLevelUnavailable;
import io.hlbridge.engine.highlevel.IntegrationNeedsReconnect;
import io.hlbridge.engine.highlevel.UnknownIntegration;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import java.time.OffsetDateTime;
import org.apache.camel.Exchange;

/**
 * Handlers of {@code /api/v1/marketplaces/{marketplaceId}/integrations} (spec §6, §8). Authentication
 * already ran (AdminAuth), so the caller may reach this marketplace; an integration of another
 * marketplace is simply not found here.
 */
public final class IntegrationApi {
    private final IntegrationStore store;
    private final MarketplaceStore marketplaces;
    private final HighLevelTokens tokens;
    private final AuthorizeUrls authorizeUrls;
    private final ConsoleReturn consoleReturn;

    public IntegrationApi(IntegrationStore store, MarketplaceStore marketplaces, HighLevelTokens tokens,
                          AuthorizeUrls authorizeUrls, ConsoleReturn consoleReturn) {
        this.store = store;
        this.marketplaces = marketplaces;
        this.tokens = tokens;
        this.authorizeUrls = authorizeUrls;
        this.consoleReturn = consoleReturn;
    }

    public void list(Exchange exchange) {
        String marketplaceId = existingMarketplace(exchange);
        ObjectNode out = Json.object();
        var items = out.putArray("items");
        store.list(marketplaceId).forEach(i -> items.add(view(i)));
        HttpReplies.json(exchange, 200, out);
    }

    /** {@code POST {"name"}} → 201, the pending integration with the URL that connects it. */
    public void create(Exchange exchange) {
        String marketplaceId = existingMarketplace(exchange);
        String name = requiredName(Json.requestObject(exchange.getMessage().getBody(byte[].class)));
        Integration created = store.create(marketplaceId, name);
        HttpReplies.json(exchange, 201, withAuthorizeUrl(exchange, created));
    }

    public void get(Exchange exchange) {
        HttpReplies.json(exchange, 200, view(existing(exchange)));
    }

    /** {@code PATCH {"name"}}: names are unique within the marketplace (409 naming {@code name}). */
    public void update(Exchange exchange) {
        Integration integration = existing(exchange);
        ObjectNode body = Json.requestObject(exchange.getMessage().getBody(byte[].class));
        Integration updated = integration;
        if (body.has("name")) {
            String name = requiredName(body);
            updated = store.rename(integration.marketplaceId(), integration.id(), name)
                    .orElseThrow(() -> notFound(integration.id()));
        }
        HttpReplies.json(exchange, 200, view(updated));
    }

    /**
     * Refreshes the token now and reports the status: connected, or needs_reconnect (or still pending)
     * with a new {@code authorize_url}. 502 when HighLevel could not be reached (nothing changed).
     */
    public void refresh(Exchange exchange) {
        Integration integration = existing(exchange);
        try {
            if (tokens.refreshNow(integration.id()).isEmpty()) {
                HttpReplies.json(exchange, 200, withAuthorizeUrl(exchange, reread(integration)));
                return;
            }
        } catch (IntegrationNeedsReconnect e) {
            HttpReplies.json(exchange, 200, withAuthorizeUrl(exchange, reread(integration)));
            return;
        } catch (UnknownIntegration e) {
            throw notFound(integration.id());
        } catch (HighLevelUnavailable e) {
            throw new ProblemException(502, "HighLevel unavailable",
                    "the token could not be refreshed now, try again later: " + e.getMessage());
        }
        HttpReplies.json(exchange, 200, view(reread(integration)));
    }

    /** A new authorization URL to (re)connect the integration; its id and rules stay. */
    public void connect(Exchange exchange) {
        HttpReplies.json(exchange, 200, withAuthorizeUrl(exchange, existing(exchange)));
    }

    public void delete(Exchange exchange) {
        Integration integration = existing(exchange);
        if (!store.delete(integration.marketplaceId(), integration.id())) {
            throw notFound(integration.id());
        }
        HttpReplies.noContent(exchange);
    }

    /** The integration with a new authorization URL; its state remembers the console's origin (ConsoleReturn). */
    private ObjectNode withAuthorizeUrl(Exchange exchange, Integration integration) {
        ObjectNode out = view(integration);
        var in = exchange.getMessage();
        var origin = consoleReturn.acceptedOrigin(in.getHeader("Origin", String.class), in.getHeader(Exchange.HTTP_URL, String.class));
        out.put("authorize_url", authorizeUrls.forState(store.newState(integration.id(), origin)));
        return out;
    }

    private Integration reread(Integration integration) {
        return store.find(integration.marketplaceId(), integration.id()).orElseThrow(() -> notFound(integration.id()));
    }

    private String existingMarketplace(Exchange exchange) {
        return marketplaces.existingId(exchange.getMessage().getHeader("marketplaceId", String.class));
    }

    private Integration existing(Exchange exchange) {
        String marketplaceId = exchange.getMessage().getHeader("marketplaceId", String.class);
        String id = exchange.getMessage().getHeader("integrationId", String.class);
        return store.find(marketplaceId, id).orElseThrow(() -> notFound(id));
    }

    static String requiredName(ObjectNode body) {
        return Json.requiredText(body, "name", 100);
    }

    /** The JSON of spec §6 (plus status_reason and updated_at); tokens are never part of it. */
    public static ObjectNode view(Integration i) {
        ObjectNode out = Json.object();
        out.put("id", i.id());
        out.put("name", i.name());
        out.put("provider", i.provider());
        out.put("status", i.status());
        out.put("status_reason", i.statusReason());
        out.put("location_id", i.locationId());
        out.put("location_name", i.locationName());
        out.put("company_id", i.companyId());
        out.put("scopes", i.scopes());
        out.put("token_expires_at", instant(i.tokenExpiresAt()));
        out.put("connected_at", instant(i.connectedAt()));
        out.put("created_at", instant(i.createdAt()));
        out.put("updated_at", instant(i.updatedAt()));
        return out;
    }

    private static String instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }
}
