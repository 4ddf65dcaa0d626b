package io.hlbridge.engine.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class GroupCommitTest {

    /** Items written while the writer is busy go out together in the next statement, each once, each with its result. */
    @Test
    void itemsLeftWhileTheWriterIsBusyShareTheNextStatement() throws Exception {
        List<List<String>> statements = Collections.synchronizedList(new ArrayList<>());
        Crowd crowd = new Crowd(items -> {
            statements.add(items);
            return items.stream().map(i -> i + " written").toList();
        });
        Map<String, Object> outcomes = crowd.writeWhileBusy(List.of("item0", "item1", "item2", "item3", "item4"));

        assertEquals(List.of("first"), statements.get(0));
        assertEquals(2, statements.size(), "the five waiting items share one statement: " + statements);
        assertEquals(5, statements.get(1).size(), "each item once: " + statements.get(1));
        assertEquals(Map.of("item0", "item0 written", "item1", "item1 written", "item2", "item2 written",
                "item3", "item3 written", "item4", "item4 written"), outcomes, "each writer gets its own item's result");
    }

    /** A shared statement the database refuses is written again item by item: only the item that cannot be written fails. */
    @Test
    void anItemTheDatabaseRefusesFailsAloneAndOnlyForItsWriter() throws Exception {
        List<String> committed = Collections.synchronizedList(new ArrayList<>());
        Crowd crowd = new Crowd(items -> {
            if (items.contains("bad")) {
                throw new IllegalStateException("refused", new SQLException("duplicate key", "23505"));
            }
            committed.addAll(items);
            return null;
        });
        Map<String, Object> outcomes = crowd.writeWhileBusy(List.of("good1", "bad", "good2"));

        assertEquals(List.of("first", "good1", "good2"), committed.stream().sorted().toList());
        assertTrue(outcomes.get("bad") instanceof IllegalStateException, "the bad item's writer gets the error: " + outcomes);
        assertNull(outcomes.get("good1"));
        assertNull(outcomes.get("good2"));
        assertThrows(IllegalStateException.class, () -> crowd.commit.write("bad"), "alone, it fails for its writer");
    }

    /**
     * When the database cannot be reached, a commit's fate is unknown (08006), or the server is going away
     * (57P01, shutting down), the group fails together, without a retry per item.
     */
    @ParameterizedTest
    @ValueSource(strings = {"08006", "57P01"})
    void aLostConnectionFailsTheWholeGroupWithoutRetryingEachItem(String sqlState) throws Exception {
        List<List<String>> attempts = Collections.synchronizedList(new ArrayList<>());
        Crowd crowd = new Crowd(items -> {
            attempts.add(items);
            if (items.contains("a")) {
                throw new IllegalStateException("gone", new SQLException("the database went away", sqlState));
            }
            return null;
        });
        Map<String, Object> outcomes = crowd.writeWhileBusy(List.of("a", "b", "c"));

        assertEquals(2, attempts.size(), "one statement for 'first', one for the group, none item by item: " + attempts);
        for (String item : List.of("a", "b", "c")) {
            assertTrue(outcomes.get(item) instanceof IllegalStateException, item + " fails with the group: " + outcomes);
        }
    }

    /** A write that returns the wrong number of results fails its items instead of leaving their writers waiting. */
    @Test
    void aWriteWithTooFewResultsFailsItsItems() {
        GroupCommit<String, String> commit = new GroupCommit<>(64, items -> List.of());
        assertThrows(IllegalStateException.class, () -> commit.write("x"));
    }

    /** A waiting thread that is interrupted still gets its item written (it may already be in flight), and keeps its interrupt. */
    @Test
    void anInterruptedWaiterIsStillAnsweredAndKeepsItsInterrupt() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>(64, items -> {
            if (items.contains("first")) {
                writing.countDown();
                await(release);
            }
            return items.stream().map(i -> i + " written").toList();
        });
        Thread first = start(() -> commit.write("first"));
        await(writing);
        Map<String, Object> seen = new ConcurrentHashMap<>();
        Thread waiter = start(() -> {
            seen.put("result", commit.write("x"));
            seen.put("interrupted", Thread.currentThread().isInterrupted());
        });
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        waiter.interrupt();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Thread.sleep(50);
        long cpuBefore = threads.getThreadCpuTime(waiter.getId());
        Thread.sleep(300);
        long cpuSpent = threads.getThreadCpuTime(waiter.getId()) - cpuBefore;
        assertTrue(cpuSpent < TimeUnit.MILLISECONDS.toNanos(30), "back to waiting, not spinning: " + cpuSpent / 1_000_000 + " ms of CPU in 300 ms");
        release.countDown();
        first.join();
        waiter.join();

        assertEquals(Map.of("result", "x written", "interrupted", true), seen);
    }

    /** Past the first item, a statement takes items only while their weight together stays within the budget. */
    @Test
    void aStatementTakesItemsWithinItsWeightBudget() throws Exception {
        List<List<String>> statements = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>(64, String::length, 10, items -> {
            statements.add(items);
            if (items.contains("first")) {
                writing.countDown();
                await(release);
            }
            return null;
        });
        Thread first = start(() -> commit.write("first"));
        await(writing);
        List<Thread> others = new ArrayList<>();
        for (String item : List.of("aaaa", "bbbb", "cccc", "dddddddddddddddd")) { // 4 + 4 fit in 10, then 4, then 16 alone
            others.add(start(() -> commit.write(item)));
            while (others.get(others.size() - 1).getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
        }
        release.countDown();
        first.join();
        for (Thread t : others) {
            t.join();
        }

        assertEquals(List.of(List.of("first"), List.of("aaaa", "bbbb"), List.of("cccc"), List.of("dddddddddddddddd")), statements);
    }

    /** Written one by one after a refusal, the rest of a group fail at once when the database goes away meanwhile. */
    @Test
    void oneByOneStopsTryingOnceTheDatabaseIsGone() throws Exception {
        List<List<String>> attempts = Collections.synchronizedList(new ArrayList<>());
        Crowd crowd = new Crowd(items -> {
            attempts.add(items);
            if (items.size() > 1 && items.contains("bad")) {
                throw new IllegalStateException("refused", new SQLException("duplicate key", "23505"));
            }
            if (items.equals(List.of("bad"))) {
                throw new IllegalStateException("gone", new SQLException("An I/O error occurred", "08006"));
            }
            return null;
        });
        Map<String, Object> outcomes = crowd.writeWhileBusy(List.of("bad", "x", "y"));

        List<String> alone = attempts.stream().filter(a -> a.size() == 1 && !a.contains("first")).map(a -> a.get(0)).toList();
        assertTrue(alone.contains("bad"), "retried alone: " + attempts);
        assertTrue(outcomes.get("bad") instanceof IllegalStateException);
        for (String item : List.of("x", "y")) {
            if (alone.indexOf(item) > alone.indexOf("bad")) {
                throw new AssertionError(item + " was tried after the database had gone: " + attempts);
            }
            if (!alone.contains(item)) {
                assertTrue(outcomes.get(item) instanceof IllegalStateException, item + " fails with the outage: " + outcomes);
            }
        }
    }

    /** Many threads writing at once: every item written exactly once, and every caller gets its own result. */
    @Test
    void underContentionEveryItemIsWrittenOnceAndAnsweredToItsOwnCaller() throws Exception {
        Map<String, Integer> written = new ConcurrentHashMap<>();
        GroupCommit<String, String> commit = new GroupCommit<>(8, items -> {
            items.forEach(i -> written.merge(i, 1, Integer::sum));
            return items.stream().map(i -> "result of " + i).toList();
        });
        List<Thread> threads = new ArrayList<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 32; t++) {
            int thread = t;
            threads.add(start(() -> {
                for (int n = 0; n < 500; n++) {
                    String item = thread + "/" + n;
                    String result = commit.write(item);
                    if (!("result of " + item).equals(result)) {
                        wrong.add(item + " got " + result);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), wrong);
        assertEquals(32 * 500, written.size());
        assertTrue(written.values().stream().allMatch(n -> n == 1), "each item written once");
    }

    /**
     * Holds the writer busy with an item "first" while other threads each write one item, so that
     * their items wait together; then lets the writer go. Returns each item's result, or what its
     * writer caught.
     */
    static final class Crowd {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final GroupCommit<String, String> commit;

        Crowd(Function<List<String>, List<String>> write) {
            commit = new GroupCommit<>(64, items -> {
                if (items.contains("first")) {
                    writing.countDown();
                    await(release);
                }
                return write.apply(items);
            });
        }

        Map<String, Object> writeWhileBusy(List<String> items) throws InterruptedException {
            Thread first = start(() -> commit.write("first"));
            await(writing);
            Map<String, Object> outcomes = new ConcurrentHashMap<>();
            List<Thread> others = new ArrayList<>();
            for (String item : items) {
                others.add(start(() -> {
                    try {
                        String result = commit.write(item);
                        if (result != null) {
                            outcomes.put(item, result);
                        }
                    } catch (RuntimeException e) {
                        outcomes.put(item, e);
                    }
                }));
            }
            for (Thread t : others) { // each has left its item and waits for the writer
                while (t.getState() != Thread.State.WAITING) {
                    Thread.sleep(1);
                }
            }
            release.countDown();
            first.join();
            for (Thread t : others) {
                t.join();
            }
            return outcomes;
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
