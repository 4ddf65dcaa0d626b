package io.hlbridge.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.actions.ActionCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/openapi.json} (spec §8): the document in {@code openapi/openapi.json}, with what
 * the route files declare filled in — a rule's {@code action} enumerates the actions of the
 * {@link ActionCatalog}, and each action's params schema is a component {@code ActionParams_<action>}
 * that a rule's {@code params} may match. Built once, when first asked.
 */
public final class OpenApiDocument {
    private final ActionCatalog actions;
    private volatile String document;

    public OpenApiDocument(ActionCatalog actions) {
        this.actions = actions;
    }

    public void serve(Exchange exchange) {
        String body = document;
        if (body == null) {
            document = body = Json.write(build());
        }
        HttpReplies.clearHeaders(exchange.getMessage());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }

    ObjectNode build() {
        ObjectNode doc;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi/openapi.json")) {
            doc = (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode schemas = (ObjectNode) doc.path("components").path("schemas");
        ArrayNode refs = Json.MAPPER.createArrayNode();
        for (ActionCatalog.Declared a : actions.list()) {
            String name = "ActionParams_" + a.id();
            ObjectNode schema = a.declaration().paramsSchema().deepCopy();
            schema.put("description", "params of " + a.id() + " (" + a.declaration().getDisplayName() + ")");
            schemas.set(name, schema);
            refs.addObject().put("$ref", "#/components/schemas/" + name);
        }
        for (String rule : new String[] {"Rule", "RuleInput"}) {
            ObjectNode properties = (ObjectNode) schemas.path(rule).path("properties");
            ArrayNode ids = ((ObjectNode) properties.path("action")).putArray("enum");
            actions.ids().forEach(ids::add);
            JsonNode params = properties.path("params");
            if (params instanceof ObjectNode p) {
                p.set("anyOf", refs.deepCopy());
            }
        }
        return doc;
    }
}
