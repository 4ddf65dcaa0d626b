package io.hlbridge.engine.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.hlbridge.engine.api.Json;
import io.hlbridge.sandbox.HighLevelSandbox;
import io.hlbridge.sandbox.SandboxSettings;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HighLevel as the engine meets it in tests: the standalone sandbox on its own port, reached through
 * a WireMock proxy that records every request the engine sends and every answer it gets, so tests
 * can validate both against HighLevel's official OpenAPI files.
 */
public final class HighLevelHarness implements AutoCloseable {
    private final HighLevelSandbox.Running sandbox;
    private final WireMockServer proxy;

    public HighLevelHarness() {
        this(SandboxSettings.defaults());
    }

    public HighLevelHarness(SandboxSettings settings) {
        sandbox = HighLevelSandbox.start(settings, 0);
        proxy = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(sandbox.baseUrl())));
    }

    public HighLevelSandbox sandbox() {
        return sandbox.sandbox();
    }

    /** The recording proxy itself, for tests that make HighLevel fail (a stub at a higher priority). */
    public WireMockServer proxy() {
        return proxy;
    }

    public String apiUrl() {
        return proxy.baseUrl();
    }

    /** Engine settings pointing at this HighLevel (a configured app, not the built-in sandbox). */
    public Map<String, String> engineEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("HIGHLEVEL_API_URL", apiUrl());
        env.put("HIGHLEVEL_AUTHORIZE_URL", sandbox.baseUrl() + "/oauth/chooselocation");
        env.put("HIGHLEVEL_CLIENT_ID", sandbox().settings().clientId());
        env.put("HIGHLEVEL_CLIENT_SECRET", sandbox().settings().clientSecret());
        return env;
    }

    /** Every request/answer pair that went through the proxy, oldest first. */
    public List<ServeEvent> exchanges() {
        List<ServeEvent> events = new java.util.ArrayList<>(proxy.getAllServeEvents());
        java.util.Collections.reverse(events);
        return events;
    }

    public void clearExchanges() {
        proxy.resetRequests();
    }

    /** Creates an integration and connects it the way a person would: authorize URL → Approve → callback. */
    public JsonNode connect(EngineUnderTest engine, String marketplaceId, String bearer, String name) {
        HttpResponse<String> created = engine.send("POST", "/api/v1/marketplaces/" + marketplaceId + "/integrations", bearer,
                "{\"name\":\"" + name + "\"}");
        if (created.statusCode() != 201) {
            throw new AssertionError("integration not created: " + created.body());
        }
        JsonNode integration = Json.read(created.body());
        approve(engine, integration.path("authorize_url").asText());
        return Json.read(engine.send("GET", "/api/v1/marketplaces/" + marketplaceId + "/integrations/"
                + integration.path("id").asText(), bearer, null).body());
    }

    /** Approves an authorize URL on the sandbox and follows its redirect to the engine's callback. */
    public static void approve(EngineUnderTest engine, String authorizeUrl) {
        String approveUrl = authorizeUrl.replace("/oauth/chooselocation?", "/oauth/chooselocation/approve?");
        HttpResponse<String> redirect = engine.send("GET", approveUrl, null, null);
        String location = redirect.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("sandbox did not redirect: " + redirect.statusCode() + " " + redirect.body()));
        URI callback = URI.create(location);
        HttpResponse<String> done = engine.send("GET", engine.baseUrl() + callback.getRawPath() + "?" + callback.getRawQuery(), null, null);
        if (done.statusCode() != 200) {
            throw new AssertionError("callback failed: " + done.statusCode() + " " + done.body());
        }
    }

    public String locationId() {
        return sandbox().locations().get(0).id();
    }

    public List<JsonObject> contacts() {
        return sandbox().contacts(locationId());
    }

    public JsonObject contact(String email) {
        return contacts().stream().filter(c -> email.equalsIgnoreCase(c.getString("email"))).findFirst().orElse(null);
    }

    @Override
    public void close() {
        proxy.stop();
        sandbox.close();
    }
}
