package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IntakeFirstTest {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger cpuPercent = new AtomicInteger(100);
    private final AtomicInteger cpuReadings = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final IntakeFirst intakeFirst = new IntakeFirst(inFlight::get, () -> {
        cpuReadings.incrementAndGet();
        return cpuPercent.get() / 100.0;
    }, now::get, () -> { });

    private void later(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void aQuietIntakeLeavesEveryTurnToTheInbox() {
        inFlight.set(IntakeFirst.BUSY_AT - 1);
        for (int turn = 0; turn < 5; turn++) {
            assertThat(intakeFirst.inboxMayRun()).isTrue();
            later(1);
        }
    }

    @Test
    void aSaturatedIntakeTakesTheTurns_butABatchStillGoesThroughEveryHalfSecond() {
        inFlight.set(IntakeFirst.BUSY_AT);
        later(100);
        assertThat(intakeFirst.inboxMayRun()).as("100 ms after the last turn").isFalse();
        later(399);
        assertThat(intakeFirst.inboxMayRun()).as("499 ms after it").isFalse();
        later(1);
        assertThat(intakeFirst.inboxMayRun()).as("500 ms after it").isTrue();
        later(25);
        assertThat(intakeFirst.inboxMayRun()).as("the next turn counts from that one").isFalse();
        later(475);
        assertThat(intakeFirst.inboxMayRun()).isTrue();
    }

    @Test
    void aSaturationSeenHoldsATenthOfASecond_thenTheInboxRunsAgain() {
        inFlight.set(40);
        later(25);
        assertThat(intakeFirst.inboxMayRun()).isFalse();
        inFlight.set(2); // the next requests are still waiting for a worker thread, outside the route
        later(50);
        assertThat(intakeFirst.inboxMayRun()).as("50 ms after the saturation was seen").isFalse();
        later(50);
        assertThat(intakeFirst.inboxMayRun()).as("100 ms after it, none seen since").isTrue();
        later(25);
        assertThat(intakeFirst.inboxMayRun()).isTrue();
    }

    @Test
    void webhooksWaitingOnAnIdleCpu_waitForTheDatabase_soTheInboxKeepsItsTurns() {
        inFlight.set(40);
        cpuPercent.set(30);
        for (int turn = 0; turn < 5; turn++) {
            later(25);
            assertThat(intakeFirst.inboxMayRun()).isTrue();
        }
        cpuPercent.set(95);
        later(100);
        assertThat(intakeFirst.inboxMayRun()).as("the CPU read again 100 ms later: busy").isFalse();
        inFlight.set(0);
        cpuPercent.set(30);
        later(100);
        assertThat(intakeFirst.inboxMayRun()).isTrue();
    }

    @Test
    void theCpuIsReadAtMostEveryTenthOfASecond() {
        inFlight.set(40);
        for (int turn = 0; turn < 8; turn++) {
            intakeFirst.inboxMayRun();
            later(25);
        }
        assertThat(cpuReadings.get()).as("8 turns over 200 ms").isEqualTo(2);
    }

    @Test
    void aCpuTheJvmCannotReadCountsAsNotBusy() {
        inFlight.set(40);
        cpuPercent.set(-100);
        later(25);
        assertThat(intakeFirst.inboxMayRun()).isTrue();
    }
}
