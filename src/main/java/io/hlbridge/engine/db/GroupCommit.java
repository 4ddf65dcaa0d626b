package io.hlbridge.engine.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what concurrent threads hand it in shared statements (group commit): a thread that finds
 * the writer busy leaves its item and waits, and the next writer takes every item left meanwhile
 * into one statement. Each caller returns only once its own item is committed, or throws what
 * writing it threw, so this holds nothing a crash could lose and nothing another replica could
 * contradict: the rows stay the only state. One thread at a time writes its item alone, as it
 * would without this. Callers must not hold a transaction or row locks of their own while they wait.
 *
 * <p>A waiting thread parks. The writer wakes each thread whose item it settled, and, once it is no
 * longer writing, the thread of the oldest item left waiting, which writes next: threads whose items
 * are done never queue up for the writer's turn only to find they have nothing left to do.
 *
 * <p>When the database refuses a shared statement (a constraint, a deadlock: it was rolled back),
 * its items are written again one by one, so an item that cannot be written fails alone. When the
 * database could not be reached, or the fate of the commit is unknown, every item of the group fails
 * with that error: retrying then would only wait longer, or apply an outcome twice.
 */
public final class GroupCommit<T, R> {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final AtomicBoolean writing = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Pending<T, R>> waiting = new ConcurrentLinkedQueue<>();
    private final int maxItems;
    private final ToLongFunction<T> weight;
    private final long maxWeight;
    private final Function<List<T>, List<R>> write;

    /**
     * {@code write} writes and commits all the items it is given and returns each one's result, in
     * their order (or null: no results), or throws.
     */
    public GroupCommit(int maxItems, Function<List<T>, List<R>> write) {
        this(maxItems, item -> 0, Long.MAX_VALUE, write);
    }

    /**
     * As {@link #GroupCommit(int, Function)}, and a statement takes items past its first only while
     * their {@code weight} together stays within {@code maxWeight} (a group of large items is not
     * built into one huge statement).
     */
    public GroupCommit(int maxItems, ToLongFunction<T> weight, long maxWeight, Function<List<T>, List<R>> write) {
        if (maxItems < 1 || maxWeight < 0) {
            throw new IllegalArgumentException("maxItems must be at least 1 and maxWeight not negative");
        }
        this.maxItems = maxItems;
        this.weight = weight;
        this.maxWeight = maxWeight;
        this.write = write;
    }

    private static final class Pending<T, R> {
        final T item;
        final Thread owner = Thread.currentThread();
        volatile boolean done;
        R result;
        Throwable failure;

        Pending(T item) {
            this.item = item;
        }
    }

    /** Writes {@code item}, alone or with others, and returns its result once it is committed. */
    public R write(T item) {
        Pending<T, R> mine = new Pending<>(item);
        waiting.add(mine);
        // every add is followed by a try to write, and every turn's end by a hand-off: no item is left
        // waiting while no thread is writing
        boolean interrupted = false;
        while (!mine.done) {
            if (writing.compareAndSet(false, true)) {
                try {
                    List<Pending<T, R>> batch = takeBatch();
                    if (!batch.isEmpty()) { // empty: this thread's item was settled just before its turn
                        writeBatch(batch);
                    }
                } catch (RuntimeException | Error unexpected) { // every item taken is settled by now
                    LOG.error("writing a group failed unexpectedly", unexpected);
                } finally {
                    writing.set(false);
                    Pending<T, R> next = waiting.peek();
                    if (next != null) {
                        LockSupport.unpark(next.owner);
                    }
                }
            } else {
                LockSupport.park(this); // until settled, or handed the turn (or spuriously: the loop checks)
                // the wait cannot be given up (the item may be written meanwhile): keep the interrupt for
                // the caller, and do not let it turn parking into spinning
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure instanceof RuntimeException r) {
            throw r;
        }
        if (mine.failure instanceof Error e) {
            throw e;
        }
        return mine.result;
    }

    /**
     * The oldest items waiting, up to {@code maxItems} and, past the first, up to {@code maxWeight}
     * together. Only the thread holding the turn removes items, so the head it peeks is the one it polls.
     */
    private List<Pending<T, R>> takeBatch() {
        List<Pending<T, R>> batch = new ArrayList<>();
        long total = 0;
        for (Pending<T, R> p; batch.size() < maxItems && (p = waiting.peek()) != null; ) {
            long w = weight.applyAsLong(p.item);
            if (!batch.isEmpty() && total + w > maxWeight) {
                break;
            }
            batch.add(waiting.poll());
            total += w;
        }
        return batch;
    }

    /** Settles every item of {@code batch}: done with its result, or failed. */
    private void writeBatch(List<Pending<T, R>> batch) {
        // a writer's own interrupt must not fail the others' items (the pool refuses an interrupted
        // thread a connection): cleared while it writes, given back after
        boolean interrupted = Thread.interrupted();
        try {
            settle(batch, write.apply(batch.stream().map(p -> p.item).toList()));
        } catch (RuntimeException | Error shared) {
            if (batch.size() == 1 || !refusedByDatabase(shared)) {
                batch.forEach(p -> fail(p, shared));
                return;
            }
            LOG.warn("a group of {} writes was refused ({}); writing them one by one", batch.size(), shared.getMessage());
            Throwable unavailable = null;
            for (Pending<T, R> p : batch) {
                if (unavailable != null) { // the database went away meanwhile: the rest would only wait for it too
                    fail(p, unavailable);
                    continue;
                }
                try {
                    settle(List.of(p), write.apply(List.of(p.item)));
                } catch (RuntimeException | Error alone) {
                    fail(p, alone);
                    unavailable = refusedByDatabase(alone) ? null : alone;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            batch.forEach(p -> {
                if (!p.done) {
                    fail(p, new IllegalStateException("the write of a group ended without settling this item"));
                }
            });
        }
    }

    private void settle(List<Pending<T, R>> batch, List<R> results) {
        if (results != null && results.size() != batch.size()) {
            throw new IllegalStateException(results.size() + " results for " + batch.size() + " items");
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending<T, R> p = batch.get(i);
            p.result = results == null ? null : results.get(i);
            p.done = true;
            LockSupport.unpark(p.owner);
        }
    }

    private static <T, R> void fail(Pending<T, R> p, Throwable t) {
        p.failure = t;
        p.done = true;
        LockSupport.unpark(p.owner);
    }

    /**
     * True when the database answered with an error, so the statement was rolled back and writing its
     * items again is safe; false when it could not be reached, the connection broke or the server is
     * shutting down or starting up ({@link SqlErrors#isDatabaseUnavailable}: the commit may or may not
     * have happened, and each retry would wait for a connection again), or no SQLState says.
     */
    static boolean refusedByDatabase(Throwable t) {
        if (SqlErrors.isDatabaseUnavailable(t)) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state != null && !state.startsWith("08");
            }
        }
        return false;
    }
}
