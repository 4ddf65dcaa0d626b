package io.hlbridge.engine.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One delivery exactly as a store platform sent it: the HTTP method, its headers (names in lower
 * case) and the raw body bytes, which signatures are computed over. Pure data: platforms translate
 * it without Camel.
 */
public record Delivery(String method, Map<String, String> headers, byte[] body) {

    public Delivery {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers = Map.copyOf(lower);
        body = body == null ? new byte[0] : body;
    }

    /** Neither headers nor body: either may hold a secret (ThriveCart's secret word is in the body). */
    @Override
    public String toString() {
        return "Delivery[" + method + ", " + body.length + " bytes]";
    }

    /** A POST with these headers and body (tests). */
    public static Delivery post(Map<String, String> headers, byte[] body) {
        return new Delivery("POST", headers, body);
    }

    /** The header's value, or null; {@code name} in any case. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The media type of Content-Type, lower case, without parameters ("" when none). */
    public String mediaType() {
        String contentType = header("content-type");
        return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    public boolean isForm() {
        return mediaType().equals("application/x-www-form-urlencoded");
    }

    /**
     * The body read as JSON: an object, or {@link Untranslatable} saying why not. A form-encoded
     * body is read as a flat object of its fields (names as sent: {@code customer[email]}).
     */
    public ObjectNode json() {
        if (isForm()) {
            ObjectNode out = Json.object();
            form().forEach(out::put);
            return out;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new Untranslatable("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new Untranslatable("the body is not a JSON object");
        }
        return (ObjectNode) node;
    }

    /** The fields of a form-encoded body, in order; a repeated name keeps its last value. */
    public Map<String, String> form() {
        Map<String, String> out = new LinkedHashMap<>();
        String text = text();
        if (text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            } catch (IllegalArgumentException bad) {
                throw new Untranslatable("the form body has a bad percent-escape");
            }
        }
        return out;
    }
}
