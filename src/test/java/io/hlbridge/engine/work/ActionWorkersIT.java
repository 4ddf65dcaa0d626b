package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.support.TestDatabase;
import io.hlbridge.engine.triggers.Customer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The inbox stage hands jobs only to idle workers, and never waits for room: a job the workers' queue
 * refuses has its lease released at once and the action stage is woken, so a claim takes it (not after the
 * 60 s lease).
 */
@Timeout(60)
class ActionWorkersIT {
    static HikariDataSource pool;

    @BeforeAll
    static void database() {
        pool = TestDatabase.migratedPool(2);
        TestDatabase.connectedIntegration(pool, "mkt_w", "int_w", "loc_w");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void handsOffToIdleWorkersOnlyAndReleasesWhatTheQueueRefuses() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        try (CamelContext context = new DefaultCamelContext()) {
            // one worker, a queue of one, as routes/deliver-actions.camel.yaml's 16 and 64
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("seda:action-workers?size=1&concurrentConsumers=1").routeId(ActionWorkers.WORKERS_ROUTE)
                            .process(e -> {
                                started.countDown();
                                release.await(30, TimeUnit.SECONDS);
                            });
                }
            });
            context.start();
            AtomicInteger wakeUps = new AtomicInteger();
            ActionWorkers workers = new ActionWorkers(context, pool, stopping::get, wakeUps::incrementAndGet);
            assertThat(workers.getAsInt()).as("one idle worker").isEqualTo(1);

            List<ActionJob> leased = handOff(3);
            workers.take(leased.subList(0, 1));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(workers.getAsInt()).as("the worker is busy").isZero();

            long before = System.nanoTime();
            workers.take(leased.subList(1, 3)); // the queue takes one, refuses the other: not a wait
            // (a wait would last until the worker is released below, i.e. for ever; the bound only has to be finite)
            assertThat(System.nanoTime() - before).isLessThan(TimeUnit.SECONDS.toNanos(20));
            assertThat(new ActionQueue(pool, new EventLog(), new QuietActions()).claimDue(32))
                    .as("the refused job is claimable at once").extracting(ActionJob::id).containsExactly(leased.get(2).id());
            assertThat(wakeUps).as("and the action stage is woken to claim it").hasValue(1);

            stopping.set(true);
            release.countDown();
            assertThat(workers.getAsInt()).as("none while stopping").isZero();
        }
    }

    /** Three jobs of three customers queued and leased as an inbox batch leases them. */
    private static List<ActionJob> handOff(int room) {
        ActionQueue.Enqueued queued = new ActionQueue.Enqueued();
        queued.add(null, List.of(job("a@example.com"), job("b@example.com"), job("c@example.com")));
        return Sql.inTransaction(pool, c -> Sql.listAndCommit(c, List.of(Sql.GENERIC_PLANS), queued.statement(room), ActionQueue::map, List.of()));
    }

    private static ActionQueue.NewJob job(String email) {
        return new ActionQueue.NewJob("mkt_w", "int_w", "rul_w", "add_tags", List.of("buyer"), "product.purchased", "evt_" + email,
                "order.completed", "prod_1", new Customer(email, null, null, null, null, null, null, null, null), "webhook",
                true, "HL", null, Json.object(), Json.object());
    }
}
