package io.hlbridge.engine.eventlog;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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
 */
public final class EventLogRetention {
    /** How many passes' worth of entries a pass looks at again (a pass a second: three seconds). */
    static final int LOOK_BACK = 3;

    private final Jdbi jdbi;
    private final int keep;
    /** The newest seq at the start of each of the last passes, oldest first; empty until the first pass. */
    private final Deque<Long> newestAtPass = new ArrayDeque<>();
    private int lookedAt;

    public EventLogRetention(Jdbi jdbi, int keep) {
        this.jdbi = jdbi;
        this.keep = keep;
    }

    /** Returns how many entries were pruned. Timer-driven: one pass at a time. */
    public synchronized int prune() {
        return jdbi.withHandle(h -> {
            long newest = h.createQuery("SELECT coalesce(max(seq), 0) FROM event_log").mapTo(Long.class).one();
            List<String> marketplaces = newestAtPass.isEmpty()
                    ? h.createQuery("SELECT id FROM marketplace").mapTo(String.class).list()
                    // the primary key's range of the recent entries, not the table
                    : h.createQuery("SELECT DISTINCT marketplace_id FROM event_log WHERE seq > :since")
                            .bind("since", newestAtPass.peekFirst()).mapTo(String.class).list();
            int pruned = 0;
            for (String marketplace : marketplaces) {
                pruned += prune(h, marketplace);
            }
            lookedAt = marketplaces.size();
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
