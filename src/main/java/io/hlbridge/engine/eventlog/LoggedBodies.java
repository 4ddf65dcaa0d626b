package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.StorableText;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
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
    /**
     * A key that contains one of these, in any case, names a secret. A substring test, not a regular
     * expression: every field name of every logged body is asked (bench/deliver's profile showed the
     * expression), and it also finds them in a key that spans lines.
     */
    private static final List<String> SECRET_KEY_PARTS = List.of("secret", "token", "passw", "pwd", "signature",
            "apikey", "api_key", "api-key", "authorization", "credential", "privatekey", "private_key", "private-key",
            "cvv", "cvc", "cardnumber", "card_number", "card-number");
    /** A value that starts (after blanks) with one of these is a secret; {@code lookingAt}: only its start is read. */
    private static final Pattern SECRET_VALUE = Pattern.compile("(?i)\\s*(whsec_|whsk_|bearer\\s|sk_live_|sk_test_|rk_live_|rk_test_)");

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
            } else if (parsed != null && parsed.isTextual() && SECRET_VALUE.matcher(parsed.asText()).lookingAt()) {
                text = "\"" + MASK + "\"";
            }
        } catch (java.io.IOException notJson) {
            if (SECRET_VALUE.matcher(body).lookingAt()) {
                text = MASK;
            }
        }
        return truncate(StorableText.clean(text));
    }

    /**
     * The same for a body already parsed ({@code parsed}: read from {@code body} or written to it by the
     * same mapper), without parsing it again; a body that is not a JSON object or array is read as above.
     */
    public static String forLog(String body, JsonNode parsed) {
        if (parsed == null || !parsed.isContainerNode()) {
            return forLog(body);
        }
        return truncate(StorableText.clean(Json.write(masked(parsed))));
    }

    /**
     * The same for a body the engine wrote itself: {@code written} is {@code Json.write(node)}, so when
     * nothing in it is masked it is the logged text already (no second write).
     */
    public static String forLogWritten(String written, JsonNode node) {
        if (node != null && node.isContainerNode() && written != null && masked(node) == node) {
            return truncate(StorableText.clean(written));
        }
        return forLog(written, node);
    }

    static boolean secretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_KEY_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code node} with secret-looking keys' values (and secret-looking values) masked: a masked copy,
     * or {@code node} itself when nothing in it looks secret (most bodies: no copy to make).
     */
    public static JsonNode masked(JsonNode node) {
        return node == null || !holdsSecret(node) ? node : maskedCopy(node);
    }

    private static boolean holdsSecret(JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (secretKey(field.getKey()) && !field.getValue().isNull() || holdsSecret(field.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (holdsSecret(element)) {
                    return true;
                }
            }
            return false;
        }
        return node.isTextual() && SECRET_VALUE.matcher(node.asText()).lookingAt();
    }

    private static JsonNode maskedCopy(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                boolean secret = secretKey(field.getKey()) && !field.getValue().isNull();
                copy.set(field.getKey(), secret ? TextNode.valueOf(MASK) : maskedCopy(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.MAPPER.createArrayNode();
            node.forEach(element -> copy.add(maskedCopy(element)));
            return copy;
        }
        if (node.isTextual() && SECRET_VALUE.matcher(node.asText()).lookingAt()) {
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
