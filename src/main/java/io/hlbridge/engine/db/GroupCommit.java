package io.hlbridge.engine.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Writes what concurrent threads hand it in shared statements (group commit): a thread that finds
 * the writer busy leaves its item and waits, and the next writer takes every item left meanwhile
 * into one statement. Each caller returns only once its own item is committed, or throws what
 * writing it threw, so this holds nothing a crash could lose and nothing another replica could
 * contradict: the rows stay the only state. One thread at a time writes its item alone, as it
 * would without this.
 *
 * <p>When a shared statement fails, its items are written again one by one, so an item that cannot
 * be written fails alone.
 */
public final class GroupCommit<T, R> {
    private final ReentrantLock writer = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<T, R>> waiting = new ConcurrentLinkedQueue<>();
    private final int maxItems;
    private final Function<List<T>, List<R>> write;

    /**
     * {@code write} writes and commits all the items it is given and returns each one's result, in
     * their order (or null: no results), or throws.
     */
    public GroupCommit(int maxItems, Function<List<T>, List<R>> write) {
        this.maxItems = maxItems;
        this.write = write;
    }

    private static final class Pending<T, R> {
        final T item;
        boolean done;
        R result;
        RuntimeException failure;

        Pending(T item) {
            this.item = item;
        }
    }

    /** Writes {@code item}, alone or with others, and returns its result once it is committed. */
    public R write(T item) {
        Pending<T, R> mine = new Pending<>(item);
        waiting.add(mine);
        writer.lock();
        try {
            while (!mine.done) {
                List<Pending<T, R>> batch = new ArrayList<>();
                for (Pending<T, R> p; batch.size() < maxItems && (p = waiting.poll()) != null; ) {
                    batch.add(p);
                }
                writeBatch(batch);
            }
        } finally {
            writer.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private void writeBatch(List<Pending<T, R>> batch) {
        List<R> results;
        try {
            results = write.apply(batch.stream().map(p -> p.item).toList());
        } catch (RuntimeException | Error shared) {
            if (batch.size() == 1) {
                fail(batch.get(0), shared);
                return;
            }
            for (Pending<T, R> p : batch) {
                try {
                    List<R> alone = write.apply(List.of(p.item));
                    p.result = alone == null ? null : alone.get(0);
                } catch (RuntimeException | Error alone) {
                    fail(p, alone);
                    continue;
                }
                p.done = true;
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result = results == null ? null : results.get(i);
            batch.get(i).done = true;
        }
    }

    private static <T, R> void fail(Pending<T, R> p, Throwable t) {
        p.failure = t instanceof RuntimeException r ? r : new IllegalStateException(t.getMessage(), t);
        p.done = true;
    }
}
