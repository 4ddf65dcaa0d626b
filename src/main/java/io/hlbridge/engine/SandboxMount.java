package io.hlbridge.engine;

import io.hlbridge.sandbox.HighLevelSandbox;
import io.hlbridge.sandbox.SandboxSettings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The zero-setup default talks to the built-in HighLevel sandbox, served by the engine itself under
 * {@code /sandbox/highlevel}: the OAuth approval page works in a browser and the engine's calls go
 * over real HTTP to the same server, exactly as they would to HighLevel.
 */
final class SandboxMount {
    static final String PREFIX = "/sandbox/highlevel";

    private final HighLevelSandbox sandbox;
    private final EngineSettings engineSettings;

    /**
     * The sandbox's app secret is this engine's own (derived from its secret key, so replicas and
     * restarts agree), never a fixed word anyone could use to exchange codes; its controls answer only
     * the operator token.
     */
    SandboxMount(EngineSettings settings, EngineSecrets secrets) {
        SandboxSettings sandboxSettings = SandboxSettings.defaults().toBuilder()
                .clientSecret(clientSecret(secrets.secretKey())).build();
        this.sandbox = new HighLevelSandbox(sandboxSettings, secrets.operatorToken());
        this.engineSettings = settings.withHighLevel(
                "http://127.0.0.1:" + settings.httpPort() + PREFIX,
                settings.publicUrl() + PREFIX + "/oauth/chooselocation",
                sandboxSettings.clientId(), sandboxSettings.clientSecret());
    }

    static String clientSecret(String secretKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sbx_" + HexFormat.of().formatHex(mac.doFinal("highlevel-sandbox-client-secret".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
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
