package io.hlbridge.engine.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.HighLevelCall;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.triggers.Customer;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One group of outcomes, written in one statement, ends each job exactly as its own statement would. */
class ActionOutcomeGroupIT {
    static HikariDataSource pool;
    static ActionQueue queue;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(4);
        TestDatabase.connectedIntegration(pool, "mkt_g", "int_g", "loc_g");
        queue = new ActionQueue(pool, new EventLog(), new QuietActions());
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void aMixedGroupEndsEachJobAsItsOwnStatementWould() {
        // three jobs of one customer (one contact key, spelled three ways) and one of another
        for (String email : List.of("a@x.io", " A@X.io", "a@x.io", "b@x.io")) {
            Sql.autoCommit(pool, c -> queue.enqueue(c, null, List.of(new ActionQueue.NewJob("mkt_g", "int_g", "rul_g", "add_tags",
                    List.of("buyer"), "product.purchased", "evt_" + email.trim(), "order.completed", "prod_1",
                    new Customer(email, null, null, null, null, null, null, null, null), "webhook", true, "HL", null,
                    io.hlbridge.engine.api.Json.object(), io.hlbridge.engine.api.Json.object()))));
        }
        // the claim hands out one job per customer at a time (claimDue); the group is written as if
        // their leases had crossed, to prove each outcome still ends its own job
        assertEquals(2, queue.claimDue(10).size());
        List<ActionJob> jobs = Sql.autoCommit(pool, c -> Sql.list(c, """
                SELECT j.*, i.location_id, i.status AS integration_status, i.access_token_enc, i.token_expires_at,
                       NULL AS contact_id
                  FROM action_job j JOIN integration i ON i.id = j.integration_id ORDER BY j.id""", ActionQueue::map))
                .stream().sorted(Comparator.comparingLong(ActionJob::id)).toList();
        assertEquals(4, jobs.size());
        Instant retryAt = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MICROS);
        Instant slot = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MICROS);
        String twoCalls = EventLog.callsJson(List.of(call("/contacts/upsert", 200), call("/contacts/c1/tags", 201)));
        String oneCall = EventLog.callsJson(List.of(call("/contacts/upsert", 503)));

        queue.write(List.of(
                new ActionQueue.Outcome(jobs.get(0), "succeeded", null, null, null, twoCalls, true, "c1"),
                new ActionQueue.Outcome(jobs.get(1), "retrying", retryAt, null, "HighLevel answered 503", oneCall, true, "c2"),
                new ActionQueue.Outcome(jobs.get(2), null, slot, slot, null, "[]", false, null),
                new ActionQueue.Outcome(jobs.get(3), "failed", null, null, "HighLevel answered 400", oneCall, true, null)));

        Map<String, Object> succeeded = job(jobs.get(0));
        assertEquals("succeeded", succeeded.get("status"));
        assertEquals(1, succeeded.get("attempts"));
        assertNotNull(succeeded.get("first_attempt_at"));
        assertNull(succeeded.get("lease_until"));

        Map<String, Object> retrying = job(jobs.get(1));
        assertEquals("retrying", retrying.get("status"));
        assertEquals(retryAt, retrying.get("due_at"));
        assertEquals(1, retrying.get("attempts"));

        Map<String, Object> deferred = job(jobs.get(2));
        assertEquals("pending", deferred.get("status"), "a job deferred to its slot keeps its status");
        assertEquals(slot, deferred.get("due_at"));
        assertEquals(slot, deferred.get("paced_slot_at"));
        assertEquals(0, deferred.get("attempts"), "waiting for a slot is not an attempt");
        assertNull(deferred.get("first_attempt_at"));
        assertNull(deferred.get("lease_until"));

        assertEquals("failed", job(jobs.get(3)).get("status"));

        assertLog(jobs.get(0), "succeeded", null, 2);
        assertLog(jobs.get(1), "retrying", "HighLevel answered 503", 1);
        assertLog(jobs.get(2), "pending", null, 0);
        assertLog(jobs.get(3), "failed", "HighLevel answered 400", 1);

        // two contact ids learned for one key in one group: the later outcome's is kept, and no
        // contact id is stored for an outcome that learned none
        assertEquals(List.of("a@x.io=c2"), Sql.autoCommit(pool, c -> Sql.list(c,
                "SELECT email || '=' || contact_id FROM contact_ref WHERE integration_id = 'int_g' ORDER BY email", rs -> rs.getString(1))));
    }

    private static HighLevelCall call(String path, int status) {
        return new HighLevelCall("POST", path, status, 3, "trace", null, Instant.now());
    }

    private static Map<String, Object> job(ActionJob job) {
        return Sql.autoCommit(pool, c -> Sql.first(c, "SELECT * FROM action_job WHERE id = ?", (ResultSet rs) -> {
            Map<String, Object> row = new HashMap<>();
            row.put("status", rs.getString("status"));
            row.put("attempts", rs.getInt("attempts"));
            row.put("due_at", Sql.instant(rs, "due_at"));
            row.put("paced_slot_at", Sql.instant(rs, "paced_slot_at"));
            row.put("first_attempt_at", Sql.instant(rs, "first_attempt_at"));
            row.put("lease_until", Sql.instant(rs, "lease_until"));
            return row;
        }, job.id())).orElseThrow();
    }

    private static void assertLog(ActionJob job, String status, String message, int calls) {
        Map<String, Object> line = Sql.autoCommit(pool, c -> Sql.first(c, "SELECT status, message, calls FROM event_log WHERE id = ?",
                (ResultSet rs) -> {
                    Map<String, Object> row = new HashMap<>();
                    row.put("status", rs.getString(1));
                    row.put("message", rs.getString(2));
                    row.put("calls", rs.getString(3));
                    return row;
                }, job.logId())).orElseThrow();
        assertEquals(status, line.get("status"), job.logId());
        assertEquals(message, line.get("message"), job.logId());
        JsonNode logged = Json.read((String) line.get("calls"));
        assertEquals(calls, logged.size(), job.logId() + ": " + logged);
    }
}
