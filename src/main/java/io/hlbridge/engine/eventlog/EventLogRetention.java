package io.hlbridge.engine.eventlog;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Keeps the newest {@code ENGINE_LOG_RETENTION} entries of each marketplace and deletes the rest,
 * marketplace by marketplace, so one busy marketplace never evicts another's entries.
 *
 * <p>A pass looks only at the marketplaces that wrote an entry since the passes before it: a
 * marketplace that wrote nothing cannot have grown past its limit. Looking at every marketplace on
 * every pass cost an idle replica with 10,000 marketplaces half a core, and its database a third of one
 * (docs/performance.md). The first pass after a start looks at all of them once.
 *
 * <p>Which entries were seen is this replica's hint, not state: entries get their {@code seq} when they
 * are inserted but become visible when their transaction commits, so a pass looks back over the entries
 * of the last {@link #LOOK_BACK} passes, and an entry committed later still only delays its
 * marketplace's pruning until that marketplace's next entry. Two replicas prune the same marketplaces;
 * the deletes are idempotent.
 *
 * <p>Finding a marketplace's cut reads its newest {@code keep} entries, so a marketplace is cut at most
 * once every {@link #AT_MOST_EVERY} unless it wrote a tenth of {@code keep} since the last pass: with
 * 1,000 marketplaces all sending, cutting each on every pass cost PostgreSQL 0.25 ms per event, a tenth of
 * an event's cost (bench/deliver with BENCH_MARKETPLACES=1000). A marketplace may hold some entries past
 * {@code keep} for those seconds; the newest {@code keep} are never cut.
 */
public final class EventLogRetention {
    /** How many passes' worth of entries a pass looks at again (a pass a second: three seconds). */
    static final int LOOK_BACK = 3;
    /** How often a marketplace writing fewer than a tenth of its limit between two passes is cut. */
    static final long AT_MOST_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final Jdbi jdbi;
    private final int keep;
    /** The newest seq at the start of each of the last passes, oldest first; empty until the first pass. */
    private final Deque<Long> newestAtPass = new ArrayDeque<>();
    /** Marketplaces cut in the last {@link #AT_MOST_EVERY}, with when (this replica's hint, like the above). */
    private final Map<String, Long> cutAt = new HashMap<>();
    /** Marketplaces that wrote entries since they were last cut. */
    private final Set<String> uncut = new HashSet<>();
    private final LongSupplier nanos;
    private int lookedAt;

    public EventLogRetention(Jdbi jdbi, int keep) {
        this(jdbi, keep, System::nanoTime);
    }

    EventLogRetention(Jdbi jdbi, int keep, LongSupplier nanos) {
        this.jdbi = jdbi;
        this.keep = keep;
        this.nanos = nanos;
    }

    /** Returns how many entries were pruned. Timer-driven: one pass at a time. */
    public synchronized int prune() {
        return jdbi.withHandle(h -> {
            long newest = h.createQuery("SELECT coalesce(max(seq), 0) FROM event_log").mapTo(Long.class).one();
            long now = nanos.getAsLong();
            List<String> due = new ArrayList<>();
            if (newestAtPass.isEmpty()) {
                due.addAll(h.createQuery("SELECT id FROM marketplace").mapTo(String.class).list());
            } else {
                // the primary key's range of the recent entries, not the table; how many are new since the last pass
                Map<String, Integer> wrote = new HashMap<>();
                h.createQuery("""
                        SELECT marketplace_id, count(*) FILTER (WHERE seq > :last) FROM event_log
                         WHERE seq > :since GROUP BY marketplace_id""")
                        .bind("since", newestAtPass.peekFirst()).bind("last", newestAtPass.peekLast())
                        .map((rs, ctx) -> wrote.put(rs.getString(1), rs.getInt(2))).list();
                uncut.addAll(wrote.keySet());
                cutAt.values().removeIf(at -> now - at >= AT_MOST_EVERY);
                for (String marketplace : uncut) {
                    if (!cutAt.containsKey(marketplace) || wrote.getOrDefault(marketplace, 0) >= Math.max(1, keep / 10)) {
                        due.add(marketplace);
                    }
                }
            }
            int pruned = 0;
            for (String marketplace : due) {
                pruned += prune(h, marketplace);
                cutAt.put(marketplace, now);
                uncut.remove(marketplace);
            }
            lookedAt = due.size();
            newestAtPass.addLast(newest);
            if (newestAtPass.size() > LOOK_BACK) {
                newestAtPass.removeFirst();
            }
            return pruned;
        });
    }

    private int prune(Handle h, String marketplace) {
        // the (marketplace, seq) index reads at most `keep` entries to find the cut
        Long cutoff = h.createQuery("""
                SELECT seq FROM event_log WHERE marketplace_id = :m ORDER BY seq DESC OFFSET :keep LIMIT 1""")
                .bind("m", marketplace).bind("keep", keep).mapTo(Long.class).findOne().orElse(null);
        if (cutoff == null) {
            return 0;
        }
        return h.createUpdate("DELETE FROM event_log WHERE marketplace_id = :m AND seq <= :cutoff")
                .bind("m", marketplace).bind("cutoff", cutoff).execute();
    }

    /** How many marketplaces the last pass looked at. */
    int lookedAtLastPass() {
        return lookedAt;
    }
}
