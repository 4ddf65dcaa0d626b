package io.hlbridge.engine.eventlog;

import java.time.Instant;

/**
 * One HTTP call to HighLevel as the log shows it: never a header or a token; the request and response
 * bodies already as {@link LoggedBodies#forLog} keeps them (secret-looking values masked, cut to 4 KB), or
 * null: whoever records the call masks them, from the parsed bodies it holds.
 */
public record HighLevelCall(String method, String path, Integer status, long latencyMs, String traceId, String error,
                            Instant at, String requestBody, String responseBody) {

    public HighLevelCall(String method, String path, Integer status, long latencyMs, String traceId, String error, Instant at) {
        this(method, path, status, latencyMs, traceId, error, at, null, null);
    }
}
