package io.hlbridge.engine.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.api.ProblemException.FieldError;
import io.hlbridge.engine.ingest.StoreEventSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rule's {@code params} for one action: checked against the action's JSON Schema when the rule is
 * saved (defaults filled in, a 400 naming {@code params.<field>} otherwise, templates' placeholders
 * checked), and rendered when a job is queued. Which params are templates the schema says:
 * {@code "x-template": true} on a property, or on {@code additionalProperties} for a map of templates.
 */
public final class ActionParams {
    private final ActionDeclaration declaration;
    private final JsonSchema schema;

    ActionParams(ActionDeclaration declaration) {
        this.declaration = declaration;
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        this.schema = FACTORY.getSchema(declaration.paramsSchema(), config);
    }

    /** JSON Schema 2020-12 plus the console's annotations ({@code x-lookup}, {@code x-template}), which validate nothing. */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keyword(new NonValidationKeyword("x-lookup"))
                    .keyword(new NonValidationKeyword("x-template"))
                    .build()));

    /** The params a rule saves: {@code {}} when none; defaults filled in; or a 400 naming the field. */
    public ObjectNode check(JsonNode params) {
        if (params == null || params.isNull()) {
            params = Json.object();
        }
        if (!params.isObject()) {
            throw ProblemException.invalidField("params", "must be an object");
        }
        ObjectNode out = ((ObjectNode) params).deepCopy();
        declaration.paramsSchema().path("properties").fields().forEachRemaining(p -> {
            if (!out.has(p.getKey()) && p.getValue().has("default")) {
                out.set(p.getKey(), p.getValue().get("default").deepCopy());
            }
        });
        Set<ValidationMessage> violations = schema.validate(out);
        if (!violations.isEmpty()) {
            List<FieldError> errors = violations.stream()
                    .map(v -> new FieldError(prefixed(StoreEventSchema.field(v)), StoreEventSchema.message(v)))
                    .distinct().sorted(Comparator.comparing(FieldError::field)).toList();
            FieldError first = errors.get(0);
            throw new ProblemException(400, "Invalid request", first.field() + ": " + first.message(), first.field(), errors);
        }
        forEachTemplate(out, (field, text) -> {
            List<String> unknown = Templates.unknown(text);
            if (!unknown.isEmpty()) {
                throw ProblemException.invalidField(field, "unknown placeholder {{" + unknown.get(0) + "}}; known: "
                        + String.join(", ", Templates.PLACEHOLDERS));
            }
            return text;
        });
        return out;
    }

    /** The params a job carries: every template rendered from the event's values. */
    public ObjectNode render(JsonNode params, Map<String, String> values) {
        ObjectNode out = params == null || !params.isObject() ? Json.object() : ((ObjectNode) params).deepCopy();
        forEachTemplate(out, (field, text) -> Templates.render(text, values));
        return out;
    }

    private interface TemplateVisitor {
        String visit(String field, String text);
    }

    /** Visits (and replaces) each template text of {@code params}, with its field name ({@code params.body}). */
    private void forEachTemplate(ObjectNode params, TemplateVisitor visitor) {
        Iterator<Map.Entry<String, JsonNode>> props = declaration.paramsSchema().path("properties").fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> p = props.next();
            JsonNode value = params.get(p.getKey());
            if (value == null) {
                continue;
            }
            if (p.getValue().path("x-template").asBoolean(false) && value.isTextual()) {
                params.put(p.getKey(), visitor.visit("params." + p.getKey(), value.asText()));
            } else if (p.getValue().path("additionalProperties").path("x-template").asBoolean(false) && value.isObject()) {
                ObjectNode map = (ObjectNode) value;
                List<String> keys = new ArrayList<>();
                map.fieldNames().forEachRemaining(keys::add);
                for (String k : keys) {
                    if (map.get(k).isTextual()) {
                        map.put(k, visitor.visit("params." + p.getKey() + "." + k, map.get(k).asText()));
                    }
                }
            }
        }
    }

    private static String prefixed(String field) {
        return field.equals("(body)") ? "params" : "params." + field;
    }
}
