package io.hlbridge.engine.highlevel;

import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.http.common.HttpHeaderFilterStrategy;

/**
 * Which of HighLevel's response headers become message headers: only those the engine reads
 * ({@link HighLevelResponses}: the body's type, the rate limit it learns, {@code Retry-After}, the
 * trace id). camel-http would copy all of them into the message's case-insensitive map, and every
 * later step that copies the message would copy them again; HighLevel sends a dozen or more per
 * answer. What the engine sends is filtered as camel-http does by default (this class extends its filter).
 */
public final class HighLevelHeaders extends HttpHeaderFilterStrategy {
    private static final Set<String> READ = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        READ.addAll(HighLevelResponses.HEADERS_READ);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !READ.contains(headerName);
    }
}
