package io.hlbridge.engine.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    /** Items written while the writer is busy go out together in the next statement, each once. */
    @Test
    void itemsLeftWhileTheWriterIsBusyShareTheNextStatement() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<String>> statements = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commit = new GroupCommit<>(64, items -> {
            statements.add(items);
            if (items.contains("first")) {
                writing.countDown();
                await(release);
            }
            return items.stream().map(i -> i + " written").toList();
        });
        Thread first = start(() -> commit.write("first"));
        await(writing);
        Map<String, String> results = new ConcurrentHashMap<>();
        List<Thread> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String item = "item" + i;
            others.add(start(() -> results.put(item, commit.write(item))));
        }
        waitUntilBlocked(others);
        release.countDown();
        first.join();
        for (Thread t : others) {
            t.join();
        }

        assertEquals(List.of("first"), statements.get(0));
        assertEquals(2, statements.size(), "the five waiting items share one statement: " + statements);
        assertEquals(Set.of("item0", "item1", "item2", "item3", "item4"), Set.copyOf(statements.get(1)));
        assertEquals(Map.of("item0", "item0 written", "item1", "item1 written", "item2", "item2 written",
                "item3", "item3 written", "item4", "item4 written"), results, "each writer gets its own item's result");
    }

    /** A shared statement that fails is written again item by item: only the item that cannot be written fails. */
    @Test
    void anItemThatCannotBeWrittenFailsAloneAndOnlyForItsWriter() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> committed = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commit = new GroupCommit<>(64, items -> {
            if (items.contains("first")) {
                writing.countDown();
                await(release);
            }
            if (items.contains("bad")) {
                throw new IllegalStateException("refused: bad");
            }
            committed.addAll(items);
            return null;
        });
        Thread first = start(() -> commit.write("first"));
        await(writing);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> others = new ArrayList<>();
        for (String item : List.of("good1", "bad", "good2")) {
            others.add(start(() -> {
                try {
                    commit.write(item);
                } catch (IllegalStateException e) {
                    failures.add(e);
                }
            }));
        }
        waitUntilBlocked(others);
        release.countDown();
        first.join();
        for (Thread t : others) {
            t.join();
        }

        assertEquals(Set.of("first", "good1", "good2"), Set.copyOf(committed));
        assertEquals(List.of("refused: bad"), failures.stream().map(Throwable::getMessage).collect(Collectors.toList()));
        assertThrows(IllegalStateException.class, () -> commit.write("bad"), "alone, it fails for its writer");
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    /** Each thread has left its item and waits for the writer. */
    private static void waitUntilBlocked(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
        }
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
