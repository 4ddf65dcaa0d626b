package io.hlbridge.engine.highlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.integrations.Integration;
import io.hlbridge.engine.integrations.IntegrationListener;
import io.hlbridge.engine.integrations.IntegrationStore;
import io.hlbridge.engine.integrations.StoredTokens;
import io.hlbridge.engine.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token rotation as several engine replicas do it: each {@link Replica} has its own
 * {@link HighLevelTokens}, its own HTTP client and its own connection pool on one shared PostgreSQL,
 * and the token endpoint accepts each refresh token exactly once.
 */
class HighLevelTokensIT {
    static final int REPLICAS = 8;
    static final String KEY = "tokens-it-secret-key";

    static String jdbcUrl;
    static FakeTokenEndpoint endpoint;
    static final List<Replica> replicas = new ArrayList<>();
    static final AtomicInteger connectedCalls = new AtomicInteger();
    static final IntegrationListener countingListener = new IntegrationListener() {
        @Override
        public void connected(Handle h, String integrationId) {
            connectedCalls.incrementAndGet();
        }

        @Override
        public void deleted(Handle h, String integrationId) {
        }
    };

    record Replica(HikariDataSource pool, IntegrationStore store, HighLevelTokens tokens) {
    }

    @BeforeAll
    static void start() throws Exception {
        jdbcUrl = TestDatabase.newDatabase();
        endpoint = new FakeTokenEndpoint();
        for (int i = 0; i < REPLICAS; i++) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            config.setUsername("postgres");
            config.setMaximumPoolSize(2);
            config.setPoolName("replica-" + i);
            HikariDataSource pool = new HikariDataSource(config);
            if (i == 0) {
                Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
            }
            IntegrationStore store = new IntegrationStore(Jdbi.create(pool), new SecretBox(KEY), () -> countingListener);
            HighLevelOAuthClient client = new HighLevelOAuthClient(endpoint.baseUrl(), "test-client", "test-secret");
            replicas.add(new Replica(pool, store, new HighLevelTokens(store, client, Clock.systemUTC())));
        }
        jdbi().useHandle(h -> h.execute("INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) "
                + "VALUES ('mkt_t', 'Tokens shop', 'hash', 'v1:x')"));
    }

    @AfterAll
    static void stop() {
        try {
            // every request sent keeps HighLevel's contract for /oauth/token
            assertThat(endpoint.bodies).isNotEmpty();
            for (int i = 0; i < endpoint.bodies.size(); i++) {
                assertThat(OAuthTokenContract.validateTokenRequest(endpoint.contentTypes.get(i), endpoint.bodies.get(i))
                        .getMessages()).isEmpty();
            }
            // and the table never holds a token in clear
            String table = jdbi().withHandle(h -> String.join("\n",
                    h.createQuery("SELECT t::text FROM integration t").mapTo(String.class).list()));
            assertThat(endpoint.tokensIssued).allSatisfy(token -> assertThat(table).doesNotContain(token));
        } finally {
            replicas.forEach(r -> r.pool().close());
            endpoint.close();
        }
    }

    @BeforeEach
    void reset() {
        endpoint.delay = Duration.ZERO;
        endpoint.failWith = 0;
    }

    static Jdbi jdbi() {
        return replicas.get(0).store().jdbi();
    }

    static IntegrationStore store() {
        return replicas.get(0).store();
    }

    /** A connected integration holding a live pair that expires at {@code expiresAt}. */
    static String connectedIntegration(FakeTokenEndpoint.Pair pair, Instant expiresAt) {
        String name = "i-" + System.nanoTime();
        Integration created = store().create("mkt_t", name);
        jdbi().useTransaction(h -> store().saveGrant(h, created.id(), new TokenGrant(pair.accessToken(),
                pair.refreshToken(), Duration.ofSeconds(86399), "contacts.readonly contacts.write", "Location", "loc_1",
                "cmp_1"), Instant.now(), true));
        jdbi().useHandle(h -> h.execute("UPDATE integration SET token_expires_at = ? WHERE id = ?",
                java.time.OffsetDateTime.ofInstant(expiresAt, java.time.ZoneOffset.UTC), created.id()));
        return created.id();
    }

    static StoredTokens stored(String id) {
        return jdbi().withHandle(h -> store().readTokens(h, id)).orElseThrow();
    }

    /** Runs {@code task(replica)} on every replica at once, each on its own thread. */
    static <T> List<T> concurrently(java.util.function.Function<Replica, T> task) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(REPLICAS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Replica replica : replicas) {
                Callable<T> call = () -> {
                    go.await();
                    return task.apply(replica);
                };
                futures.add(threads.submit(call));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void eightReplicasWithAnExpiredTokenRefreshExactlyOnceAndAllGetTheNewToken() throws Exception {
        String id = connectedIntegration(endpoint.issue(), Instant.now().minusSeconds(60));
        int before = endpoint.refreshRequests.get();
        endpoint.delay = Duration.ofMillis(200); // a slow HighLevel widens the race

        List<String> tokens = concurrently(r -> r.tokens().accessToken(id));

        assertThat(endpoint.refreshRequests.get() - before).isEqualTo(1);
        StoredTokens after = stored(id);
        assertThat(after.status()).isEqualTo(Integration.CONNECTED);
        assertThat(tokens).hasSize(REPLICAS).containsOnly(after.accessToken());
        assertThat(after.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));
    }

    @Test
    void concurrent401sForTheSameTokenRefreshOnce_andALate401GetsTheNewerToken() throws Exception {
        FakeTokenEndpoint.Pair pair = endpoint.issue();
        String id = connectedIntegration(pair, Instant.now().plus(Duration.ofHours(12)));
        int before = endpoint.refreshRequests.get();
        endpoint.delay = Duration.ofMillis(100);

        List<String> tokens = concurrently(r -> r.tokens().refreshAfterUnauthorized(id, pair.accessToken()));

        assertThat(endpoint.refreshRequests.get() - before).isEqualTo(1);
        String fresh = stored(id).accessToken();
        assertThat(fresh).isNotEqualTo(pair.accessToken());
        assertThat(tokens).containsOnly(fresh);
        // a caller still holding the old token learns the new one without another refresh
        assertThat(replicas.get(3).tokens().refreshAfterUnauthorized(id, pair.accessToken())).isEqualTo(fresh);
        assertThat(endpoint.refreshRequests.get() - before).isEqualTo(1);
        // a 401 for the current token does refresh
        String newer = replicas.get(5).tokens().refreshAfterUnauthorized(id, fresh);
        assertThat(newer).isNotEqualTo(fresh).isEqualTo(stored(id).accessToken());
        assertThat(endpoint.refreshRequests.get() - before).isEqualTo(2);
    }

    @Test
    void aValidTokenIsReturnedWithoutRefreshing_andOneAboutToExpireIsRefreshedFirst() {
        FakeTokenEndpoint.Pair pair = endpoint.issue();
        String id = connectedIntegration(pair, Instant.now().plus(Duration.ofHours(1)));
        int before = endpoint.refreshRequests.get();
        assertThat(replicas.get(1).tokens().accessToken(id)).isEqualTo(pair.accessToken());
        assertThat(endpoint.refreshRequests.get()).isEqualTo(before);

        jdbi().useHandle(h -> h.execute("UPDATE integration SET token_expires_at = now() + interval '4 minutes' WHERE id = ?", id));
        String refreshed = replicas.get(2).tokens().accessToken(id);
        assertThat(refreshed).isNotEqualTo(pair.accessToken()).isEqualTo(stored(id).accessToken());
        assertThat(endpoint.refreshRequests.get()).isEqualTo(before + 1);
    }

    @Test
    void theTokenReadWithAClaimIsUsedWhileGood_andRefreshedWhenAboutToExpire() {
        FakeTokenEndpoint.Pair pair = endpoint.issue();
        String id = connectedIntegration(pair, Instant.now().plus(Duration.ofHours(1)));
        String sealed = jdbi().withHandle(h -> h.createQuery("SELECT access_token_enc FROM integration WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        int before = endpoint.refreshRequests.get();
        // as an action's claim read it: good for an hour, so used as it is
        assertThat(replicas.get(3).tokens().accessToken(id, sealed, Instant.now().plus(Duration.ofHours(1))))
                .isEqualTo(pair.accessToken());
        assertThat(endpoint.refreshRequests.get()).isEqualTo(before);
        // read when it had 4 minutes left (inside the refresh margin): refreshed first
        jdbi().useHandle(h -> h.execute("UPDATE integration SET token_expires_at = now() + interval '4 minutes' WHERE id = ?", id));
        String refreshed = replicas.get(4).tokens().accessToken(id, sealed, Instant.now().plus(Duration.ofMinutes(4)));
        assertThat(refreshed).isNotEqualTo(pair.accessToken()).isEqualTo(stored(id).accessToken());
        assertThat(endpoint.refreshRequests.get()).isEqualTo(before + 1);
    }

    @Test
    void aDeadChainMarksTheIntegrationNeedsReconnectWithoutLeakingTheToken() {
        FakeTokenEndpoint.Pair pair = endpoint.issue();
        String id = connectedIntegration(pair, Instant.now().minusSeconds(1));
        // someone outside the engine spent the refresh token: the chain is dead
        endpoint.refresh(pair.refreshToken());

        assertThatThrownBy(() -> replicas.get(0).tokens().accessToken(id))
                .isInstanceOf(IntegrationNeedsReconnect.class)
                .hasMessageContaining(id).hasMessageContaining("invalid_grant")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(stored(id).refreshToken()));
        StoredTokens after = stored(id);
        assertThat(after.status()).isEqualTo(Integration.NEEDS_RECONNECT);
        assertThat(after.statusReason()).contains("invalid_grant").doesNotContain(after.refreshToken());

        // from now on callers are told at once, without another request to HighLevel
        int requests = endpoint.refreshRequests.get();
        assertThatThrownBy(() -> replicas.get(4).tokens().accessToken(id)).isInstanceOf(IntegrationNeedsReconnect.class);
        assertThatThrownBy(() -> replicas.get(4).tokens().refreshAfterUnauthorized(id, "whatever"))
                .isInstanceOf(IntegrationNeedsReconnect.class);
        assertThat(endpoint.refreshRequests.get()).isEqualTo(requests);
    }

    @Test
    void aRefreshThatHighLevelAcceptsAfterAllBringsANeedsReconnectIntegrationBack() {
        FakeTokenEndpoint.Pair pair = endpoint.issue();
        String id = connectedIntegration(pair, Instant.now().plus(Duration.ofHours(1)));
        jdbi().useHandle(h -> store().markNeedsReconnect(h, id, "Location is not active"));
        int calls = connectedCalls.get();

        assertThat(replicas.get(6).tokens().refreshNow(id)).isPresent();
        assertThat(stored(id).status()).isEqualTo(Integration.CONNECTED);
        assertThat(stored(id).statusReason()).isNull();
        assertThat(connectedCalls.get()).isEqualTo(calls + 1);
    }

    @Test
    void aTransientFailureChangesNothing_andAStillValidTokenIsStillHandedOut() {
        FakeTokenEndpoint.Pair pair = endpoint.issue();
        String id = connectedIntegration(pair, Instant.now().minusSeconds(5));
        endpoint.failWith = 503;
        assertThatThrownBy(() -> replicas.get(0).tokens().accessToken(id)).isInstanceOf(HighLevelUnavailable.class)
                .hasMessageContaining("503");
        StoredTokens after = stored(id);
        assertThat(after.status()).isEqualTo(Integration.CONNECTED);
        assertThat(after.refreshToken()).isEqualTo(pair.refreshToken());

        jdbi().useHandle(h -> h.execute("UPDATE integration SET token_expires_at = now() + interval '3 minutes' WHERE id = ?", id));
        assertThat(replicas.get(1).tokens().accessToken(id)).isEqualTo(pair.accessToken());
        endpoint.failWith = 0;
        assertThat(replicas.get(1).tokens().accessToken(id)).isNotEqualTo(pair.accessToken());
    }

    @Test
    void theTimerRefreshesWhatExpiresWithinTenMinutes_replicasSharingTheWork() throws Exception {
        // park whatever earlier tests left connected, so only this test's rows are due
        jdbi().useHandle(h -> h.execute("UPDATE integration SET token_expires_at = now() + interval '1 day' WHERE status = 'connected'"));
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            due.add(connectedIntegration(endpoint.issue(), Instant.now().plus(Duration.ofMinutes(i + 1))));
        }
        FakeTokenEndpoint.Pair later = endpoint.issue();
        String notDue = connectedIntegration(later, Instant.now().plus(Duration.ofMinutes(30)));
        int before = endpoint.refreshRequests.get();
        endpoint.delay = Duration.ofMillis(50);

        List<Integer> counts = concurrently(r -> r.tokens().refreshExpiring());

        assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(due.size());
        assertThat(endpoint.refreshRequests.get() - before).isEqualTo(due.size());
        for (String id : due) {
            assertThat(stored(id).status()).isEqualTo(Integration.CONNECTED);
            assertThat(stored(id).expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));
        }
        assertThat(stored(notDue).refreshToken()).isEqualTo(later.refreshToken());
    }

    @Test
    void aPendingIntegrationHasNoTokenToGive() {
        Integration pending = store().create("mkt_t", "pending-" + System.nanoTime());
        assertThatThrownBy(() -> replicas.get(0).tokens().accessToken(pending.id()))
                .isInstanceOf(IntegrationNeedsReconnect.class)
                .satisfies(e -> assertThat(((IntegrationNeedsReconnect) e).status()).isEqualTo("pending"));
        assertThat(replicas.get(0).tokens().refreshNow(pending.id())).isEmpty();
        assertThatThrownBy(() -> replicas.get(0).tokens().accessToken("int_nope")).isInstanceOf(UnknownIntegration.class);
    }
}
