package io.hlbridge.engine.eventlog;

import java.time.Instant;

/** One HTTP call to HighLevel as the log shows it: never a header, a token or a body. */
public record HighLevelCall(String method, String path, Integer status, long latencyMs, String traceId, String error,
                            Instant at) {
}
