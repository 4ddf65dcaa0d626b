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
        return jdbi.withHandle(h -> h.createUpdate("""
                DELETE FROM event_log l
                 USING (SELECT m.id AS marketplace_id,
                               (SELECT seq FROM event_log x WHERE x.marketplace_id = m.id
                                 ORDER BY seq DESC OFFSET :keep LIMIT 1) AS cutoff
                          FROM marketplace m) c
                 WHERE l.marketplace_id = c.marketplace_id AND c.cutoff IS NOT NULL AND l.seq <= c.cutoff""")
                .bind("keep", keep)
                .execute());
    }
}
