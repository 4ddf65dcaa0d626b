package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Security review #3: the Kubernetes template's placeholders, or a short word, never become a deployment's secrets. */
class EngineSecretsTest {

    @Test
    void placeholdersAndShortValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> EngineSecrets.refusePlaceholder("ENGINE_ADMIN_TOKEN", "change-me-operator-token", "x"))
                .hasMessageContaining("ENGINE_ADMIN_TOKEN is a placeholder");
        assertThatThrownBy(() -> EngineSecrets.refusePlaceholder("ENGINE_SECRET_KEY", "change-me-base64-of-32-random-bytes", "x"))
                .hasMessageContaining("ENGINE_SECRET_KEY is a placeholder");
        assertThatThrownBy(() -> EngineSecrets.refusePlaceholder("ENGINE_ADMIN_TOKEN", "REPLACE_WITH_A_RANDOM_TOKEN_OF_40_CHARS", "x"))
                .hasMessageContaining("placeholder");
        assertThatThrownBy(() -> EngineSecrets.refusePlaceholder("ENGINE_ADMIN_TOKEN", "secret123", "openssl rand -hex 32"))
                .hasMessageContaining("at least 32").hasMessageContaining("got 9");
        assertThatCode(() -> EngineSecrets.refusePlaceholder("ENGINE_ADMIN_TOKEN", "op_" + "a1b2c3d4".repeat(5), "x"))
                .doesNotThrowAnyException();
    }

    @Test
    void anEngineGivenThePlaceholderTokenRefusesToStart() {
        Map<String, String> env = Map.of("ENGINE_DB_URL", TestDatabase.newDatabase(), "ENGINE_DB_USER", "postgres",
                "ENGINE_SANDBOX", "true", "ENGINE_ADMIN_TOKEN", "change-me-operator-token",
                "ENGINE_SECRET_KEY", EngineUnderTest.SECRET_KEY);
        assertThatThrownBy(() -> EngineUnderTest.startWith(env).close())
                .rootCause().hasMessageContaining("ENGINE_ADMIN_TOKEN is a placeholder");
    }
}
