package io.hlbridge.engine.highlevel;

import java.time.Duration;

/**
 * HighLevel answered an action's call with something other than success, classified as spec §5 says:
 * {@link Kind#RETRYABLE} (429, 5xx), {@link Kind#REJECTED} (other 4xx: fail at once) or
 * {@link Kind#CONTACT_GONE} (a remembered contact id HighLevel no longer knows: forget it, try once more).
 */
public final class HighLevelFailure extends RuntimeException {
    public enum Kind { RETRYABLE, REJECTED, CONTACT_GONE }

    private final Kind kind;
    private final Integer status;
    private final Duration retryAfter;

    public HighLevelFailure(Kind kind, Integer status, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public Integer status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
