package io.hlbridge.engine;

import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.api.AdminAuth;
import io.hlbridge.engine.api.HttpFallbacks;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.OpenApiDocument;
import io.hlbridge.engine.api.RawFormBodies;
import io.hlbridge.engine.console.ConsoleFiles;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.db.Database;
import io.hlbridge.engine.db.DatabaseOutage;
import io.hlbridge.engine.db.DatabaseReadiness;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.EventLogApi;
import io.hlbridge.engine.eventlog.EventLogQueries;
import io.hlbridge.engine.eventlog.EventLogRetention;
import io.hlbridge.engine.eventlog.EventReceipts;
import io.hlbridge.engine.highlevel.ContactRefs;
import io.hlbridge.engine.highlevel.HighLevelAuth;
import io.hlbridge.engine.highlevel.HighLevelHeaders;
import io.hlbridge.engine.highlevel.HighLevelRequests;
import io.hlbridge.engine.highlevel.HighLevelResponses;
import io.hlbridge.engine.highlevel.HighLevelTokens;
import io.hlbridge.engine.ingest.Inbox;
import io.hlbridge.engine.rules.RuleDryRun;
import io.hlbridge.engine.rules.RuleStore;
import io.hlbridge.engine.rules.RulesApi;
import io.hlbridge.engine.rules.TriggersApi;
import io.hlbridge.engine.triggers.ProspectSchedule;
import io.hlbridge.engine.triggers.TriggerDeriver;
import io.hlbridge.engine.work.ActionOutcomes;
import io.hlbridge.engine.work.ActionQueue;
import io.hlbridge.engine.work.ActionQueueListener;
import io.hlbridge.engine.work.ActionReplay;
import io.hlbridge.engine.work.RetryNow;
import io.hlbridge.engine.work.HistoryRetention;
import io.hlbridge.engine.work.ActionWorkers;
import io.hlbridge.engine.work.InboxWorker;
import io.hlbridge.engine.work.QuietActions;
import io.hlbridge.engine.work.TurnGap;
import io.hlbridge.engine.work.WakeUp;
import io.hlbridge.engine.work.LocationPacer;
import io.hlbridge.engine.work.ProspectWorker;
import io.hlbridge.engine.work.ShutdownSequence;
import io.hlbridge.engine.work.TriggerDispatch;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.ingest.WebhookIntake;
import io.hlbridge.engine.integrations.IntegrationListener;
import io.hlbridge.engine.integrations.IntegrationLookups;
import io.hlbridge.engine.integrations.IntegrationStore;
import io.hlbridge.engine.integrations.IntegrationsModule;
import io.hlbridge.engine.marketplace.MarketplaceApi;
import io.hlbridge.engine.marketplace.MarketplaceOverview;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import io.hlbridge.engine.eventlog.SourceReceipts;
import io.hlbridge.engine.sources.SourceIntake;
import io.hlbridge.engine.sources.SourcePlatform;
import io.hlbridge.engine.sources.SourcePlatforms;
import io.hlbridge.engine.sources.SourceStore;
import io.hlbridge.engine.sources.SourcesApi;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.service.ServiceSupport;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every bean of the engine has its birthplace here: settings, database, stores, and the beans the
 * route files name ({@code webhookIntake}, {@code adminAuth}, {@code marketplaceApi} …).
 */
