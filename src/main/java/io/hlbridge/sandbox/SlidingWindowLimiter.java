package io.hlbridge.sandbox;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-location rate limiter: at most {@code max} requests in any sliding window of {@code intervalMillis}
 * (a real sliding window over the timestamps of admitted requests), plus a daily budget that resets at
 * midnight UTC (HighLevel does not document the reset time, highlevel-api-notes §4; UTC is our choice).
 *
 * <p>Rejected requests do not consume budget, so a client that backs off by {@code Retry-After} gets in.
 */
final class SlidingWindowLimiter {

    /** Outcome of one admission attempt, with the values for the X-RateLimit-* headers. */
    record Decision(boolean allowed, int max, long intervalMillis, int remaining, long daily, long dailyRemaining,
                    long retryAfterMillis) {
        long retryAfterSeconds() {
            return Math.max(1, (retryAfterMillis + 999) / 1000);
        }
    }

    private final int max;
    private final long intervalMillis;
    private final long daily;
    private final LongSupplier clock;
    private final LongSupplier monotonic;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param clockMillis wall clock, for the UTC day of the daily budget
     * @param monotonicMillis monotonic clock, for the sliding window (immune to wall-clock jumps)
     */
    SlidingWindowLimiter(int max, long intervalMillis, long daily, LongSupplier clockMillis, LongSupplier monotonicMillis) {
        this.max = max;
        this.intervalMillis = intervalMillis;
        this.daily = daily;
        this.clock = clockMillis;
        this.monotonic = monotonicMillis;
    }

    /** Records a request for {@code key} if allowed (or if {@code enforce} is false) and reports the state. */
    Decision tryAcquire(String key, boolean enforce) {
        return windows.computeIfAbsent(key, k -> new Window()).tryAcquire(enforce);
    }

    /** The header values for a request that cannot be attributed to a location (e.g. unknown token). */
    Decision untouched() {
        return new Decision(true, max, intervalMillis, max, daily, daily, 0);
    }

    void reset() {
        windows.clear();
    }

    private final class Window {
        private final ArrayDeque<Long> admitted = new ArrayDeque<>();
        private LocalDate day;
        private long usedToday;

        synchronized Decision tryAcquire(boolean enforce) {
            long wall = clock.getAsLong();
            long now = monotonic.getAsLong();
            LocalDate today = LocalDate.ofEpochDay(Math.floorDiv(wall, 86_400_000L));
            if (!today.equals(day)) {
                day = today;
                usedToday = 0;
            }
            while (!admitted.isEmpty() && admitted.peekFirst() <= now - intervalMillis) {
                admitted.pollFirst();
            }
            boolean windowFull = admitted.size() >= max;
            boolean dailyExhausted = usedToday >= daily;
            if (enforce && (windowFull || dailyExhausted)) {
                long retry = windowFull ? admitted.peekFirst() + intervalMillis - now : 0;
                if (dailyExhausted) {
                    retry = Math.max(retry, millisToNextUtcDay(wall));
                }
                return new Decision(false, max, intervalMillis, 0, daily, Math.max(0, daily - usedToday), retry);
            }
            admitted.addLast(now);
            usedToday++;
            return new Decision(true, max, intervalMillis, Math.max(0, max - admitted.size()), daily,
                    Math.max(0, daily - usedToday), 0);
        }

        private long millisToNextUtcDay(long now) {
            long next = LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L)).plusDays(1)
                    .atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            return next - now;
        }
    }
}
