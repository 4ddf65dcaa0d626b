package io.hlbridge.engine.work;

import java.time.Instant;

/** The location's next free call slot is later: the job waits for it as a row with a due time. */
public final class PacedLater extends RuntimeException {
    private final Instant slot;

    public PacedLater(Instant slot) {
        super("paced until " + slot, null, false, false);
        this.slot = slot;
    }

    public Instant slot() {
        return slot;
    }
}
