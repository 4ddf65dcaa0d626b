package io.hlbridge.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The engine's one Jackson mapper and the few JSON chores every API handler needs. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }

    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    /** Parses a request body that must be one JSON object; anything else is a 400 in words. */
    public static ObjectNode requestObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("the request body is empty; a JSON object was expected");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ProblemException(400, "Malformed JSON", "the request body is not valid JSON: " + conciseReason(e));
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badRequest("the request body must be a JSON object");
        }
        String unstorable = unstorableText(node, "");
        if (unstorable != null) {
            throw ProblemException.invalidField(unstorable.isEmpty() ? "(body)" : unstorable, StorableText.REFUSED);
        }
        String outOfRange = nonFiniteNumber(node, "");
        if (outOfRange != null) {
            throw ProblemException.invalidField(outOfRange.isEmpty() ? "(body)" : outOfRange, "is a number out of range");
        }
        return (ObjectNode) node;
    }

    /** The path of the first number too large for a double ({@code 1e999} reads as infinity), or null. */
    private static String nonFiniteNumber(JsonNode node, String path) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            return path;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nonFiniteNumber(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
                String found = nonFiniteNumber(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * The path of the first name or string holding text PostgreSQL cannot store ({@code
     * customer.first_name}, {@code items[0].product_id}), or null: valid JSON can carry a NUL or half
     * a surrogate pair as an escape, and Jackson decodes some invalid UTF-8 (overlong forms) to a NUL.
     */
    private static String unstorableText(JsonNode node, String path) {
        if (node.isTextual()) {
            return StorableText.storable(node.textValue()) ? null : path;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = unstorableText(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
                String fieldPath = path.isEmpty() ? StorableText.clean(field.getKey()) : path + "." + StorableText.clean(field.getKey());
                String found = StorableText.storable(field.getKey()) ? unstorableText(field.getValue(), fieldPath) : fieldPath;
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A required string field of a request body, trimmed, 1 to {@code maxLength} characters; else a 400 naming it. */
    public static String requiredText(ObjectNode body, String field, int maxLength) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ProblemException.invalidField(field, "is required");
        }
        if (!node.isTextual()) {
            throw ProblemException.invalidField(field, "must be a string");
        }
        String value = node.asText().trim();
        if (value.isEmpty() || value.length() > maxLength) {
            throw ProblemException.invalidField(field, "must be 1 to " + maxLength + " characters");
        }
        return value;
    }

    /** Jackson's message without the source excerpt it appends (which could echo secrets). */
    private static String conciseReason(IOException e) {
        String message = e.getMessage() == null ? "unreadable" : e.getMessage();
        int cut = message.indexOf("\n at [Source");
        if (cut < 0) {
            cut = message.indexOf(" at [Source");
        }
        String reason = cut >= 0 ? message.substring(0, cut) : message;
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            reason = reason + " (line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() + ")";
        }
        return reason.lines().findFirst().orElse(reason);
    }
}
