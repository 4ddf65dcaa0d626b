package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import java.time.OffsetDateTime;
import java.util.List;

/** A rule (spec §4): when TRIGGER happens (for PRODUCT, or any product), do ACTION in INTEGRATION. */
public record Rule(String id, String marketplaceId, String scope, String productId, String trigger,
                   String integrationId, String action, List<String> tags, ObjectNode params, boolean enabled,
                   OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public ObjectNode view() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("scope", scope);
        o.put("product_id", productId);
        o.put("trigger", trigger);
        o.put("integration_id", integrationId);
        o.put("action", action);
        var t = o.putArray("tags");
        tags.forEach(t::add);
        o.set("params", params == null ? Json.object() : params.deepCopy());
        o.put("enabled", enabled);
        o.put("created_at", createdAt.toInstant().toString());
        o.put("updated_at", updatedAt.toInstant().toString());
        return o;
    }
}
