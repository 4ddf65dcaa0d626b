package io.hlbridge.engine.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slots reserved at the same moment by many workers (and so in shared statements) never overlap. */
class LocationPacerIT {
    static HikariDataSource pool;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(8);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    /** One group: consecutive blocks in the order asked, a location without a row yet included. */
    @Test
    void aGroupOfBookingsGetsConsecutiveBlocksInTheOrderAsked() {
        LocationPacer pacer = new LocationPacer(pool);
        pacer.reserve("loc_g", 1);
        List<LocationPacer.Slots> got = pacer.reserveAll(List.of(new LocationPacer.Request("loc_g", 2),
                new LocationPacer.Request("loc_new", 1), new LocationPacer.Request("loc_g", 1), new LocationPacer.Request("loc_new", 2)));

        assertSame(got.get(0).get(2), got.get(2).first(), "loc_g's second block starts right after its first");
        Duration newGap = Duration.between(got.get(1).first(), got.get(3).first());
        assertTrue(newGap.compareTo(Duration.ofMillis(103)) >= 0 && newGap.compareTo(Duration.ofMillis(104)) < 0,
                "loc_new's second block follows its first by one spacing: " + newGap);
        LocationPacer.Slots next = pacer.reserve("loc_g", 1);
        assertSame(got.get(2).get(1), next.first(), "the next booking starts where the group's ended");
    }

    /** The same instant to the microsecond PostgreSQL keeps (slots in Java add a spacing of nanoseconds). */
    private static void assertSame(Instant expected, Instant actual, String what) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofNanos(1_000)) <= 0,
                what + ": expected " + expected + " but was " + actual);
    }

    @Test
    void concurrentReservationsGetDisjointBlocksSpacedByTheLimit() throws Exception {
        // two pacers: two replicas sharing the database, each with its own workers
        List<LocationPacer> replicas = List.of(new LocationPacer(pool), new LocationPacer(pool));
        replicas.get(0).reserve("loc_a", 1); // loc_a has its row; loc_b gets its first slots in the crowd below
        Map<String, List<Instant>> slots = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 16; w++) {
            int worker = w;
            done.add(workers.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    String location = (worker + i) % 3 == 0 ? "loc_b" : "loc_a";
                    int count = 1 + (worker + i) % 2;
                    LocationPacer.Slots block = replicas.get(worker % 2).reserve(location, count);
                    for (int k = 0; k < count; k++) {
                        slots.computeIfAbsent(location, l -> Collections.synchronizedList(new ArrayList<>())).add(block.get(k));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        workers.shutdown();

        int total = 0;
        for (Map.Entry<String, List<Instant>> location : slots.entrySet()) {
            List<Instant> sorted = new ArrayList<>(location.getValue());
            Collections.sort(sorted);
            total += sorted.size();
            for (int i = 1; i < sorted.size(); i++) {
                Duration gap = Duration.between(sorted.get(i - 1), sorted.get(i));
                // 100 calls per 10 s, spaced 10 s / 97: a gap a microsecond short is rounding, a shorter one an overlap
                assertTrue(gap.compareTo(Duration.ofMillis(103)) >= 0,
                        location.getKey() + ": slots " + sorted.get(i - 1) + " and " + sorted.get(i) + " are only " + gap + " apart");
            }
        }
        assertEquals(16 * 25 * 3 / 2, total, "every slot asked for was handed out");
    }
}
