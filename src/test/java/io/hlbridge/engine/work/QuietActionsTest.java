package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuietActionsTest {
    private final AtomicLong nanos = new AtomicLong(7_000_000_000L);
    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final QuietActions quiet = new QuietActions(nanos::get, millis::get);

    private void later(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
        millis.addAndGet(ms);
    }

    private void claim(int claimed) {
        quiet.claimEnded(quiet.claimBegins(), claimed);
    }

    private Instant inMillis(long ms) {
        return Instant.ofEpochMilli(millis.get() + ms);
    }

    @Test
    void everyTickClaimsUntilAClaimFindsNothing_thenOneTickIn250Milliseconds() {
        assertThat(quiet.tickMayClaim()).as("nothing claimed yet").isTrue();
        claim(3);
        assertThat(quiet.tickMayClaim()).as("the last claim found work").isTrue();
        claim(0);
        later(20);
        assertThat(quiet.tickMayClaim()).as("20 ms after an empty claim").isFalse();
        later(229);
        assertThat(quiet.tickMayClaim()).isFalse();
        later(1);
        assertThat(quiet.tickMayClaim()).as("250 ms after it").isTrue();
    }

    @Test
    void anActionEndingEndsTheQuiet_itMayHaveFreedItsCustomersNextAction() {
        claim(0);
        later(20);
        quiet.actionEnded(null);
        assertThat(quiet.tickMayClaim()).isTrue();
    }

    @Test
    void aClaimDuringWhichAnActionEnded_isNotQuietEvenIfEmpty() {
        QuietActions.Claim began = quiet.claimBegins();
        quiet.actionEnded(null);
        quiet.claimEnded(began, 0);
        later(20);
        assertThat(quiet.tickMayClaim()).isTrue();
    }

    @Test
    void aJobDeferredByThisReplicaIsClaimedWhenItComesDue_notAfterTheQuiet() {
        quiet.actionEnded(inMillis(180)); // a paced job's slot, 180 ms from now
        claim(0);
        later(60);
        assertThat(quiet.tickMayClaim()).as("120 ms before the slot").isFalse();
        later(20);
        assertThat(quiet.tickMayClaim()).as("100 ms before it: a claim reaches it").isTrue();
        claim(1);
        claim(0);
        later(20);
        assertThat(quiet.tickMayClaim()).as("taken: quiet for the full 250 ms again").isFalse();
        later(230);
        assertThat(quiet.tickMayClaim()).isTrue();
    }

    @Test
    void aDueBeyondTheQuietChangesNothing_andIsForgottenOnceAClaimReachedIt() {
        quiet.actionEnded(inMillis(60_000)); // a retry in a minute
        claim(0);
        later(249);
        assertThat(quiet.tickMayClaim()).isFalse();
        later(1);
        assertThat(quiet.tickMayClaim()).isTrue();
        later(60_000);
        claim(0); // another replica took it
        later(20);
        assertThat(quiet.tickMayClaim()).as("no stale due keeps it claiming").isFalse();
    }

    @Test
    void underLoadTheDueTimesReachedAreForgottenToo_theyDoNotPileUp() {
        for (int i = 0; i < 1_000; i++) {
            quiet.actionEnded(inMillis(50)); // a paced job deferred to a slot 50 ms away
            claim(3); // the stage never goes quiet
            later(100);
        }
        claim(3);
        assertThat(quiet.dueTimesKept()).as("due times kept after 1,000 deferrals, all reached").isZero();
    }
}
