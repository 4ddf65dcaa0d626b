package io.hlbridge.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.eventlog.EventReceipts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Webhooks stored at the same moment share one statement and commit (Inbox.storeTogether): each is
 * stored once, answered for itself, and has its own receipt, in the order they came.
 */
@Timeout(120)
class InboxIT {
    static HikariDataSource pool;
    static Inbox inbox;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(8);
        Sql.autoCommit(pool, c -> Sql.update(c, """
                INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES ('mkt_inbox', 'M', 'hash', 'enc')
                ON CONFLICT DO NOTHING"""));
        inbox = new Inbox(pool);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static List<String> rows(String sql) {
        return Sql.autoCommit(pool, c -> Sql.list(c, sql, rs -> rs.getString(1)));
    }

    static Inbox.Arrival arrival(String webhookId, String email) {
        String body = "{\"type\":\"order.completed\",\"customer\":{\"email\":\"" + email + "\"},\"order\":{\"id\":\"o-" + webhookId + "\"}}";
        return Inbox.Arrival.of("mkt_inbox", webhookId, (ObjectNode) Json.read(body), body);
    }

    /** A group with a webhook-id twice (a redelivery racing its first delivery) and one already stored: as one after the other. */
    @Test
    void aGroupStoresEachWebhookOnce_inTheOrderTheyCame_eachWithItsReceipt() {
        Inbox.Arrival old = arrival("evt_g_old", "old@example.com");
        assertThat(inbox.storeTogether(List.of(old))).containsExactly(Inbox.Outcome.ACCEPTED);

        List<Inbox.Arrival> group = List.of(arrival("evt_g_1", "One@Example.com "), arrival("evt_g_old", "old@example.com"),
                arrival("evt_g_2", "two@example.com"), arrival("evt_g_1", "One@Example.com "), arrival("evt_g_3", "three@example.com"));
        List<Inbox.Outcome> outcomes = inbox.storeTogether(group);

        assertThat(outcomes).containsExactly(Inbox.Outcome.ACCEPTED, Inbox.Outcome.DUPLICATE, Inbox.Outcome.ACCEPTED,
                Inbox.Outcome.DUPLICATE, Inbox.Outcome.ACCEPTED);
        // the inbox rows, in the order they came (the inbox stage processes a customer's events by id)
        assertThat(rows("""
                SELECT webhook_id || ' ' || ordering_key || ' ' || (payload #>> '{order,id}') FROM inbox_event
                 WHERE webhook_id LIKE 'evt_g_%' ORDER BY id"""))
                .containsExactly("evt_g_old old@example.com o-evt_g_old", "evt_g_1 one@example.com o-evt_g_1",
                        "evt_g_2 two@example.com o-evt_g_2", "evt_g_3 three@example.com o-evt_g_3");
        // one receipt per delivery, in the order they came, each with the log id it was given
        List<String> receipts = rows("""
                SELECT id || ' ' || event_id || ' ' || status || ' ' || coalesce(message, '-') FROM event_log
                 WHERE kind = 'event' AND event_id LIKE 'evt_g_%' ORDER BY seq""");
        List<String> expected = new ArrayList<>(List.of(old.logId() + " evt_g_old accepted -"));
        for (int i = 0; i < group.size(); i++) {
            expected.add(group.get(i).logId() + " " + group.get(i).webhookId() + " "
                    + (outcomes.get(i) == Inbox.Outcome.ACCEPTED ? "accepted -" : "duplicate " + EventReceipts.DUPLICATE));
        }
        assertThat(receipts).containsExactlyElementsOf(expected);
    }

    /** An event without a customer: its receipt has no email (a null in the group's arrays), beside one that has. */
    @Test
    void anEventWithoutAnEmailSharesAGroupWithOneThatHasOne() {
        String bare = "{\"type\":\"course.enrolled\"}";
        List<Inbox.Outcome> outcomes = inbox.storeTogether(List.of(
                Inbox.Arrival.of("mkt_inbox", "evt_n_1", (ObjectNode) Json.read(bare), bare), arrival("evt_n_2", "n2@example.com")));

        assertThat(outcomes).containsExactly(Inbox.Outcome.ACCEPTED, Inbox.Outcome.ACCEPTED);
        assertThat(rows("SELECT event_id || ' ' || coalesce(email, 'none') FROM event_log WHERE event_id LIKE 'evt_n_%' ORDER BY seq"))
                .containsExactly("evt_n_1 none", "evt_n_2 n2@example.com");
    }

    /** Many threads storing at once: each webhook stored once, each thread told its own outcome. */
    @Test
    void concurrentStoresAreEachAnsweredForThemselves() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(24);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String id = "evt_c_" + (i % 150);
                Inbox.Arrival a = arrival(id, "c" + (i % 150) + "@example.com");
                String body = a.payload();
                answers.add(threads.submit(() -> id + ":" + inbox.store("mkt_inbox", id, (ObjectNode) Json.read(body), body)));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : answers) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            for (int i = 0; i < 150; i++) {
                assertThat(outcomes).as("evt_c_" + i).containsOnlyOnce("evt_c_" + i + ":ACCEPTED", "evt_c_" + i + ":DUPLICATE");
            }
            assertThat(rows("SELECT count(*) || ' ' || count(DISTINCT webhook_id) FROM inbox_event WHERE webhook_id LIKE 'evt_c_%'"))
                    .containsExactly("150 150");
            assertThat(rows("""
                    SELECT status || ' ' || count(*) FROM event_log WHERE kind = 'event' AND event_id LIKE 'evt_c_%'
                     GROUP BY status ORDER BY status""")).containsExactly("accepted 150", "duplicate 150");
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A payload the database refuses (jsonb refuses an escaped NUL) fails the statement whole: nothing of its group
     * stays. Stored among others at once, it fails alone, with the database's reason, and the others are
     * accepted (GroupCommit writes a refused group again one by one).
     */
    @Test
    void aRefusedPayloadFailsAlone_andRollsItsGroupBack() throws Exception {
        String bad = "{\"type\":\"order.completed\",\"customer\":{\"email\":\"nul@example.com\"},\"x\":\"a\\u0000b\"}";
        Inbox.Arrival refused = Inbox.Arrival.of("mkt_inbox", "evt_r_bad", (ObjectNode) Json.read(bad), bad);

        Throwable together = catchThrowable(() -> inbox.storeTogether(List.of(arrival("evt_r_0", "r0@example.com"), refused)));
        assertThat(SqlErrors.hasState(together, "22P05")).as("%s", together).isTrue();
        assertThat(rows("SELECT count(*) FROM inbox_event WHERE webhook_id LIKE 'evt_r_%'")).containsExactly("0");

        ExecutorService threads = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = i == 17 ? "evt_r_bad" : "evt_r_" + i;
                String body = i == 17 ? bad : arrival(id, "r" + i + "@example.com").payload();
                answers.add(threads.submit(() -> {
                    try {
                        return id + ":" + inbox.store("mkt_inbox", id, (ObjectNode) Json.read(body), body);
                    } catch (RuntimeException e) {
                        return id + ":" + (SqlErrors.hasState(e, "22P05") ? "refused" : e.toString());
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : answers) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).contains("evt_r_bad:refused", "evt_r_0:ACCEPTED", "evt_r_39:ACCEPTED");
            assertThat(outcomes.stream().filter(o -> o.endsWith(":ACCEPTED"))).hasSize(39);
            assertThat(rows("SELECT count(*) FROM inbox_event WHERE webhook_id LIKE 'evt_r_%'")).containsExactly("39");
        } finally {
            threads.shutdownNow();
        }
    }
}
