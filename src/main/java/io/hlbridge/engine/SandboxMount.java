package io.hlbridge.engine;

import io.hlbridge.engine.highlevel.sandbox.HighLevelSandbox;
import io.hlbridge.engine.highlevel.sandbox.SandboxSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The zero-setup default talks to the built-in HighLevel sandbox, served by the engine itself under
 * {@code /sandbox/highlevel}: the OAuth approval page works in a browser and the engine's calls go
 * over real HTTP to the same server, exactly as they would to HighLevel.
 */
final class SandboxMount {
    static final String PREFIX = "/sandbox/highlevel";

    private final HighLevelSandbox sandbox = new HighLevelSandbox();
    private final EngineSettings engineSettings;

    SandboxMount(EngineSettings settings) {
        SandboxSettings defaults = SandboxSettings.defaults();
        this.engineSettings = settings.withHighLevel(
                "http://127.0.0.1:" + settings.httpPort() + PREFIX,
                settings.publicUrl() + PREFIX + "/oauth/chooselocation",
                defaults.clientId(), defaults.clientSecret());
    }

    EngineSettings engineSettings() {
        return engineSettings;
    }

    HighLevelSandbox sandbox() {
        return sandbox;
    }

    void mountOn(CamelContext context) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(engineSettings.httpPort()));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            throw new IllegalStateException("the engine's HTTP router was not found; cannot serve the HighLevel sandbox");
        }
        router.route(PREFIX + "/*").subRouter(sandbox.router(router.vertx()));
    }
}
