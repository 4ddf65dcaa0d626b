package io.hlbridge.engine.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.highlevel.HighLevelFailure;
import io.hlbridge.engine.highlevel.HighLevelRequests;
import io.hlbridge.engine.highlevel.HighLevelTarget;
import io.hlbridge.engine.highlevel.HighLevelUnavailable;
import io.hlbridge.engine.highlevel.IntegrationNeedsReconnect;
import io.hlbridge.engine.highlevel.UnknownIntegration;
import io.hlbridge.engine.work.ActionExchange;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console's pickers list from an integration's location (spec §5): its workflows, pipelines with
 * their stages, and contact custom fields, asked of HighLevel through {@code direct:highlevel-call} (paced per
 * location, token refreshed as for actions); and the location's own name, fetched after connecting.
 *
 * <p>Each lookup is three steps of its route: {@code workflows} / {@code pipelines} / {@code customFields}
 * prepare the request (404 for an integration not of this marketplace, 409 unless it is connected), the call,
 * then {@link #answer} maps HighLevel's list to {@code {"items": [...]}}. {@link #failed} turns what went
 * wrong on the call into 409 (the integration needs reconnecting) or 502 (HighLevel's own message).
 */
public final class IntegrationLookups {
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationLookups.class);
    private static final String KIND = "lookupKind";

    private final IntegrationStore store;
    private final HighLevelRequests requests;

    public IntegrationLookups(IntegrationStore store, HighLevelRequests requests) {
        this.store = store;
        this.requests = requests;
    }

    /** {@code GET /workflows/?locationId=}. */
    public void workflows(Exchange exchange) {
        String location = connectedLocation(exchange, "workflows");
        requests.get(exchange, "/workflows/", "locationId=" + encode(location));
    }

    /** {@code GET /opportunities/pipelines?locationId=}. */
    public void pipelines(Exchange exchange) {
        String location = connectedLocation(exchange, "pipelines");
        requests.get(exchange, "/opportunities/pipelines", "locationId=" + encode(location));
    }

    /** {@code GET /locations/{locationId}/customFields?model=contact}: update_fields writes a contact's fields. */
    public void customFields(Exchange exchange) {
        String location = connectedLocation(exchange, "customFields");
        requests.get(exchange, "/locations/" + encode(location) + "/customFields", "model=contact");
    }

    /** HighLevel's list (already classified a success by the call) as {@code {"items": [...]}}. */
    public void answer(Exchange exchange) {
        JsonNode body = exchange.getProperty(ActionExchange.RESPONSE, JsonNode.class);
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("items");
        String kind = exchange.getProperty(KIND, String.class);
        JsonNode list = body == null ? null : body.get(kind);
        if (list != null && list.isArray()) {
            for (JsonNode n : list) {
                items.add(switch (kind) {
                    case "workflows" -> item(n, "id", "id", "name", "name", "status", "status");
                    case "pipelines" -> pipeline(n);
                    default -> item(n, "id", "id", "name", "name", "fieldKey", "field_key", "dataType", "data_type");
                });
            }
        }
        HttpReplies.json(exchange, 200, out);
    }

    /** The exception caught on the call, as the problem the API answers (never a 500). */
    public void failed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String integrationId = HighLevelTarget.of(exchange).integrationId();
        if (caught instanceof IntegrationNeedsReconnect e) {
            throw new ProblemException(409, "Integration not connected", "integration " + integrationId
                    + " must be connected again with OAuth before HighLevel can be asked"
                    + (e.reason() == null ? "" : " (" + e.reason() + ")"));
        }
        if (caught instanceof UnknownIntegration) {
            throw IntegrationStore.notFound(integrationId);
        }
        if (caught instanceof HighLevelFailure || caught instanceof HighLevelUnavailable) {
            throw new ProblemException(502, "HighLevel error", caught.getMessage());
        }
        throw new ProblemException(502, "HighLevel unreachable", "HighLevel could not be reached: "
                + caught.getClass().getSimpleName() + (caught.getMessage() == null ? "" : ": " + caught.getMessage()));
    }

    // ---- the location's name -------------------------------------------------------------------------------

    /** After a connection (the callback put the target on the exchange): {@code GET /locations/{locationId}}. */
    public void location(Exchange exchange) {
        HighLevelTarget target = HighLevelTarget.of(exchange);
        requests.get(exchange, "/locations/" + encode(target.locationId()), null);
    }

    /** Stores {@code location.name} of the answer (when it has one). */
    public void saveLocationName(Exchange exchange) {
        HighLevelTarget target = HighLevelTarget.of(exchange);
        JsonNode body = exchange.getProperty(ActionExchange.RESPONSE, JsonNode.class);
        String name = body == null ? null : body.path("location").path("name").asText(null);
        if (name != null && !name.isBlank()) {
            store.saveLocationName(target.integrationId(), target.locationId(), name.strip());
        }
    }

    /** A name that could not be fetched stays unknown (null) and is asked again later; the connection stands. */
    public void locationNameFailed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("Could not fetch the name of HighLevel location {} (integration {}), will ask again: {}",
                HighLevelTarget.of(exchange).locationId(), HighLevelTarget.of(exchange).integrationId(),
                caught == null ? "no answer" : caught.getMessage());
    }

    /** Targets (integration, location) of connected integrations whose location's name is not known yet. */
    public List<HighLevelTarget> withoutLocationName() {
        return store.withoutLocationName(20).stream().map(r -> new HighLevelTarget(r[0], r[1])).toList();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** The integration of this marketplace (404), connected (409); sets the call's target; its location id. */
    private String connectedLocation(Exchange exchange, String kind) {
        String marketplaceId = exchange.getMessage().getHeader("marketplaceId", String.class);
        String id = exchange.getMessage().getHeader("integrationId", String.class);
        Integration integration = store.find(marketplaceId, id)
                .orElseThrow(() -> IntegrationStore.notFound(id));
        if (!Integration.CONNECTED.equals(integration.status()) || integration.locationId() == null) {
            throw new ProblemException(409, "Integration not connected", "integration " + id + " is "
                    + integration.status() + "; it must be connected with OAuth before HighLevel can be asked");
        }
        exchange.setProperty(HighLevelTarget.PROPERTY, new HighLevelTarget(integration.id(), integration.locationId()));
        exchange.setProperty(KIND, kind);
        return integration.locationId();
    }

    private static ObjectNode pipeline(JsonNode n) {
        ObjectNode out = item(n, "id", "id", "name", "name");
        ArrayNode stages = out.putArray("stages");
        for (JsonNode s : n.path("stages")) {
            if (s.isObject()) stages.add(item(s, "id", "id", "name", "name"));
        }
        return out;
    }

    /** Copies text fields: pairs of (HighLevel's name, ours); absent ones are null. */
    private static ObjectNode item(JsonNode n, String... names) {
        ObjectNode out = Json.object();
        for (int i = 0; i < names.length; i += 2) {
            JsonNode v = n.get(names[i]);
            out.put(names[i + 1], v == null || v.isNull() ? null : v.asText());
        }
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
