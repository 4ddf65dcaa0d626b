package io.hlbridge.engine.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.highlevel.HighLevelContract;
import io.hlbridge.engine.highlevel.HighLevelTarget;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's pickers (spec §5): an integration's workflows, pipelines and custom fields, asked of HighLevel
 * (the sandbox, behind a recording proxy); and the location's name stored after connecting (spec §6).
 */
class LookupsIT {
    static HighLevelHarness highLevel;
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        highLevel = new HighLevelHarness();
        engine = EngineUnderTest.start(highLevel.engineEnvironment());
    }

    @AfterAll
    static void stop() {
        engine.close();
        highLevel.close();
    }

    @BeforeEach
    void noFaults() {
        highLevel.sandbox().clearFaults();
    }

    record Shop(Marketplace marketplace, String integrationId) {
        HttpResponse<String> lookup(String what) {
            return marketplace.call("GET", "/integrations/" + integrationId + "/" + what, null);
        }
    }

    static Shop connected(String name) {
        Marketplace m = Marketplace.create(engine, name);
        JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "HL " + name);
        assertThat(integration.path("status").asText()).isEqualTo("connected");
        return new Shop(m, integration.path("id").asText());
    }

    private static JsonObject setup() {
        return highLevel.sandbox().setup(highLevel.locationId());
    }

    @Test
    void connectingStoresTheLocationsName() {
        Shop s = connected("Named Shop");
        JsonNode view = Json.read(s.marketplace().call("GET", "/integrations/" + s.integrationId(), null).body());
        assertThat(view.path("location_name").asText()).isEqualTo("Sandbox Location");
        assertThat(view.path("location_id").asText()).isEqualTo(highLevel.locationId());
        JsonNode list = Json.read(s.marketplace().call("GET", "/integrations", null).body());
        assertThat(list.path("items").get(0).path("location_name").asText()).isEqualTo("Sandbox Location");
    }

    @Test
    void aNameHighLevelDoesNotGiveNeverFailsTheConnectionAndIsAskedAgain() {
        highLevel.sandbox().failNext("/locations/", 503, 1);
        Shop s = connected("Unnamed Shop");
        JsonNode view = Json.read(s.marketplace().call("GET", "/integrations/" + s.integrationId(), null).body());
        assertThat(view.path("status").asText()).isEqualTo("connected");
        assertThat(view.path("location_name").isNull()).isTrue();

        // what the timer does every minute: ask again for every connected integration without a name
        IntegrationLookups lookups = engine.bean("integrationLookups", IntegrationLookups.class);
        List<HighLevelTarget> missing = lookups.withoutLocationName();
        assertThat(missing).contains(new HighLevelTarget(s.integrationId(), highLevel.locationId()));
        // claimed for an hour: another replica's timer (or the next minute's) does not ask for it again
        assertThat(lookups.withoutLocationName()).doesNotContain(new HighLevelTarget(s.integrationId(), highLevel.locationId()));
        try (var template = engine.context().createProducerTemplate()) {
            for (HighLevelTarget t : missing) {
                template.send("direct:highlevel-location-name", ex -> ex.setProperty(HighLevelTarget.PROPERTY, t));
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        view = Json.read(s.marketplace().call("GET", "/integrations/" + s.integrationId(), null).body());
        assertThat(view.path("location_name").asText()).isEqualTo("Sandbox Location");

        // an integration granted before the engine asked for locations.readonly is never asked (only a 401 would come)
        engine.jdbi().useHandle(h -> h.execute("UPDATE integration SET location_name = NULL, location_name_tried_at = NULL, "
                + "scopes = 'contacts.readonly contacts.write' WHERE id = ?", s.integrationId()));
        assertThat(lookups.withoutLocationName()).doesNotContain(new HighLevelTarget(s.integrationId(), highLevel.locationId()));
    }

    @Test
    void listsTheLocationsWorkflowsPipelinesAndCustomFields() {
        Shop s = connected("Lookup Shop");
        HttpResponse<String> workflows = s.lookup("workflows");
        assertThat(workflows.statusCode()).as(workflows.body()).isEqualTo(200);
        JsonNode w = Json.read(workflows.body()).path("items");
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.get(0).path("id").asText()).isEqualTo(setup().getJsonArray("workflows").getJsonObject(0).getString("id"));
        assertThat(w.get(0).path("name").asText()).isEqualTo("Welcome series");
        assertThat(w.get(0).path("status").asText()).isEqualTo("published");

        HttpResponse<String> pipelines = s.lookup("pipelines");
        assertThat(pipelines.statusCode()).as(pipelines.body()).isEqualTo(200);
        JsonNode p = Json.read(pipelines.body()).path("items").get(0);
        assertThat(p.path("name").asText()).isEqualTo("Sales");
        assertThat(p.path("stages").findValuesAsText("name")).containsExactly("New", "Qualified", "Won", "Lost");
        assertThat(p.path("stages").get(2).path("id").asText()).isNotBlank();

        HttpResponse<String> fields = s.lookup("custom-fields");
        assertThat(fields.statusCode()).as(fields.body()).isEqualTo(200);
        JsonNode f = Json.read(fields.body()).path("items");
        assertThat(f.findValuesAsText("field_key"))
                .containsExactly("contact.last_product", "contact.lifetime_value", "contact.customer_since");
        assertThat(f.get(0).path("name").asText()).isEqualTo("Last product");
        assertThat(f.get(0).path("data_type").asText()).isEqualTo("TEXT");
        assertThat(f.get(0).path("id").asText()).isNotBlank();

        assertLookupExchangesConform();
    }

    @Test
    void anIntegrationNotConnectedIs409() {
        Marketplace m = Marketplace.create(engine, "Pending Shop");
        HttpResponse<String> created = m.call("POST", "/integrations", "{\"name\":\"Pending\"}");
        String id = Json.read(created.body()).path("id").asText();
        for (String what : List.of("workflows", "pipelines", "custom-fields")) {
            HttpResponse<String> r = m.call("GET", "/integrations/" + id + "/" + what, null);
            assertThat(r.statusCode()).as(what).isEqualTo(409);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(Json.read(r.body()).path("detail").asText()).contains("must be connected");
        }
    }

    @Test
    void aDeadRefreshTokenIs409AndTheIntegrationNeedsReconnecting() {
        Shop s = connected("Revoked Shop");
        highLevel.sandbox().revokeRefreshChain(highLevel.locationId());
        highLevel.sandbox().expireAllAccessTokens();
        HttpResponse<String> r = s.lookup("workflows");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        JsonNode view = Json.read(s.marketplace().call("GET", "/integrations/" + s.integrationId(), null).body());
        assertThat(view.path("status").asText()).isEqualTo("needs_reconnect");
    }

    @Test
    void anAccessTokenHighLevelNoLongerTakesIsRefreshedOnceAndTheLookupAnswers() {
        Shop s = connected("Expired Shop");
        highLevel.sandbox().expireAllAccessTokens(); // the engine still thinks its token is good for a day
        HttpResponse<String> r = s.lookup("pipelines");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.read(r.body()).path("items").size()).isEqualTo(1);
    }

    @Test
    void aHighLevelErrorIs502WithHighLevelsMessage() {
        Shop s = connected("Failing Shop");
        highLevel.sandbox().failNext("/opportunities/pipelines", 422, 1);
        HttpResponse<String> r = s.lookup("pipelines");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(Json.read(r.body()).path("detail").asText()).contains("422").contains("Injected fault (sandbox)");
        assertThat(r.body()).doesNotContain("Bearer");
    }

    @Test
    void anotherMarketplaceCannotLookThrough() {
        Shop a = connected("Isolated A");
        Marketplace b = Marketplace.create(engine, "Isolated B");
        HttpResponse<String> viaB = b.call("GET", "/integrations/" + a.integrationId() + "/workflows", null);
        assertThat(viaB.statusCode()).isEqualTo(404);
        HttpResponse<String> bOnA = engine.send("GET", a.marketplace().path("/integrations/" + a.integrationId()
                + "/custom-fields"), b.apiKey(), null);
        assertThat(bOnA.statusCode()).isEqualTo(403);
        HttpResponse<String> noToken = engine.send("GET", a.marketplace().path("/integrations/" + a.integrationId()
                + "/pipelines"), null, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    /** Every lookup and location request the engine sent, and every answer, conforms to the official files. */
    private static void assertLookupExchangesConform() {
        HighLevelContract contract = HighLevelContract.get();
        int checked = 0;
        for (ServeEvent e : highLevel.exchanges()) {
            URI uri = URI.create(e.getRequest().getAbsoluteUrl());
            String path = uri.getRawPath();
            if (!path.startsWith("/workflows") && !path.startsWith("/opportunities") && !path.startsWith("/locations")) {
                continue;
            }
            Map<String, List<String>> headers = new HashMap<>();
            e.getRequest().getHeaders().all().forEach(h -> headers.put(h.key(), h.values()));
            contract.assertRequestConforms(e.getRequest().getMethod().getName(), path, HighLevelContract.query(uri),
                    headers, null);
            Map<String, List<String>> responseHeaders = new HashMap<>();
            e.getResponse().getHeaders().all().forEach(h -> responseHeaders.put(h.key(), h.values()));
            contract.assertResponseConforms(e.getRequest().getMethod().getName(), path, e.getResponse().getStatus(),
                    responseHeaders, e.getResponse().getBodyAsString());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }
}
