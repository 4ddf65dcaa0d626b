package io.hlbridge.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.main.Main;

/** Starts the engine: Camel Main with the engine's configuration and the environment's settings. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) throws Exception {
        create(System.getenv()).run(args);
    }

    /** A ready-to-run Main whose settings come from {@code environment}, then application.properties. */
    public static Main create(Map<String, String> environment) {
        Main main = new Main();
        main.configure().addConfiguration(EngineConfiguration.class);
        EngineSettings.environmentOverrides(environment).forEach(main::addOverrideProperty);
        main.addOverrideProperty("camel.main.routes-include-pattern", routesPattern(environment));
        return main;
    }

    /**
     * The routes ship inside the jar; run from a checkout (a {@code routes/} folder beside the working
     * directory) they are read from that folder instead, so an edit takes effect on restart.
     * {@code ENGINE_ROUTES} names another location explicitly.
     */
    static String routesPattern(Map<String, String> environment) {
        String explicit = environment.get("ENGINE_ROUTES");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        // the folders named, not "routes/**": inside a jar Camel finds routes/sources/x.camel.yaml by that
        // pattern but then opens it as routes/x.camel.yaml, and java -jar outside a checkout failed to start
        String base = Files.isDirectory(Path.of("routes")) ? "file:routes/" : "classpath:routes/";
        return base + "*.camel.yaml," + base + "sources/*.camel.yaml," + base + "actions/*.camel.yaml";
    }
}
