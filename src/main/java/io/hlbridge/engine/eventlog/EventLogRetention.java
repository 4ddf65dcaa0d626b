package io.hlbridge.engine.eventlog;

import org.jdbi.v3.core.Jdbi;

/**
 * Keeps the newest {@code ENGINE_LOG_RETENTION} entries of each marketplace and deletes the rest,
 * marketplace by marketplace, so one busy marketplace never evicts another's entries.
 */
public final class EventLogRetention {
    private final Jdbi jdbi;
    private final int keep;

    public EventLogRetention(Jdbi jdbi, int keep) {
        this.jdbi = jdbi;
        this.keep = keep;
    }

    /** Returns how many entries were pruned. */
    public int prune() {
        return jdbi.withHandle(h -> {
            int pruned = 0;
            for (String marketplace : h.createQuery("SELECT id FROM marketplace").mapTo(String.class).list()) {
                // the (marketplace, seq) index reads at most `keep` entries to find the cut
                Long cutoff = h.createQuery("""
                        SELECT seq FROM event_log WHERE marketplace_id = :m ORDER BY seq DESC OFFSET :keep LIMIT 1""")
                        .bind("m", marketplace).bind("keep", keep).mapTo(Long.class).findOne().orElse(null);
                if (cutoff != null) {
                    pruned += h.createUpdate("DELETE FROM event_log WHERE marketplace_id = :m AND seq <= :cutoff")
                            .bind("m", marketplace).bind("cutoff", cutoff).execute();
                }
            }
            return pruned;
        });
    }
}
