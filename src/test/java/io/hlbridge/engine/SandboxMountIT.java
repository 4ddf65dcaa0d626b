package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without HIGHLEVEL_CLIENT_ID the engine serves the HighLevel sandbox itself and points its settings at it. */
class SandboxMountIT {

    @Test
    void theEngineServesTheSandboxAndTalksToIt() {
        try (EngineUnderTest engine = EngineUnderTest.start()) {
            EngineSettings settings = engine.bean("settings", EngineSettings.class);
            assertThat(settings.highLevelApiUrl()).isEqualTo("http://127.0.0.1:" + settings.httpPort() + "/sandbox/highlevel");
            assertThat(settings.highLevelAuthorizeUrl()).endsWith("/sandbox/highlevel/oauth/chooselocation");
            assertThat(settings.highLevelClientId()).hasValue("sandbox-client");

            HttpResponse<String> page = engine.send("GET", "/sandbox/highlevel/oauth/chooselocation?response_type=code"
                    + "&client_id=sandbox-client&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&scope=contacts.readonly&state=s1", null, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"approve\"");

            HttpResponse<String> unauthenticated = engine.send("POST", settings.highLevelApiUrl() + "/contacts/upsert", "nope",
                    "{\"locationId\":\"x\",\"email\":\"a@b.co\"}");
            assertThat(unauthenticated.statusCode()).isEqualTo(401);

            // security review #2: the app secret is the engine's own, not a fixed word anyone knows
            assertThat(settings.highLevelClientSecret()).isPresent().get().asString()
                    .startsWith("sbx_").isNotEqualTo("sandbox-secret");
        }
    }

    @Test
    void theSandboxsControlsAnswerOnlyTheOperatorToken() {
        // security review #1: faults, revocations and the contact listing act on every tenant at once
        try (EngineUnderTest engine = EngineUnderTest.start()) {
            String fault = "{\"path\":\"/contacts\",\"status\":400,\"count\":5}";
            for (String bearer : new String[] {null, "nope", EngineUnderTest.OPERATOR_TOKEN + "x"}) {
                assertThat(engine.send("POST", "/sandbox/highlevel/_sandbox/faults", bearer, fault).statusCode()).isEqualTo(401);
                assertThat(engine.send("GET", "/sandbox/highlevel/_sandbox/contacts", bearer, null).statusCode()).isEqualTo(401);
                assertThat(engine.send("POST", "/sandbox/highlevel/_sandbox/tokens/expire", bearer, null).statusCode()).isEqualTo(401);
            }
            assertThat(engine.send("GET", "/sandbox/highlevel/_sandbox/contacts", EngineUnderTest.OPERATOR_TOKEN, null).statusCode())
                    .isEqualTo(200);
            assertThat(engine.send("DELETE", "/sandbox/highlevel/_sandbox/faults", EngineUnderTest.OPERATOR_TOKEN, null).statusCode())
                    .isEqualTo(204);
        }
    }

    @Test
    void anExternalDatabaseWithoutAHighLevelAppRefusesToStart_unlessTheSandboxIsAskedFor() {
        Map<String, String> production = Map.of("ENGINE_DB_URL", TestDatabase.newDatabase(), "ENGINE_DB_USER", "postgres",
                "ENGINE_ADMIN_TOKEN", EngineUnderTest.OPERATOR_TOKEN, "ENGINE_SECRET_KEY", EngineUnderTest.SECRET_KEY);
        assertThatThrownBy(() -> EngineUnderTest.startWith(production).close())
                .rootCause().hasMessageContaining("HIGHLEVEL_CLIENT_ID").hasMessageContaining("ENGINE_SANDBOX=true");
        try (EngineUnderTest asked = EngineUnderTest.start(Map.of("ENGINE_SANDBOX", "true"))) {
            assertThat(asked.bean("settings", EngineSettings.class).highLevelApiUrl()).endsWith("/sandbox/highlevel");
        }
    }
}
