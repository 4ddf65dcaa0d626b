package io.hlbridge.engine.api;

import java.util.Map;
import org.apache.camel.Message;

/**
 * PostgreSQL stores neither a NUL character nor half of a surrogate pair, in text or jsonb: a
 * request carrying one in a path or query parameter (or in its JSON body, see {@link Json}) is
 * refused with a 400 naming it, before any statement could fail on it with a 5xx.
 */
public final class StorableText {
    static final String REFUSED = "contains a character that cannot be stored (NUL, or half of a surrogate pair)";

    private StorableText() {
    }

    public static boolean storable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** {@code s} with each character PostgreSQL cannot store replaced by U+FFFD; null stays null. */
    public static String clean(String s) {
        if (s == null || storable(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(c == 0 || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /**
     * The request's parameters (the message headers platform-http made of its path and query; a
     * repeated query parameter is a list) must be storable.
     */
    public static void requireStorableParameters(Message in) {
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            if (!header.getKey().startsWith("Camel") && !storableValue(header.getValue())) {
                throw ProblemException.invalidField(clean(header.getKey()), REFUSED);
            }
        }
    }

    private static boolean storableValue(Object value) {
        if (value instanceof String s) {
            return storable(s);
        }
        if (value instanceof Iterable<?> values) {
            for (Object v : values) {
                if (!storableValue(v)) {
                    return false;
                }
            }
        }
        return true;
    }
}
