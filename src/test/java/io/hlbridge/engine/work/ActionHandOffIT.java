package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.triggers.Customer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbox batch's statement leases the jobs it hands straight to this replica's action workers
 * (ActionQueue.Enqueued#statement): only a customer's first unfinished job, only a pending one, no more
 * than the workers have room for, with every column a claim reads along; the rest waits for a claim,
 * in the customer's order.
 */
class ActionHandOffIT {
    static HikariDataSource pool;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(2);
        TestDatabase.connectedIntegration(pool, "mkt_o", "int_o", "loc_o");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @BeforeEach
    void emptyQueue() {
        Sql.autoCommit(pool, c -> Sql.update(c, "DELETE FROM action_job"));
        Sql.autoCommit(pool, c -> Sql.update(c, "DELETE FROM contact_ref"));
    }

    @Test
    void handsOffEachCustomersFirstUnfinishedPendingJobAndLeavesTheRestForAClaim() {
        ActionQueue queue = new ActionQueue(pool, new EventLog(), new QuietActions());
        // carol already has a job retrying: hers wait behind it
        Sql.autoCommit(pool, c -> queue.enqueue(c, null, List.of(job("evt_0", "carol@example.com", true))));
        Sql.autoCommit(pool, c -> Sql.update(c, "UPDATE action_job SET status = 'retrying', due_at = now() + interval '1 hour'"));
        Sql.autoCommit(pool, c -> Sql.update(c, "INSERT INTO contact_ref (integration_id, email, contact_id) VALUES ('int_o', 'bob@example.com', 'ct_bob')"));

        List<ActionJob> handed = handOff(32,
                job("evt_1", "Ada@Example.com ", true),   // ada's first
                job("evt_1", "ada@example.com", true),    // ada's second (another rule): after her first
                job("evt_2", "bob@example.com", true),    // bob, whose contact id is known
                job("evt_3", "carol@example.com", true),  // behind carol's retrying job
                job("evt_4", "dan@example.com", false));  // the integration is not connected: waiting

        assertThat(handed).extracting(j -> j.customer().email()).containsExactly("Ada@Example.com ", "bob@example.com");
        ActionJob bob = handed.get(1);
        assertThat(bob.locationId()).isEqualTo("loc_o");
        assertThat(bob.integrationStatus()).isEqualTo("connected");
        assertThat(bob.rememberedContactId()).isEqualTo("ct_bob");
        assertThat(bob.tags()).containsExactly("buyer");
        assertThat(bob.logId()).isNotNull();
        assertThat(leased()).containsExactlyInAnyOrder("evt_1:ada@example.com", "evt_2:bob@example.com");

        // a claim takes none of the handed-off jobs, nor a customer's job behind an unfinished one
        assertThat(queue.claimDue(32)).isEmpty();
        assertThat(statuses()).containsExactly("pending", "pending", "pending", "pending", "retrying", "waiting");
    }

    @Test
    void handsOffNoMoreThanTheWorkersHaveRoomFor() {
        List<ActionJob> handed = handOff(2, job("evt_1", "a@example.com", true), job("evt_2", "b@example.com", true),
                job("evt_3", "c@example.com", true));
        assertThat(handed).extracting(j -> j.customer().email()).containsExactly("a@example.com", "b@example.com");

        ActionQueue queue = new ActionQueue(pool, new EventLog(), new QuietActions());
        assertThat(queue.claimDue(32)).extracting(j -> j.customer().email()).containsExactly("c@example.com");
    }

    @Test
    void noRoomHandsOffNothing() {
        assertThat(handOff(0, job("evt_1", "a@example.com", true))).isEmpty();
        assertThat(leased()).isEmpty();
        assertThat(new ActionQueue(pool, new EventLog(), new QuietActions()).claimDue(32)).hasSize(1);
    }

    /** Queues {@code jobs} as an inbox batch does, at the end of its transaction, leasing up to {@code room}. */
    private static List<ActionJob> handOff(int room, ActionQueue.NewJob... jobs) {
        ActionQueue.Enqueued queued = new ActionQueue.Enqueued();
        queued.add(null, List.of(jobs));
        return Sql.inTransaction(pool, c -> Sql.listAndCommit(c, List.of(Sql.GENERIC_PLANS), queued.statement(room), ActionQueue::map, List.of()));
    }

    private static ActionQueue.NewJob job(String eventId, String email, boolean connected) {
        return new ActionQueue.NewJob("mkt_o", "int_o", "rul_o", "add_tags", List.of("buyer"), "product.purchased", eventId,
                "order.completed", "prod_1", new Customer(email, "Ada", null, null, null, null, null, null, null), "webhook",
                connected, "HL", null, Json.object(), Json.object());
    }

    private static List<String> leased() {
        return Sql.autoCommit(pool, c -> Sql.list(c, """
                SELECT event_id || ':' || lower(trim(customer->>'email')) FROM action_job
                 WHERE lease_until > now() + interval '50 seconds' ORDER BY id""", rs -> rs.getString(1)));
    }

    private static List<String> statuses() {
        return Sql.autoCommit(pool, c -> Sql.list(c, "SELECT status FROM action_job ORDER BY status", rs -> rs.getString(1)));
    }
}