public class EngineConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(EngineConfiguration.class);
    /** The least time from a turn's end to the next turn a wake-up starts, in the inbox and action stages (work/TurnGap). */
    static final Duration TURN_GAP = Duration.ofMillis(10);

    @Override
    public void configure(CamelContext context) throws Exception {
        EngineSettings settings = EngineSettings.from(
                name -> Optional.ofNullable(context.getPropertiesComponent().resolveProperty(name).orElse(null)));
        settings.requireHighLevel();
        EngineSecrets secrets = EngineSecrets.resolve(settings);
        SandboxMount sandbox = null;
        if (settings.sandboxMode()) {
            sandbox = new SandboxMount(settings, secrets);
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
        if (database.embedded()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopEmbeddedLast(context, database), "embedded-postgres-stops-last"));
        }

        Jdbi jdbi = Jdbi.create(database.dataSource());
        SecretBox secretBox = new SecretBox(secrets.secretKey());
        Clock clock = Clock.systemUTC();
        MarketplaceStore marketplaces = new MarketplaceStore(jdbi, database.dataSource(), secretBox);

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
        registry.bind("marketplaceApi", new MarketplaceApi(marketplaces, settings.publicUrl()));
        registry.bind("marketplaceOverview", new MarketplaceOverview(jdbi, marketplaces, clock));
        registry.bind("consoleFiles", new ConsoleFiles());
        StoreEventSchema schema = new StoreEventSchema();
        registry.bind("storeEventSchema", schema);
        registry.bind("webhookIntake", new WebhookIntake(marketplaces, schema, new Inbox(database.dataSource()), clock,
                new EngineMetrics(context)));
        IntegrationsModule.bind(context, settings, jdbi, secretBox, marketplaces, clock);
        bindSources(context, settings, jdbi, database.dataSource(), secretBox, marketplaces, schema, clock);
        ShutdownSequence shutdown = new ShutdownSequence(database.dataSource());
        bindEngineCore(context, settings, jdbi, database.dataSource(), clock, shutdown);

        registry.bind("shutdownSequence", shutdown);
        context.getManagementStrategy().addEventNotifier(shutdown);
        registry.bind("databaseOutage", new DatabaseOutage());

        SandboxMount sandboxToMount = sandbox;
        int httpPort = settings.httpPort();
        String banner = settings.embeddedDatabase() ? DemoBootstrap.prepare(settings, secrets, marketplaces) : null;
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    if (sandboxToMount != null) {
                        sandboxToMount.mountOn(context);
                    }
                    // the route files' action declarations, checked now rather than at the first rule or job
                    ActionCatalog actions = context.getRegistry().lookupByNameAndType("actionCatalog", ActionCatalog.class);
                    try {
                        LOG.info("Actions: {}", String.join(", ", actions.ids()));
                    } catch (RuntimeException badDeclaration) {
                        LOG.error("The action route files (routes/actions/) are wrong: {}", badDeclaration.getMessage());
                    }
                    HttpFallbacks.install(context, httpPort, shutdown::isStopping, SandboxMount.PREFIX);
                    RawFormBodies.install(context, httpPort);
                    HealthCheckRegistry.get(context).register(
                            new DatabaseReadiness(database.dataSource(), database.schemaVersion(), shutdown::isStopping));
                    if (banner != null) {
                        LOG.info(banner);
                    }
                }
            }
        });
    }

    /**
     * Store platforms' own webhooks (spec §3a): the sources API, the shared intake and one bean per
     * platform, named as its route file names it ({@code stripeSource} …).
     */
    private static void bindSources(CamelContext context, EngineSettings settings, Jdbi jdbi, DataSource dataSource,
                                    SecretBox secretBox, MarketplaceStore marketplaces, StoreEventSchema schema, Clock clock) {
        Registry registry = context.getRegistry();
        SourcePlatforms byId = SourcePlatforms.standard(clock);
        byId.all().forEach(p -> registry.bind(beanName(p), p));
        SourceStore store = new SourceStore(jdbi, secretBox);
        registry.bind("sourcesApi", new SourcesApi(store, byId, marketplaces, settings.publicUrl()));
        registry.bind("sourceIntake", new SourceIntake(store, byId, schema, new Inbox(dataSource), new EngineMetrics(context)));
        registry.bind("sourceReceipts", new SourceReceipts(dataSource));
    }

    /** {@code woocommerce} → {@code wooCommerceSource}: the platform class's name, bean-cased. */
    private static String beanName(SourcePlatform platform) {
        String simple = platform.getClass().getSimpleName();
        return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }

    /**
     * The engine core (spec §2–§5, §7): trigger derivation, rule lookup, the action queue, the
     * HighLevel routes' beans and the event log.
     */
    private static void bindEngineCore(CamelContext context, EngineSettings settings, Jdbi jdbi, DataSource dataSource,
                                       Clock clock, ShutdownSequence shutdown) {
        Registry registry = context.getRegistry();
        EventLog eventLog = new EventLog();
        QuietActions quietActions = new QuietActions();
        ActionQueue queue = new ActionQueue(dataSource, eventLog, quietActions);
        TriggerDeriver deriver = new TriggerDeriver(settings.delinquentAfter(), settings.prospectDelay());
        // the actions routes/actions/*.camel.yaml declare (bound when the routes load, read when first needed)
        ActionCatalog actions = ActionCatalog.of(context);
        registry.bind("actionCatalog", actions);
        registry.bind("openApiDocument", new OpenApiDocument(actions));
        TriggerDispatch dispatch = new TriggerDispatch(actions);
        LocationPacer pacer = new LocationPacer(dataSource);
        HighLevelResponses responses = new HighLevelResponses(pacer);

        registry.bind(IntegrationListener.BEAN_NAME, IntegrationListener.class, new ActionQueueListener(queue));
        WakeUp actionsWakeUp = new WakeUp(context, "seda:actions-queued?size=1");
        ActionWorkers workers = new ActionWorkers(context, dataSource, shutdown::isStopping, actionsWakeUp::ring);
        registry.bind("actionWorkers", workers);
        registry.bind("inboxWorker", new InboxWorker(dataSource, deriver, dispatch, workers));
        registry.bind("inboxWakeUp", new WakeUp(context, "seda:store-event-accepted?size=1"));
        registry.bind("actionsWakeUp", actionsWakeUp);
        registry.bind("inboxTurns", new TurnGap(TURN_GAP));
        registry.bind("actionTurns", new TurnGap(TURN_GAP));
        registry.bind("quietActions", quietActions);
        registry.bind("prospectWorker", new ProspectWorker(jdbi, new ProspectSchedule(), dispatch, clock));
        registry.bind("actionQueue", queue);
        registry.bind("actionOutcomes", new ActionOutcomes(queue, settings.retrySchedule(), new EngineMetrics(context)));
        HighLevelRequests requests = new HighLevelRequests(settings.highLevelApiUrl());
        registry.bind("highLevelRequests", requests);
        registry.bind("integrationLookups", new IntegrationLookups(
                registry.lookupByNameAndType("integrationStore", IntegrationStore.class), requests));
        registry.bind("highLevelResponses", responses);
        registry.bind("highLevelAuth", new HighLevelAuth(registry.lookupByNameAndType("highLevelTokens", HighLevelTokens.class),
                pacer, responses, actions));
        registry.bind("contactRefs", new ContactRefs(jdbi));
        registry.bind("triggersApi", new TriggersApi(settings.prospectDelay(), settings.delinquentAfter()));
        registry.bind("eventReceipts", new EventReceipts());
        registry.bind("eventLogRetention", new EventLogRetention(jdbi, settings.logRetention()));
        registry.bind("historyRetention", new HistoryRetention(jdbi, settings.historyRetention()));
        registry.bind("eventLogApi", new EventLogApi(new EventLogQueries(jdbi), new ActionReplay(jdbi, queue, eventLog),
                new RetryNow(jdbi, eventLog)));
        StoreEventSchema schema = registry.lookupByNameAndType("storeEventSchema", StoreEventSchema.class);
        registry.bind("rulesApi", new RulesApi(new RuleStore(jdbi), new RuleDryRun(schema, deriver, jdbi, actions, context), jdbi, actions));
        // the answer keeps only the headers the engine reads (HighLevelHeaders), and not the request's
        // (copyHeaders=false: the next request is built anew, from the exchange's properties)
        registry.bind("highLevelHeaders", new HighLevelHeaders());
        context.getPropertiesComponent().addOverrideProperty("highlevel.endpoint", settings.highLevelApiUrl()
                + "?throwExceptionOnFailure=false&deleteWithBody=true&copyHeaders=false&headerFilterStrategy=#highLevelHeaders");
    }

    /**
     * At JVM exit the embedded PostgreSQL stops after the engine: Camel's own shutdown hook stops the
     * routes gracefully (calls in flight finish and write their outcome, up to 20 s) and then closes the
     * database; this hook waits for that, at most 30 s, and closes it itself if nothing did.
     */
    private static void stopEmbeddedLast(CamelContext context, Database database) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((context.isStarting() || context.isStarted() || context.isStopping() || context.isSuspending() || context.isSuspended())
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        database.close();
    }
}
