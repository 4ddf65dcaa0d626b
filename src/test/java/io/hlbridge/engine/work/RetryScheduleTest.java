package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

    private static Duration delayAfter(RetrySchedule schedule, int failures) {
        return Duration.between(NOW, schedule.next(failures, NOW, NOW, null).orElseThrow());
    }

    @Test
    void theDefaultDelaysComeInOrderAndTheLastRepeats() {
        List<Duration> expected = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(12),
                Duration.ofHours(12), Duration.ofHours(12));
        for (int failures = 1; failures <= expected.size(); failures++) {
            assertThat(delayAfter(RetrySchedule.DEFAULT, failures)).as("after %d failures", failures)
                    .isEqualTo(expected.get(failures - 1));
        }
        assertThat(RetrySchedule.DEFAULT.giveUpAfter()).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void retryAfterWinsOnlyWhenLonger() {
        assertThat(RetrySchedule.DEFAULT.next(1, NOW, NOW, Duration.ofSeconds(90))).contains(NOW.plusSeconds(90));
        assertThat(RetrySchedule.DEFAULT.next(1, NOW, NOW, Duration.ofSeconds(3))).contains(NOW.plusSeconds(10));
    }

    @Test
    void givesUpOnceTheNextAttemptWouldFallAfterTheWindow() {
        Instant first = NOW.minus(Duration.ofDays(3)).plus(Duration.ofHours(13));
        assertThat(RetrySchedule.DEFAULT.next(8, first, NOW, null)).contains(NOW.plus(Duration.ofHours(12)));
        Instant older = NOW.minus(Duration.ofDays(3)).plus(Duration.ofHours(11));
        assertThat(RetrySchedule.DEFAULT.next(8, older, NOW, null)).isEmpty();
    }

    @Test
    void aCustomScheduleIsParsed() {
        RetrySchedule schedule = RetrySchedule.parse("PT1S, PT2S,PT3S", "PT1M");
        assertThat(schedule.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(schedule.giveUpAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(delayAfter(schedule, 5)).isEqualTo(Duration.ofSeconds(3));
        assertThat(schedule.next(1, NOW.minusSeconds(60), NOW, null)).isEmpty();
    }

    @Test
    void aBadValueIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> RetrySchedule.parse("PT10S,soon", "P3D"))
                .hasMessageContaining("ENGINE_RETRY_DELAYS").hasMessageContaining("soon");
        assertThatThrownBy(() -> RetrySchedule.parse("PT10S,-PT5S", "P3D")).hasMessageContaining("ENGINE_RETRY_DELAYS");
        assertThatThrownBy(() -> RetrySchedule.parse("PT10S", "forever")).hasMessageContaining("ENGINE_RETRY_GIVE_UP_AFTER");
    }
}
