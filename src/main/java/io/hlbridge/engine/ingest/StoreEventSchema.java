package io.hlbridge.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.api.ProblemException.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The store event contract of spec §3, as the JSON Schema in {@code schemas/store-event.schema.json},
 * enforced with networknt's validator. A violation becomes a 400 problem that names the offending
 * field in the body's own terms ({@code customer.email}, {@code items[0].price_cents}).
 */
public final class StoreEventSchema {
    private final JsonSchema schema;

    public StoreEventSchema() {
        try (InputStream in = StoreEventSchema.class.getResourceAsStream("/schemas/store-event.schema.json")) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates a raw body; returns the event or throws a 400 problem. */
    public ObjectNode parse(byte[] body) {
        ObjectNode event = Json.requestObject(body);
        Set<ValidationMessage> violations = schema.validate(event);
        if (!violations.isEmpty()) {
            List<FieldError> errors = violations.stream()
                    .map(v -> new FieldError(field(v), message(v)))
                    .distinct()
                    .sorted(Comparator.comparing(FieldError::field))
                    .toList();
            FieldError first = errors.get(0);
            throw new ProblemException(400, "Invalid store event", first.field() + " " + first.message(),
                    first.field(), errors);
        }
        return event;
    }

    /** {@code $.items[0].price_cents} → {@code items[0].price_cents}; a missing required property is named itself. */
    public static String field(ValidationMessage v) {
        var location = v.getInstanceLocation();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(element);
            }
        }
        String path = out.toString();
        if ("required".equals(v.getType()) && v.getProperty() != null) {
            path = path.isEmpty() ? v.getProperty() : path + "." + v.getProperty();
        }
        return path.isEmpty() ? "(body)" : path;
    }

    public static String message(ValidationMessage v) {
        return switch (v.getType()) {
            case "required" -> "is required";
            case "enum" -> "must be one of " + allowed(v.getSchemaNode());
            case "const" -> "has an unexpected value";
            case "type" -> "must be of type " + v.getSchemaNode().asText();
            case "minimum" -> "must be at least " + v.getSchemaNode().asText();
            case "maximum" -> "must be at most " + v.getSchemaNode().asText();
            case "minLength" -> "must not be empty";
            case "maxLength" -> "must be at most " + v.getSchemaNode().asText() + " characters";
            case "minItems" -> "must have at least " + v.getSchemaNode().asText() + " item(s)";
            case "maxItems" -> "must have at most " + v.getSchemaNode().asText() + " items";
            case "pattern" -> "is not a valid value";
            case "format" -> "must be an RFC 3339 date-time such as 2026-11-26T10:00:00Z";
            default -> v.getError() == null ? "is invalid" : v.getError();
        };
    }

    private static String allowed(JsonNode node) {
        return node == null ? "the allowed values" : node.toString().replace("\"", "");
    }
}
