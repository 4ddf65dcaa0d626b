package io.hlbridge.engine.work;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When to try a transient failure again (spec §5): by default about 10 s, 1 min, 5 min, 30 min, 2 h,
 * 6 h, then every 12 h, for up to 3 days after the first attempt; a {@code Retry-After} from
 * HighLevel wins when it asks for longer. {@code ENGINE_RETRY_DELAYS} and
 * {@code ENGINE_RETRY_GIVE_UP_AFTER} change it (tests shorten it).
 */
public record RetrySchedule(List<Duration> delays, Duration giveUpAfter) {
    public static final String DEFAULT_DELAYS = "PT10S,PT1M,PT5M,PT30M,PT2H,PT6H,PT12H";
    public static final String DEFAULT_GIVE_UP_AFTER = "P3D";
    public static final RetrySchedule DEFAULT = parse(DEFAULT_DELAYS, DEFAULT_GIVE_UP_AFTER);

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.isEmpty() || delays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("retry delays must be at least one positive duration");
        }
        if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("the retry window must be positive");
        }
    }

    /** Reads {@code ENGINE_RETRY_DELAYS} (comma-separated ISO-8601 durations) and {@code ENGINE_RETRY_GIVE_UP_AFTER}. */
    public static RetrySchedule parse(String delays, String giveUpAfter) {
        List<Duration> parsed = new ArrayList<>();
        for (String part : delays.split(",")) {
            Duration d = duration(part, "ENGINE_RETRY_DELAYS", "a comma-separated list of positive ISO-8601 durations such as PT10S,PT1M", delays);
            parsed.add(d);
        }
        Duration window = duration(giveUpAfter, "ENGINE_RETRY_GIVE_UP_AFTER", "a positive ISO-8601 duration such as P3D", giveUpAfter);
        return new RetrySchedule(parsed, window);
    }

    private static Duration duration(String value, String variable, String expected, String whole) {
        Duration d;
        try {
            d = Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalStateException(variable + " must be " + expected + ", got '" + whole + "'");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalStateException(variable + " must be " + expected + ", got '" + whole + "'");
        }
        return d;
    }

    /** The next attempt after {@code failures} failed attempts, or empty when it is time to give up. */
    public Optional<Instant> next(int failures, Instant firstAttempt, Instant now, Duration retryAfter) {
        Duration delay = delays.get(Math.min(Math.max(failures, 1), delays.size()) - 1);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        Instant at = now.plus(delay);
        return at.isAfter(firstAttempt.plus(giveUpAfter)) ? Optional.empty() : Optional.of(at);
    }

    /** The retry window for a log line: "3 days", or the ISO-8601 duration when it is not whole days. */
    public String windowInWords() {
        long days = giveUpAfter.toDays();
        if (days > 0 && giveUpAfter.equals(Duration.ofDays(days))) {
            return days == 1 ? "1 day" : days + " days";
        }
        return giveUpAfter.toString();
    }
}
