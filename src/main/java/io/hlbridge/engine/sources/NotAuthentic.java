package io.hlbridge.engine.sources;

/** A delivery whose signature (or secret word) does not verify: answered 401, only counted. */
public final class NotAuthentic extends Exception {
    public NotAuthentic(String reason) {
        super(reason, null, false, false);
    }
}
