package io.hlbridge.engine.work;

import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.GroupCommit;
import io.hlbridge.engine.db.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Paces calls per HighLevel location across every replica (spec §5). Each location has one row with
 * its next free slot; a call reserves the slot with a single UPDATE (the row lock orders replicas),
 * and slots are spaced interval / (max - 3) apart, so any window of the advertised interval holds
 * fewer calls than the advertised maximum. The limit is learned from HighLevel's X-RateLimit-*
 * headers (100 per 10 s until told otherwise). A caller whose slot is more than {@link #MAX_WAIT}
 * away does not wait: its job is deferred to the slot (never a busy loop, never a sleeping queue).
 */
public final class LocationPacer {
    public static final Duration MAX_WAIT = Duration.ofMillis(60);
    /** How long a call in the middle of an action may wait for its slot. */
    public static final Duration MAX_WAIT_MID_ACTION = Duration.ofSeconds(15);
    /** A reserved slot used later than this is given up and a new one reserved, so calls never bunch up. */
    public static final Duration MAX_LATENESS = Duration.ofMillis(30);

    private final DataSource dataSource;
    private final GroupCommit<Request, Slots> reservations = new GroupCommit<>(64, this::reserveAll);

    public LocationPacer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Consecutive call slots of one location: the first, and the spacing between them. */
    public record Slots(Instant first, Duration spacing, int maxRequests, int intervalMs) {
        /** True when HighLevel's advertised limit is the one these slots were spaced by. */
        public boolean spacedBy(Integer max, Integer interval) {
            return max != null && interval != null && max == maxRequests && interval == intervalMs;
        }

        public Instant get(int i) {
            return first.plus(spacing.multipliedBy(i));
        }
    }

    /** Reserves this location's next call slot and returns it. */
    public Instant reserve(String locationId) {
        return reserve(locationId, 1).first();
    }

    /**
     * Reserves {@code count} consecutive slots at once, for an action that will make that many calls:
     * its later calls then never queue behind other actions' first calls. Reservations asked for at
     * the same moment by several workers share one statement ({@link GroupCommit}); each still gets
     * its own consecutive block, in the order they were asked.
     */
    public Slots reserve(String locationId, int count) {
        return reservations.write(new Request(locationId, count));
    }

    /** A worker's booking: {@code count} consecutive slots at one location. */
    record Request(String locationId, int count) {
    }

    /**
     * Books the slots of every request; each gets its block, in the order given. Not one transaction:
     * holding the location's row lock across a second round trip cost a third of bench/deliver's
     * throughput (the pacing lock is on every action's path). The grouped UPDATE and a new location's
     * first booking cannot be refused by the database (no constraint they could break, rows locked
     * in key order), and a lost connection fails the whole group without a retry per request
     * ({@link GroupCommit}), so no block is ever booked twice.
     */
    List<Slots> reserveAll(List<Request> requests) {
        if (requests.size() == 1) {
            Slots alone = Sql.autoCommit(dataSource, c -> reserveOne(c, requests.get(0)));
            return List.of(alone);
        }
        Map<String, Integer> totals = new TreeMap<>();
        requests.forEach(r -> totals.merge(r.locationId(), r.count(), Integer::sum));
        return Sql.autoCommit(dataSource, c -> {
            // each location's whole block in one UPDATE, its rows locked in key order (two replicas'
            // statements cannot deadlock); a location without a row yet gets its first slots below
            Map<String, Slots> blocks = new HashMap<>();
            Sql.list(c, """
                    WITH input AS (
                        SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb)) AS x(location_id text, total int)),
                    locked AS (
                        SELECT p.location_id FROM location_pace p JOIN input i USING (location_id) ORDER BY p.location_id FOR UPDATE OF p)
                    UPDATE location_pace p
                       SET next_free_at = GREATEST(p.next_free_at, clock_timestamp())
                                          + i.total * make_interval(secs => p.interval_ms::float8 / GREATEST(p.max_requests - 3, 1) / 1000),
                           updated_at = now()
                      FROM input i, locked l, %s
                     WHERE p.location_id = i.location_id AND l.location_id = p.location_id
                    RETURNING p.location_id, p.next_free_at - i.total * make_interval(secs => p.interval_ms::float8 / GREATEST(p.max_requests - 3, 1) / 1000),
                              p.interval_ms::float8 / GREATEST(p.max_requests - 3, 1), p.max_requests, p.interval_ms"""
                            .formatted(Sql.ASYNC_COMMIT),
                    rs -> Map.entry(rs.getString(1), slots(rs, 2)),
                    Json.write(totals.entrySet().stream().map(t -> Map.of("location_id", t.getKey(), "total", t.getValue())).toList()))
                    .forEach(block -> blocks.put(block.getKey(), block.getValue()));
            Map<String, Integer> used = new HashMap<>();
            List<Slots> out = new ArrayList<>(requests.size());
            for (Request r : requests) {
                Slots block = blocks.get(r.locationId());
                if (block == null) {
                    out.add(reserveOne(c, r));
                    continue;
                }
                int offset = used.merge(r.locationId(), r.count(), Integer::sum) - r.count();
                out.add(new Slots(block.get(offset), block.spacing(), block.maxRequests(), block.intervalMs()));
            }
            return out;
        });
    }

    private static Slots reserveOne(Connection c, Request r) throws SQLException {
        return Sql.first(c, """
                INSERT INTO location_pace AS p (location_id, next_free_at)
                SELECT ?, clock_timestamp() + CAST(? AS int) * make_interval(secs => 10000.0 / 97 / 1000) FROM %s
                ON CONFLICT (location_id) DO UPDATE
                   SET next_free_at = GREATEST(p.next_free_at, clock_timestamp())
                                      + CAST(? AS int) * make_interval(secs => p.interval_ms::float8 / GREATEST(p.max_requests - 3, 1) / 1000),
                       updated_at = now()
                RETURNING next_free_at - CAST(? AS int) * make_interval(secs => p.interval_ms::float8 / GREATEST(p.max_requests - 3, 1) / 1000),
                          p.interval_ms::float8 / GREATEST(p.max_requests - 3, 1), p.max_requests, p.interval_ms"""
                        .formatted(Sql.ASYNC_COMMIT),
                rs -> slots(rs, 1), r.locationId(), r.count(), r.count(), r.count()).orElseThrow();
    }

    /** Slots from a result's columns {@code from}..{@code from + 3}: first slot, spacing (ms), limit, interval. */
    private static Slots slots(ResultSet rs, int from) throws SQLException {
        return new Slots(rs.getObject(from, OffsetDateTime.class).toInstant(),
                Duration.ofNanos((long) (rs.getDouble(from + 1) * 1_000_000)), rs.getInt(from + 2), rs.getInt(from + 3));
    }

    /** Slots already booked from {@code first}, at this location's current spacing. */
    public Slots booked(String locationId, Instant first) {
        return Sql.autoCommit(dataSource, c -> Sql.first(c, """
                SELECT interval_ms::float8 / GREATEST(max_requests - 3, 1), max_requests, interval_ms
                  FROM location_pace WHERE location_id = ?""",
                rs -> new Slots(first, Duration.ofNanos((long) (rs.getDouble(1) * 1_000_000)), rs.getInt(2), rs.getInt(3)),
                locationId)).orElse(new Slots(first, Duration.ofMillis(104), 100, 10_000));
    }

    /** Waits for a slot that is at most {@link #MAX_WAIT} away, or throws {@link PacedLater}. */
    public void await(Instant slot) {
        await(slot, MAX_WAIT);
    }

    /**
     * Waits for a slot at most {@code maxWait} away, or throws {@link PacedLater}. An action that has
     * already made calls in this attempt waits longer for its next slot (see HighLevelAuth), so a
     * multi-call action always finishes once started instead of starting over at every deferral.
     */
    public void await(Instant slot, Duration maxWait) {
        long waitMillis = Duration.between(Instant.now(), slot).toMillis();
        if (waitMillis > maxWait.toMillis()) {
            throw new PacedLater(slot);
        }
        if (waitMillis > 0) {
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PacedLater(slot);
            }
        }
    }

    /** True when a slot reserved earlier is still good to use now. */
    public static boolean stillUsable(Instant slot) {
        return slot != null && Duration.between(slot, Instant.now()).compareTo(MAX_LATENESS) <= 0;
    }

    /**
     * What HighLevel says the location's limit is; changes the spacing of later slots. When the limit
     * goes up, slots booked ahead at the old spacing stay with their jobs, but new ones start now.
     */
    public void learn(String locationId, Integer max, Integer intervalMs) {
        if (max == null || intervalMs == null || max < 3 || intervalMs < 1) {
            return;
        }
        Sql.autoCommit(dataSource, c -> Sql.update(c, """
                UPDATE location_pace
                   SET next_free_at = CASE WHEN CAST(? AS int)::float8 / CAST(? AS int) > max_requests::float8 / interval_ms
                                           THEN LEAST(next_free_at, clock_timestamp()) ELSE next_free_at END,
                       max_requests = CAST(? AS int), interval_ms = CAST(? AS int), updated_at = now()
                 WHERE location_id = ? AND (max_requests <> CAST(? AS int) OR interval_ms <> CAST(? AS int))""",
                max, intervalMs, max, intervalMs, locationId, max, intervalMs));
    }

    /** A 429 said to hold off until {@code until}: no slot of this location is handed out before it. */
    public void holdOff(String locationId, Instant until) {
        Sql.autoCommit(dataSource, c -> Sql.update(c, """
                UPDATE location_pace SET next_free_at = GREATEST(next_free_at, ?), updated_at = now()
                 WHERE location_id = ?""", until, locationId));
    }
}
