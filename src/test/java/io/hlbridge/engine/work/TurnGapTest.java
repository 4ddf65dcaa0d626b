package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TurnGapTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final TurnGap turns = new TurnGap(Duration.ofMillis(10), now::get);

    private void later(long micros) {
        now.addAndGet(micros * 1_000L);
    }

    @Test
    void aQuietStagesTurnBeginsAtOnce() {
        assertThat(turns.untilNextTurn()).as("no turn yet").isZero();
        turns.turnEnded();
        later(10_000);
        assertThat(turns.untilNextTurn()).as("10 ms after the last turn ended").isZero();
        later(60_000);
        assertThat(turns.untilNextTurn()).isZero();
    }

    @Test
    void aWakeUpSoonAfterATurnWaitsUntilTenMillisecondsAfterItEnded() {
        turns.turnEnded();
        later(3_000);
        assertThat(turns.untilNextTurn()).as("3 ms after it").isEqualTo(7);
        later(7_000);
        assertThat(turns.untilNextTurn()).isZero();
        turns.turnEnded();
        assertThat(turns.untilNextTurn()).as("just after the next one ended").isEqualTo(10);
    }

    @Test
    void afterAFullBatch_theNextTurnBeginsAtOnce_thenTheGapHoldsAgain() {
        turns.moreWaiting();
        turns.turnEnded();
        assertThat(turns.untilNextTurn()).as("a backlog: no gap").isZero();
        turns.turnEnded();
        later(1_000);
        assertThat(turns.untilNextTurn()).as("that turn was not full").isEqualTo(9);
    }

    @Test
    void aWaitIsRoundedUpToTheMillisecond_neverShortOfTheGap() {
        turns.turnEnded();
        later(500);
        assertThat(turns.untilNextTurn()).as("9.5 ms left").isEqualTo(10);
        later(9_400);
        assertThat(turns.untilNextTurn()).as("0.1 ms left").isEqualTo(1);
    }

    @Test
    void noGapNeverWaits_aNegativeOneIsRefused() {
        TurnGap none = new TurnGap(Duration.ZERO, now::get);
        none.turnEnded();
        assertThat(none.untilNextTurn()).isZero();
        assertThatThrownBy(() -> new TurnGap(Duration.ofMillis(-1), now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
