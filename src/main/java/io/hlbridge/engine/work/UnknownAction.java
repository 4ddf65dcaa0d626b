package io.hlbridge.engine.work;

/**
 * A job names an action this engine cannot perform (spec §5: it never succeeds silently). Fails the
 * job at once, saying so; the database refuses such actions too (V8), so only a job written by a
 * newer or hand-edited schema can get here.
 */
public final class UnknownAction extends RuntimeException {
    public UnknownAction(String action) {
        super("unknown action '" + action + "': this engine cannot perform it", null, false, false);
    }
}
