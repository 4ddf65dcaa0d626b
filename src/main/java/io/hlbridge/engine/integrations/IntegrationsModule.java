package io.hlbridge.engine.integrations;

import io.hlbridge.engine.EngineSettings;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.highlevel.HighLevelOAuthClient;
import io.hlbridge.engine.highlevel.HighLevelTokens;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.jdbi.v3.core.Jdbi;

/**
 * Binds the beans of HighLevel connections (spec §6) that the route files name:
 * {@code integrationStore}, {@code integrationApi}, {@code oauthCallback}, {@code highLevelOAuthClient}
 * and {@code highLevelTokens}. The {@link IntegrationListener} is looked up by name on every use.
 */
public final class IntegrationsModule {
    /** The built-in HighLevel sandbox's app credentials, used when no HIGHLEVEL_CLIENT_ID is set. */
    public static final String SANDBOX_CLIENT_ID = "sandbox-client";
    public static final String SANDBOX_CLIENT_SECRET = "sandbox-secret";

    private IntegrationsModule() {
    }

    public static void bind(CamelContext context, EngineSettings settings, Jdbi jdbi, SecretBox secretBox,
                            MarketplaceStore marketplaces, Clock clock) {
        Registry registry = context.getRegistry();
        if (registry.lookupByName(IntegrationListener.BEAN_NAME) == null) {
            registry.bind(IntegrationListener.BEAN_NAME, IntegrationListener.class, IntegrationListener.NONE);
        }
        Supplier<IntegrationListener> listener = () -> {
            IntegrationListener bound = registry.lookupByNameAndType(IntegrationListener.BEAN_NAME, IntegrationListener.class);
            return bound == null ? IntegrationListener.NONE : bound;
        };
        String clientId = settings.highLevelClientId().orElse(SANDBOX_CLIENT_ID);
        String clientSecret = settings.sandboxMode()
                ? SANDBOX_CLIENT_SECRET
                : settings.highLevelClientSecret().orElseThrow(() -> new IllegalStateException(
                        "HIGHLEVEL_CLIENT_SECRET must be set when HIGHLEVEL_CLIENT_ID is"));

        IntegrationStore store = new IntegrationStore(jdbi, secretBox, listener);
        HighLevelOAuthClient client = new HighLevelOAuthClient(settings.highLevelApiUrl(), clientId, clientSecret);
        HighLevelTokens tokens = new HighLevelTokens(store, client, clock);
        AuthorizeUrls authorizeUrls = new AuthorizeUrls(settings.highLevelAuthorizeUrl(), clientId, settings.publicUrl());

        registry.bind("integrationStore", store);
        registry.bind("highLevelOAuthClient", client);
        registry.bind("highLevelTokens", tokens);
        ConsoleReturn consoleReturn = new ConsoleReturn(settings.publicUrl());
        registry.bind("integrationApi", new IntegrationApi(store, marketplaces, tokens, authorizeUrls, consoleReturn));
        registry.bind("oauthCallback", new OAuthCallback(store, client, authorizeUrls, consoleReturn, clock));
    }
}
