package io.hlbridge.engine.sources.samples;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON text for the samples, written with the JDK only (the samples run in {@code bench/send-source}
 * without the engine's libraries): strings, numbers, booleans, null, ordered maps and lists.
 */
final class JsonText {
    private JsonText() {
    }

    /** The value as compact JSON; a map's keys in its own order. */
    static String of(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /** A JSON string literal, escaped (or {@code null}). */
    static String quote(String s) {
        return of(s);
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            List<String> members = new ArrayList<>();
            map.forEach((k, v) -> members.add(of(String.valueOf(k)) + ":" + of(v)));
            out.append('{').append(String.join(",", members)).append('}');
        } else if (value instanceof List<?> list) {
            List<String> elements = new ArrayList<>();
            list.forEach(v -> elements.add(of(v)));
            out.append('[').append(String.join(",", elements)).append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        out.append('"');
    }
}
