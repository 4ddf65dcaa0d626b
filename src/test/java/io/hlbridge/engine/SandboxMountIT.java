package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.support.EngineUnderTest;
import java.net.http.HttpResponse;
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
        }
    }
}
