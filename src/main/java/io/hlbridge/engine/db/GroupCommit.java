package io.hlbridge.engine.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

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
public final class GroupCommit<T> {
    private final ReentrantLock writer = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<T>> waiting = new ConcurrentLinkedQueue<>();
    private final int maxItems;
    private final Consumer<List<T>> write;

    /** {@code write} writes and commits all the items it is given, or throws. */
    public GroupCommit(int maxItems, Consumer<List<T>> write) {
        this.maxItems = maxItems;
        this.write = write;
    }

    private static final class Pending<T> {
        final T item;
        boolean done;
        RuntimeException failure;

        Pending(T item) {
            this.item = item;
        }
    }

    /** Writes {@code item}, alone or with others, and returns once it is committed. */
    public void write(T item) {
        Pending<T> mine = new Pending<>(item);
        waiting.add(mine);
        writer.lock();
        try {
            while (!mine.done) {
                List<Pending<T>> batch = new ArrayList<>();
                for (Pending<T> p; batch.size() < maxItems && (p = waiting.poll()) != null; ) {
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
    }

    private void writeBatch(List<Pending<T>> batch) {
        try {
            write.accept(batch.stream().map(p -> p.item).toList());
        } catch (RuntimeException | Error shared) {
            if (batch.size() == 1) {
                fail(batch.get(0), shared);
                return;
            }
            for (Pending<T> p : batch) {
                try {
                    write.accept(List.of(p.item));
                } catch (RuntimeException | Error alone) {
                    fail(p, alone);
                    continue;
                }
                p.done = true;
            }
            return;
        }
        batch.forEach(p -> p.done = true);
    }

    private static <T> void fail(Pending<T> p, Throwable t) {
        p.failure = t instanceof RuntimeException r ? r : new IllegalStateException(t.getMessage(), t);
        p.done = true;
    }
}
