package io.hlbridge.engine.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hlbridge.engine.EngineSettings;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.highlevel.HighLevelOAuthClient;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import io.hlbridge.engine.support.TestSettings;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.impl.DefaultCamelContext;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class IntegrationsModuleTest {
    static EngineSettings settings(Map<String, String> extra) {
        return TestSettings.of(extra);
    }

    static DefaultCamelContext bound(EngineSettings settings) {
        DefaultCamelContext context = new DefaultCamelContext();
        SecretBox box = new SecretBox("module-test-key");
        Jdbi jdbi = Jdbi.create("jdbc:postgresql://127.0.0.1:1/none");
        IntegrationsModule.bind(context, settings, jdbi, box, new MarketplaceStore(jdbi, null, box), Clock.systemUTC());
        return context;
    }

    /** What the module's OAuth client sends to {@code {HIGHLEVEL_API_URL}/oauth/token} for a code. */
    static String tokenRequestSentBy(Map<String, String> extra) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> sent = new AtomicReference<>();
        server.createContext("/oauth/token", exchange -> {
            sent.set(exchange.getRequestURI().getPath() + "?" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] grant = "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":86399,\"locationId\":\"loc_1\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, grant.length);
            exchange.getResponseBody().write(grant);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> settings = new HashMap<>(extra);
            settings.put("highlevel.api-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/");
            HighLevelOAuthClient client = bound(settings(settings))
                    .getRegistry().lookupByNameAndType("highLevelOAuthClient", HighLevelOAuthClient.class);
            assertThat(client.exchangeCode("code-1", "https://engine.example.test/oauth/highlevel/callback").accessToken())
                    .isEqualTo("at");
            return sent.get();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withoutAClientIdTheSandboxAppsCredentialsGoToTheConfiguredApi() throws Exception {
        assertThat(tokenRequestSentBy(Map.of())).startsWith("/oauth/token?")
                .contains("client_id=sandbox-client", "client_secret=sandbox-secret", "code=code-1");
    }

    @Test
    void aClientIdNeedsItsSecret_andBothAreSent() throws Exception {
        assertThatThrownBy(() -> bound(settings(Map.of("highlevel.client-id", "real-app"))))
                .hasMessageContaining("HIGHLEVEL_CLIENT_SECRET");
        assertThat(tokenRequestSentBy(Map.of("highlevel.client-id", "real-app", "highlevel.client-secret", "real-secret")))
                .contains("client_id=real-app", "client_secret=real-secret").doesNotContain("sandbox");
    }

    @Test
    void theListenerIsLookedUpByNameOnEveryUse_soTheCoreCanReplaceIt() {
        DefaultCamelContext context = bound(settings(Map.of()));
        IntegrationStore store = context.getRegistry().lookupByNameAndType("integrationStore", IntegrationStore.class);
        assertThat(store.listener()).isSameAs(IntegrationListener.NONE);
        IntegrationListener core = new IntegrationListener() {
            @Override
            public void connected(Handle h, String integrationId) {
            }

            @Override
            public void deleted(Handle h, String integrationId) {
            }
        };
        context.getRegistry().bind(IntegrationListener.BEAN_NAME, IntegrationListener.class, core);
        assertThat(store.listener()).isSameAs(core);
    }

    @Test
    void theAuthorizeUrlCarriesEveryParameterEncoded() {
        AuthorizeUrls urls = new AuthorizeUrls("https://marketplace.example.test/v2/oauth/chooselocation", "app id",
                "https://engine.example.test/");
        assertThat(urls.redirectUri()).isEqualTo("https://engine.example.test/oauth/highlevel/callback");
        assertThat(urls.forState("s1")).isEqualTo("https://marketplace.example.test/v2/oauth/chooselocation"
                + "?response_type=code&client_id=app%20id"
                + "&redirect_uri=https%3A%2F%2Fengine.example.test%2Foauth%2Fhighlevel%2Fcallback"
                + "&scope=contacts.readonly%20contacts.write%20opportunities.readonly%20opportunities.write"
                + "%20workflows.readonly%20locations%2FcustomFields.readonly%20locations.readonly&state=s1");
        assertThat(new AuthorizeUrls("https://x.test/auth?loginWindowOpenMode=self", "c", "http://e").forState("s"))
                .startsWith("https://x.test/auth?loginWindowOpenMode=self&response_type=code&");
    }

    @Test
    void theCallbackPagesEscapeWhatTheyShow() {
        assertThat(CallbackPages.escape("<b>\"Main\" & 'co'</b>"))
                .isEqualTo("&lt;b&gt;&quot;Main&quot; &amp; &#39;co&#39;&lt;/b&gt;");
    }
}
