package io.hlbridge.engine.actions;

/**
 * A job names an action no route file declares (spec §5: it never succeeds silently): it fails at
 * once, saying so. Rules are checked against the catalog when saved, so only a rule saved by an
 * engine that had the action (or a hand-edited database) gets here.
 */
public final class UnknownAction extends RuntimeException {
    public UnknownAction(String action) {
        super("unknown action '" + action + "': this engine cannot perform it", null, false, false);
    }
}
