package io.hlbridge.engine.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
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
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slots reserved at the same moment by many workers (and so in shared statements) never overlap. */
class LocationPacerIT {
    static HikariDataSource pool;

    @BeforeAll
    static void database() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabase.newDatabase());
        config.setUsername("postgres");
        config.setMaximumPoolSize(8);
        pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void close() {
        pool.close();
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
