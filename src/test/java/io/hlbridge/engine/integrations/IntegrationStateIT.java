package io.hlbridge.engine.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.support.TestDatabase;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * An authorization state asked for an integration that a concurrent DELETE removed (HttpFuzzIT found a
 * refresh racing one) is a 404 naming the integration, not a 500.
 */
class IntegrationStateIT {
    @Test
    void aStateForAnIntegrationDeletedMeanwhileIsNotFound() {
        try (HikariDataSource pool = TestDatabase.migratedPool(2)) {
            TestDatabase.connectedIntegration(pool, "mkt_s", "int_s", "loc_s");
            IntegrationStore store = new IntegrationStore(Jdbi.create(pool), new SecretBox("state-test-key-0123456789abcdef0123"), () -> null);
            assertThat(store.newState("int_s", Optional.empty())).hasSizeGreaterThan(20);

            assertThatThrownBy(() -> store.newState("int_gone", Optional.empty()))
                    .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(404))
                    .hasMessageContaining("int_gone");
        }
    }
}
