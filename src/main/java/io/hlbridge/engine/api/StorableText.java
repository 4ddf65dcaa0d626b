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

    /** The request's parameters (the message headers platform-http made of its path and query) must be storable. */
    public static void requireStorableParameters(Message in) {
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            if (header.getValue() instanceof String value && !header.getKey().startsWith("Camel") && !storable(value)) {
                throw ProblemException.invalidField(header.getKey(), REFUSED);
            }
        }
    }
}
