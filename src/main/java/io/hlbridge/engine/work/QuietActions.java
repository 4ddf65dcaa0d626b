package io.hlbridge.engine.work;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When the action stage's timer may skip its claim. The timer ticks every 20 ms because it is the clock
 * of paced and retried jobs, but on a quiet replica almost every tick's claim found nothing: ~50 claims
 * and commits a second, most of an idle engine's CPU and of its load on a shared database.
 *
 * <p>The stage is quiet when its last claim found nothing and no action has ended since it began (an
 * ended action may free the next one of its customer, and a deferred one has a due time). While quiet,
 * a tick claims only when a job this replica deferred or set to retry comes due, or {@link #MAX_QUIET}
 * after the empty claim. Wake-ups (new actions queued on this replica and not handed straight to its
 * workers, or handed but refused by their queue) always claim. So nothing this
 * replica knows of waits longer than before, and what it cannot know of (another replica's work handed
 * back at its shutdown, a lease run out, an integration resumed elsewhere) waits at most
 * {@link #MAX_QUIET} more. Like {@link TurnGap}, a hint of one replica, not state: the work waits as rows.
 */
public final class QuietActions {
    /** The longest a quiet stage goes without a claim. */
    static final Duration MAX_QUIET = Duration.ofMillis(250);
    /** A claim takes the jobs due within this much of its start ({@link ActionQueue#claimDue}). */
    static final Duration CLAIM_AHEAD = Duration.ofMillis(100);

    private final LongSupplier nanoTime;
    private final LongSupplier epochMillis;
    private final AtomicLong endedActions = new AtomicLong();
    /** Due times (nanoTime) of the jobs this replica deferred or set to retry, not yet seen claimed. */
    private final ConcurrentSkipListSet<Long> dues = new ConcurrentSkipListSet<>();
    private volatile long quietUntil;
    private volatile boolean quiet;

    public QuietActions() {
        this(System::nanoTime, System::currentTimeMillis);
    }

    QuietActions(LongSupplier nanoTime, LongSupplier epochMillis) {
        this.nanoTime = nanoTime;
        this.epochMillis = epochMillis;
    }

    /** The timer's question: claim on this tick? */
    public boolean tickMayClaim() {
        return !quiet || nanoTime.getAsLong() - quietUntil >= 0;
    }

    /** Where a claim began: how many actions had ended by then, and when (nanoTime). */
    record Claim(long endedActions, long at) {
    }

    /** A claim begins; what this answers goes to {@link #claimEnded}. */
    Claim claimBegins() {
        return new Claim(endedActions.get(), nanoTime.getAsLong());
    }

    /** The claim {@code began} took {@code claimed} jobs. */
    void claimEnded(Claim began, int claimed) {
        // what this replica deferred to within the claim's reach was taken, or is another replica's now
        // (forgotten after every claim, not only a quiet one: a replica under load is never quiet)
        dues.headSet(began.at() + CLAIM_AHEAD.toNanos(), true).clear();
        if (claimed > 0 || endedActions.get() != began.endedActions()) {
            quiet = false;
            return;
        }
        long until = nanoTime.getAsLong() + MAX_QUIET.toNanos();
        Long nextDue = dues.isEmpty() ? null : dues.first();
        if (nextDue != null && nextDue - CLAIM_AHEAD.toNanos() - until < 0) {
            until = nextDue - CLAIM_AHEAD.toNanos();
        }
        quietUntil = until;
        quiet = true;
        if (endedActions.get() != began.endedActions()) { // an action ended meanwhile: actionEnded may have cleared quiet before it was set
            quiet = false;
        }
    }

    /** How many due times of deferred or retried jobs this replica still keeps (a test's view). */
    int dueTimesKept() {
        return dues.size();
    }

    /** An action's attempt ended and its outcome is written; {@code dueAt} (null: none) is when it runs again. */
    void actionEnded(Instant dueAt) {
        if (dueAt != null) {
            dues.add(nanoTime.getAsLong() + Duration.ofMillis(dueAt.toEpochMilli() - epochMillis.getAsLong()).toNanos());
        }
        endedActions.incrementAndGet();
        quiet = false;
    }
}
