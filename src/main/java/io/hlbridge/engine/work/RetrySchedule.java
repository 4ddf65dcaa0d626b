package io.hlbridge.engine.work;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When to try a transient failure again (spec §5): about 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, then
 * every 12 h, for up to 3 days after the first attempt; a {@code Retry-After} from HighLevel wins
 * when it asks for longer.
 */
public final class RetrySchedule {
    static final List<Duration> DELAYS = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(12));
    static final Duration GIVE_UP_AFTER = Duration.ofDays(3);

    private RetrySchedule() {
    }

    /** The next attempt after {@code failures} failed attempts, or empty when it is time to give up. */
    public static Optional<Instant> next(int failures, Instant firstAttempt, Instant now, Duration retryAfter) {
        Duration delay = DELAYS.get(Math.min(Math.max(failures, 1), DELAYS.size()) - 1);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        Instant at = now.plus(delay);
        return at.isAfter(firstAttempt.plus(GIVE_UP_AFTER)) ? Optional.empty() : Optional.of(at);
    }
}
