package io.hlbridge.engine.work;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Coalesces one stage's wake-ups on this replica: the turn a wake-up starts (a claim and its commit)
 * begins no sooner than {@link #gap} after the stage's previous turn ended, and at once when the stage
 * has been quiet that long. Under load a turn then takes the events or actions that arrived during the
 * gap, instead of one turn per webhook: every turn costs ~0.9 ms of CPU (engine and PostgreSQL) before
 * its first event, and at 500 events/s the inbox and action stages ran ~500 turns a second between
 * them. With a 10 ms gap and the inbox's fallback timer at 100 ms, bench/deliver at 500/s made 1.9-2.1
 * commits per event instead of 2.0-3.3, and spent 2.6-3.0 ms of CPU per event instead of 2.9-3.4,
 * engine and PostgreSQL together (docs/performance.md); an event waits at most one gap per stage.
 *
 * <p>A turn that took a full batch says so ({@link #moreWaiting}): a backlog is drained turn after turn,
 * with no gap. Timer ticks are not held back (the action stage's tick is the clock of paced and retried jobs),
 * but their turns count as turns. This is a scheduling hint of one replica, not state: the work waits
 * as rows, and every replica's stages go on claiming them.
 */
public final class TurnGap {
    private final long gap;
    private final LongSupplier nanoTime;
    private volatile long lastEnded;
    private volatile boolean moreWaiting;

    public TurnGap(Duration gap) {
        this(gap, System::nanoTime);
    }

    TurnGap(Duration gap, LongSupplier nanoTime) {
        if (gap.isNegative()) {
            throw new IllegalArgumentException("gap must not be negative, was " + gap);
        }
        this.gap = gap.toNanos();
        this.nanoTime = nanoTime;
        this.lastEnded = nanoTime.getAsLong() - this.gap;
    }

    /** The milliseconds a wake-up's turn waits before it begins (0: at once), rounded up. */
    public long untilNextTurn() {
        if (moreWaiting) {
            moreWaiting = false;
            return 0;
        }
        long wait = lastEnded + gap - nanoTime.getAsLong();
        return wait <= 0 ? 0 : Duration.ofNanos(wait).plusNanos(999_999).toMillis();
    }

    /** The turn found more work than it could take (a full batch): the next one begins at once, no gap. */
    public void moreWaiting() {
        moreWaiting = true;
    }

    /** A turn of the stage (a wake-up's or a timer tick's) has ended. */
    public void turnEnded() {
        lastEnded = nanoTime.getAsLong();
    }
}
