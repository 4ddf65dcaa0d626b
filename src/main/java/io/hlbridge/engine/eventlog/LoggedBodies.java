package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.StorableText;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the log may show of a body (a HighLevel call's request or response, a store event's payload):
 * the value of any key that looks like a secret (token, password, signature, API key…) and any value
 * that looks like one ({@code whsec_…}, {@code Bearer …}) masked, and a call's body cut to
 * {@value #MAX_CHARS} characters. Headers are never recorded at all.
 */
public final class LoggedBodies {
    public static final int MAX_CHARS = 4096;
    public static final String MASK = "***";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(secret|token|passw|pwd|signature|api[_-]?key|authorization|credential|private[_-]?key|cvv|cvc|card[_-]?number).*");
    private static final Pattern SECRET_VALUE = Pattern.compile("(?i)^\\s*(whsec_|whsk_|bearer\\s|sk_live_|sk_test_|rk_live_|rk_test_).*",
            Pattern.DOTALL);

    private LoggedBodies() {
    }

    /** A call's body as the log keeps it: JSON masked and written compactly, any text cut to MAX_CHARS; null stays null. */
    public static String forLog(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        String text = body;
        try {
            JsonNode parsed = Json.MAPPER.readTree(body);
            if (parsed != null && parsed.isContainerNode()) {
                text = Json.write(masked(parsed));
            } else if (parsed != null && parsed.isTextual() && SECRET_VALUE.matcher(parsed.asText()).matches()) {
                text = "\"" + MASK + "\"";
            }
        } catch (java.io.IOException notJson) {
            if (SECRET_VALUE.matcher(body).matches()) {
                text = MASK;
            }
        }
        return truncate(StorableText.clean(text));
    }

    /** A copy of {@code node} with secret-looking keys' values (and secret-looking values) masked. */
    public static JsonNode masked(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode copy = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                boolean secret = SECRET_KEY.matcher(field.getKey()).matches() && !field.getValue().isNull();
                copy.set(field.getKey(), secret ? TextNode.valueOf(MASK) : masked(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.MAPPER.createArrayNode();
            node.forEach(element -> copy.add(masked(element)));
            return copy;
        }
        if (node.isTextual() && SECRET_VALUE.matcher(node.asText()).matches()) {
            return TextNode.valueOf(MASK);
        }
        return node;
    }

    static String truncate(String text) {
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return text.substring(0, cut) + "… [cut: " + text.length() + " characters in all]";
    }
}
