package io.hlbridge.engine;

import io.hlbridge.engine.api.AdminAuth;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.db.Database;
import io.hlbridge.engine.db.DatabaseReadiness;
import io.hlbridge.engine.ingest.Inbox;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.ingest.WebhookIntake;
import io.hlbridge.engine.integrations.IntegrationListener;
import io.hlbridge.engine.integrations.IntegrationsModule;
import io.hlbridge.engine.marketplace.MarketplaceApi;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import java.time.Clock;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.service.ServiceSupport;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every bean of the engine has its birthplace here: settings, database, stores, and the beans the
 * route files name ({@code webhookIntake}, {@code adminAuth}, {@code marketplaceApi} …).
 */
public class EngineConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(EngineConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        EngineSettings settings = EngineSettings.from(
                name -> Optional.ofNullable(context.getPropertiesComponent().resolveProperty(name).orElse(null)));
        EngineSecrets secrets = EngineSecrets.resolve(settings);
        SandboxMount sandbox = null;
        if (settings.sandboxMode()) {
            sandbox = new SandboxMount(settings);
            settings = sandbox.engineSettings();
            LOG.info("No HIGHLEVEL_CLIENT_ID: HighLevel is the built-in sandbox at {}", settings.highLevelApiUrl());
        }
        Database database = Database.open(settings);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                database.close();
            }
        }, true, true);

        Jdbi jdbi = Jdbi.create(database.dataSource());
        SecretBox secretBox = new SecretBox(secrets.secretKey());
        Clock clock = Clock.systemUTC();
        MarketplaceStore marketplaces = new MarketplaceStore(jdbi, secretBox);

        Registry registry = context.getRegistry();
        registry.bind("settings", settings);
        if (sandbox != null) {
            registry.bind("highLevelSandbox", sandbox.sandbox());
        }
        registry.bind("dataSource", database.dataSource());
        registry.bind("jdbi", jdbi);
        registry.bind("secretBox", secretBox);
        registry.bind("marketplaceStore", marketplaces);
        registry.bind("problemResponder", (Processor) HttpReplies::problem);
        registry.bind("adminAuth", new AdminAuth(secrets.operatorToken(), marketplaces));
        registry.bind("marketplaceApi", new MarketplaceApi(marketplaces));
        registry.bind("webhookIntake", new WebhookIntake(marketplaces, new StoreEventSchema(), new Inbox(jdbi), clock,
                new EngineMetrics(context)));
        registry.bind(IntegrationListener.BEAN_NAME, IntegrationListener.class, IntegrationListener.NONE);
        IntegrationsModule.bind(context, settings, jdbi, secretBox, marketplaces, clock);

        SandboxMount sandboxToMount = sandbox;
        String banner = settings.embeddedDatabase() ? DemoBootstrap.prepare(settings, secrets, marketplaces) : null;
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    if (sandboxToMount != null) {
                        sandboxToMount.mountOn(context);
                    }
                    HealthCheckRegistry.get(context).register(
                            new DatabaseReadiness(database.dataSource(), database.schemaVersion()));
                    if (banner != null) {
                        LOG.info(banner);
                    }
                }
            }
        });
    }
}
