package io.hlbridge.engine.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.support.TestDatabase;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The overview's last event: from the inbox, else (older than the history kept) from the log, else none yet. */
class LastEventAtIT {

    @Test
    void anEventTheInboxForgotIsStillTheLastEvent_whileTheLogShowsIt() {
        try (HikariDataSource pool = TestDatabase.migratedPool(2)) {
            Jdbi jdbi = Jdbi.create(pool);
            jdbi.useHandle(h -> h.execute("""
                    INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES ('mkt_1', 'M', 'hash', 'enc')"""));
            assertThat(lastEventAt(jdbi)).isNull();

            // 40 days ago: its inbox row forgotten (HistoryRetention), its receipt still in the quiet marketplace's log
            jdbi.useHandle(h -> h.execute("""
                    INSERT INTO event_log (id, marketplace_id, kind, status, created_at)
                    VALUES ('log_1', 'mkt_1', 'event', 'accepted', TIMESTAMPTZ '2026-10-27T10:00:00Z'),
                           ('log_2', 'mkt_1', 'event', 'rejected', TIMESTAMPTZ '2026-10-28T10:00:00Z')"""));
            assertThat(lastEventAt(jdbi)).isEqualTo("2026-10-27T10:00:00Z");

            jdbi.useHandle(h -> h.execute("""
                    INSERT INTO inbox_event (marketplace_id, webhook_id, event_type, ordering_key, payload, received_at)
                    VALUES ('mkt_1', 'evt_1', 'order.completed', 'a@example.com', '{}', TIMESTAMPTZ '2026-12-01T08:00:00Z')"""));
            assertThat(Instant.parse(lastEventAt(jdbi)))
                    .isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        }
    }

    private static String lastEventAt(Jdbi jdbi) {
        return jdbi.withHandle(h -> MarketplaceOverview.lastEventAt(h, "mkt_1"));
    }
}
