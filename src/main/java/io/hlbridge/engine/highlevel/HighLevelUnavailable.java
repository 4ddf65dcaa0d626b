package io.hlbridge.engine.highlevel;

/**
 * A transient failure talking to HighLevel (5xx, 429, timeout, connection error): nothing was decided,
 * nothing was changed, try again later.
 */
public final class HighLevelUnavailable extends RuntimeException {
    public HighLevelUnavailable(String message) {
        super(message, null, false, false);
    }
}
