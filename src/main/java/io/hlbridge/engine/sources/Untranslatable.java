package io.hlbridge.engine.sources;

/**
 * A delivery that authenticated but cannot become a store event (a required field missing, a body
 * that is not what the platform sends): logged {@code rejected} with this reason, nothing else done.
 */
public final class Untranslatable extends RuntimeException {
    public Untranslatable(String reason) {
        super(reason, null, false, false);
    }
}
