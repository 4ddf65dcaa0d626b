package io.hlbridge.engine.actions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.highlevel.HighLevelContract;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The actions of spec §5 that route files declare, through the whole engine into HighLevel (the
 * sandbox, behind the recording proxy, with the workflows and pipeline its location is set up with);
 * every request HighLevel receives and every answer are checked against HighLevel's official files.
 * Also what reads the declarations: the rule validator, GET /api/v1/actions, the served OpenAPI
 * document, the dry run.
 */
class ActionsIT {
    static HighLevelHarness highLevel;
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        highLevel = new HighLevelHarness();
        engine = EngineUnderTest.start(highLevel.engineEnvironment());
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @AfterAll
    static void stop() {
        engine.close();
        highLevel.close();
    }

    record Shop(Marketplace marketplace, String integrationId) {
        String rule(String trigger, String action, String params) {
            return marketplace.rule("""
                    {"scope":"global","trigger":"%s","integration_id":"%s","action":"%s","params":%s}"""
                    .formatted(trigger, integrationId, action, params)).path("id").asText();
        }

        HttpResponse<String> post(String action, String params) {
            return marketplace.call("POST", "/rules", """
                    {"scope":"global","trigger":"product.purchased","integration_id":"%s","action":"%s","params":%s}"""
                    .formatted(integrationId, action, params));
        }
    }

    static Shop shop(String name) {
        Marketplace m = Marketplace.create(engine, name);
        JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "HL " + name);
        return new Shop(m, integration.path("id").asText());
    }

    static List<String> calls(JsonNode entry) {
        List<String> out = new ArrayList<>();
        entry.path("calls").forEach(c -> out.add(c.path("method").asText() + " "
                + c.path("path").asText().replaceAll("/contacts/[^/?]+/", "/contacts/{id}/") + " " + c.path("status").asInt()));
        return out;
    }

    /** What the sandbox's location is set up with: {@code workflows}, {@code pipelines} (with stages). */
    static io.vertx.core.json.JsonObject setup() {
        return highLevel.sandbox().setup(highLevel.locationId());
    }

    static String workflowId(int i) {
        return setup().getJsonArray("workflows").getJsonObject(i).getString("id");
    }

    static io.vertx.core.json.JsonObject pipeline() {
        return setup().getJsonArray("pipelines").getJsonObject(0);
    }

    /** The requests HighLevel received for {@code path} (a regex), each checked with its answer against its official files. */
    static List<JsonNode> received(String method, String pathRegex) {
        List<JsonNode> bodies = new ArrayList<>();
        for (ServeEvent e : highLevel.exchanges()) {
            URI uri = URI.create(e.getRequest().getAbsoluteUrl());
            if (!e.getRequest().getMethod().getName().equals(method) || !uri.getRawPath().matches(pathRegex)) {
                continue;
            }
            Map<String, List<String>> headers = new HashMap<>();
            e.getRequest().getHeaders().all().forEach(h -> headers.put(h.key(), h.values()));
            String body = e.getRequest().getBodyAsString();
            HighLevelContract.get().assertRequestConforms(method, uri.getRawPath(), HighLevelContract.query(uri), headers,
                    body == null || body.isEmpty() ? null : body);
            Map<String, List<String>> answerHeaders = new HashMap<>();
            e.getResponse().getHeaders().all().forEach(h -> answerHeaders.put(h.key(), h.values()));
            HighLevelContract.get().assertResponseConforms(method, uri.getRawPath(), e.getResponse().getStatus(), answerHeaders,
                    e.getResponse().getBodyAsString());
            bodies.add(body == null || body.isEmpty() ? null : Json.read(body));
        }
        return bodies;
    }

    @Test
    void addToWorkflow_andRemoveFromWorkflow_enrolAndTakeOutTheContact() {
        Shop s = shop("Workflow Shop");
        String wf = workflowId(1);
        s.rule("product.purchased", "add_to_workflow", "{\"workflow_id\":\"" + wf + "\"}");
        s.rule("product.refunded", "remove_from_workflow", "{\"workflow_id\":\"" + wf + "\"}");
        s.marketplace().deliver("evt_w1", Webhooks.order("wf@example.com", "ow1", "p"));
        JsonNode added = s.marketplace().awaitActions("evt_w1", 1, status("succeeded")).get(0);
        assertThat(calls(added)).containsExactly("POST /contacts/upsert 200", "POST /contacts/{id}/workflow/" + wf + " 200");
        String contactId = highLevel.contact("wf@example.com").getString("id");
        assertThat(highLevel.sandbox().contactDetails(contactId).orElseThrow().getJsonArray("workflows").encode()).contains(wf);
        s.marketplace().deliver("evt_w2", """
                {"type":"refund.created","customer":{"email":"wf@example.com"},"refund":{"id":"r1"},"order":{"id":"ow1"},
                 "items":[{"product_id":"p","price_cents":4900,"refunded_cents":4900}]}""");
        JsonNode removed = s.marketplace().awaitActions("evt_w2", 1, status("succeeded")).get(0);
        assertThat(calls(removed)).as("the contact id is remembered").containsExactly("DELETE /contacts/{id}/workflow/" + wf + " 200");
        assertThat(highLevel.sandbox().contactDetails(contactId).orElseThrow().getJsonArray("workflows").encode()).doesNotContain(wf);
        assertThat(received("POST", "/contacts/[^/]+/workflow/" + wf)).isNotEmpty();
        assertThat(received("DELETE", "/contacts/[^/]+/workflow/" + wf)).isNotEmpty();
    }

    @Test
    void upsertOpportunity_valuesItAtTheOrderTotal_namedFromItsTemplate_forTheContact() {
        Shop s = shop("Deal Shop");
        String pipelineId = pipeline().getString("id");
        String wonStage = pipeline().getJsonArray("stages").getJsonObject(2).getString("id");
        String ruleId = s.rule("product.purchased", "upsert_opportunity", "{\"pipeline_id\":\"" + pipelineId + "\",\"stage_id\":\""
                + wonStage + "\",\"status\":\"won\",\"monetary_value\":\"order_total\"}");
        JsonNode saved = Json.read(s.marketplace().call("GET", "/rules/" + ruleId, null).body());
        assertThat(saved.path("params").path("name").asText()).as("the default template").isEqualTo("{{product.name}} – {{customer.email}}");
        s.marketplace().deliver("evt_o1", Webhooks.order("deal@example.com", "oo1", "p"));
        JsonNode done = s.marketplace().awaitActions("evt_o1", 1, status("succeeded")).get(0);
        assertThat(calls(done)).containsExactly("POST /contacts/upsert 200", "POST /opportunities/upsert 200");
        JsonNode body = received("POST", "/opportunities/upsert").stream()
                .filter(b -> b.path("name").asText().contains("deal@example.com")).findFirst().orElseThrow();
        assertThat(body.path("name").asText()).isEqualTo("Course X – deal@example.com");
        assertThat(body.path("pipelineId").asText()).isEqualTo(pipelineId);
        assertThat(body.path("pipelineStageId").asText()).isEqualTo(wonStage);
        assertThat(body.path("status").asText()).isEqualTo("won");
        assertThat(body.path("monetaryValue").decimalValue()).isEqualByComparingTo("49.00");
        assertThat(body.path("locationId").asText()).isEqualTo(highLevel.locationId());
        String contactId = highLevel.contact("deal@example.com").getString("id");
        assertThat(body.path("contactId").asText()).isEqualTo(contactId);
        assertThat(highLevel.sandbox().opportunities(highLevel.locationId())).anySatisfy(o -> {
            assertThat(o.encode()).contains(contactId).contains(wonStage);
        });
    }

    @Test
    void addNote_rendersItsTemplateWhenQueued_andAContactGoneIsForgottenAndFoundAgain() {
        Shop s = shop("Note Shop");
        s.rule("product.purchased", "add_note",
                "{\"body\":\"{{customer.first_name}} bought {{product.name}} ({{order.id}}) for {{order.total}} {{order.currency}}\"}");
        s.marketplace().deliver("evt_n1", Webhooks.order("note@example.com", "on1", "p"));
        JsonNode first = s.marketplace().awaitActions("evt_n1", 1, status("succeeded")).get(0);
        assertThat(calls(first)).containsExactly("POST /contacts/upsert 200", "POST /contacts/{id}/notes 201");
        String job = engine.jdbi().withHandle(h -> h.createQuery("SELECT params->>'body' FROM action_job WHERE log_id = :l")
                .bind("l", first.path("id").asText()).mapTo(String.class).one());
        assertThat(job).as("rendered when queued: the job is self-contained").isEqualTo("Ada bought Course X (on1) for 49.00 USD");
        assertThat(received("POST", "/contacts/[^/]+/notes")).extracting(b -> b.path("body").asText())
                .contains("Ada bought Course X (on1) for 49.00 USD");
        String contactId = highLevel.contact("note@example.com").getString("id");
        assertThat(highLevel.sandbox().contactDetails(contactId).orElseThrow().getJsonArray("notes").encode())
                .contains("Ada bought Course X (on1) for 49.00 USD");

        // HighLevel no longer knows the remembered contact: its note call answers 404 once
        highLevel.proxy().stubFor(post(urlPathMatching("/contacts/[^/]+/notes")).atPriority(1)
                .inScenario("gone").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(json(404, "{\"statusCode\":404,\"message\":\"Contact not found\"}")));
        s.marketplace().deliver("evt_n2", Webhooks.order("note@example.com", "on2", "p"));
        JsonNode again = s.marketplace().awaitActions("evt_n2", 1, status("succeeded")).get(0);
        assertThat(calls(again)).containsExactly("POST /contacts/{id}/notes 404", "POST /contacts/upsert 200",
                "POST /contacts/{id}/notes 201");
    }

    @Test
    void updateFields_upsertsTheContactWithItsCustomFields_neverTags() {
        Shop s = shop("Fields Shop");
        String product = setup().getJsonArray("customFields").getJsonObject(0).getString("id");
        String order = setup().getJsonArray("customFields").getJsonObject(1).getString("id");
        s.rule("product.purchased", "update_fields", "{\"fields\":{\"" + product + "\":\"{{product.name}}\",\"" + order
                + "\":\"{{order.id}} at {{occurred_at}}\"}}");
        s.marketplace().deliver("evt_f1", Webhooks.order("fields@example.com", "of1", "p"));
        JsonNode done = s.marketplace().awaitActions("evt_f1", 1, status("succeeded")).get(0);
        assertThat(calls(done)).containsExactly("POST /contacts/upsert 200");
        JsonNode body = received("POST", "/contacts/upsert").stream()
                .filter(b -> "fields@example.com".equals(b.path("email").asText())).findFirst().orElseThrow();
        assertThat(body.has("tags")).isFalse();
        assertThat(body.path("customFields")).extracting(f -> f.path("id").asText() + "=" + f.path("field_value").asText())
                .containsExactlyInAnyOrder(product + "=Course X", order + "=of1 at 2026-11-26T10:00:00Z");
        String contactId = highLevel.contact("fields@example.com").getString("id");
        assertThat(highLevel.sandbox().contactDetails(contactId).orElseThrow().getValue("customFields").toString())
                .contains("Course X").contains("of1 at 2026-11-26T10:00:00Z");
    }

    @Test
    void paramsAreCheckedAgainstTheActionsSchema_namingTheField() {
        Shop s = shop("Params Shop");
        assertThat(refusedField(s.post("add_to_workflow", "{}"))).isEqualTo("params.workflow_id");
        assertThat(refusedField(s.post("add_to_workflow", "{\"workflow_id\":\"\"}"))).isEqualTo("params.workflow_id");
        assertThat(refusedField(s.post("add_to_workflow", "{\"workflow_id\":\"wf\",\"extra\":1}"))).startsWith("params");
        assertThat(refusedField(s.post("add_to_workflow", "[1]"))).isEqualTo("params");
        assertThat(refusedField(s.post("upsert_opportunity", "{\"pipeline_id\":\"p\",\"stage_id\":\"s\",\"status\":\"closed\"}")))
                .isEqualTo("params.status");
        assertThat(refusedField(s.post("update_fields", "{\"fields\":{}}"))).isEqualTo("params.fields");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"cf").append(i).append("\":\"x\"");
        }
        assertThat(refusedField(s.post("update_fields", "{\"fields\":" + many + "}}"))).isEqualTo("params.fields");
        assertThat(refusedField(s.post("add_note", "{\"body\":7}"))).isEqualTo("params.body");
        assertThat(s.post("add_to_workflow", "{\"workflow_id\":\"wf_1\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void anUnknownPlaceholderIsRefusedWhenTheRuleIsSaved_namingTheField() {
        Shop s = shop("Template Shop");
        HttpResponse<String> r = s.post("add_note", "{\"body\":\"Hi {{customer.nickname}}\"}");
        assertThat(refusedField(r)).isEqualTo("params.body");
        assertThat(Json.read(r.body()).path("detail").asText()).contains("{{customer.nickname}}");
        assertThat(refusedField(s.post("update_fields", "{\"fields\":{\"cf_1\":\"{{order.secret}}\"}}"))).isEqualTo("params.fields.cf_1");
        assertThat(refusedField(s.post("upsert_opportunity",
                "{\"pipeline_id\":\"p\",\"stage_id\":\"s\",\"status\":\"open\",\"name\":\"{{ nope }}\"}"))).isEqualTo("params.name");
    }

    @Test
    void theActionsAreListedFromTheirDeclarations() {
        Shop s = shop("List Shop");
        HttpResponse<String> r = engine.send("GET", "/api/v1/actions", s.marketplace().apiKey(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode items = Json.read(r.body()).path("items");
        assertThat(StreamSupport.stream(items.spliterator(), false).map(i -> i.path("id").asText()))
                .containsExactly("create_contact", "add_tags", "remove_tags", "add_to_workflow", "remove_from_workflow",
                        "upsert_opportunity", "add_note", "update_fields");
        JsonNode workflow = items.get(3);
        assertThat(workflow.path("display_name").asText()).isEqualTo("Add to workflow");
        assertThat(workflow.path("tags").asText()).isEqualTo("none");
        assertThat(workflow.path("params_schema").path("properties").path("workflow_id").path("x-lookup").asText()).isEqualTo("workflows");
        assertThat(workflow.path("calls").get(1).path("path").asText()).isEqualTo("/contacts/{contactId}/workflow/{workflowId}");
        assertThat(workflow.path("calls").get(0).path("when").asText()).contains("unless");
        assertThat(items.get(6).path("params_schema").path("properties").path("body").path("x-template").asBoolean()).isTrue();
        assertThat(items.get(1).path("tags").asText()).isEqualTo("required");
        // the placeholders a template may use, so the console offers exactly those the engine accepts
        assertThat(StreamSupport.stream(Json.read(r.body()).path("placeholders").spliterator(), false).map(JsonNode::asText))
                .containsExactlyElementsOf(io.hlbridge.engine.actions.Templates.PLACEHOLDERS);
        assertThat(engine.send("GET", "/api/v1/actions", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void theServedOpenApiDocumentEnumeratesTheDeclaredActions_andTheirParams() {
        JsonNode doc = Json.read(engine.send("GET", "/api/v1/openapi.json", null, null).body());
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("RuleInput").path("properties").path("action").path("enum")).extracting(JsonNode::asText)
                .containsExactly("create_contact", "add_tags", "remove_tags", "add_to_workflow", "remove_from_workflow",
                        "upsert_opportunity", "add_note", "update_fields");
        assertThat(schemas.path("ActionParams_upsert_opportunity").path("properties").path("status").path("enum"))
                .extracting(JsonNode::asText).containsExactly("open", "won", "lost", "abandoned");
        assertThat(doc.path("paths").path("/api/v1/actions").has("get")).isTrue();
    }

    @Test
    void theDryRunOfANewActionShowsItsCalls_fromItsOwnRoute() {
        Shop s = shop("Dry Shop");
        String id = s.rule("product.purchased", "upsert_opportunity",
                "{\"pipeline_id\":\"pl_1\",\"stage_id\":\"st_1\",\"status\":\"open\",\"monetary_value\":\"item_price\"}");
        // a dry run sends nothing, so made-up ids do
        int before = highLevel.exchanges().size();
        HttpResponse<String> r = s.marketplace().call("POST", "/rules/" + id + "/test", Webhooks.order("dry@example.com", "od1", "p"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode calls = Json.read(r.body()).path("calls");
        assertThat(calls).extracting(c -> c.path("method").asText() + " " + c.path("path").asText())
                .containsExactly("POST /contacts/upsert", "POST /opportunities/upsert");
        assertThat(calls.get(0).path("note").asText()).contains("unless the contact id is already known");
        assertThat(calls.get(1).path("body").path("name").asText()).isEqualTo("Course X – dry@example.com");
        assertThat(calls.get(1).path("body").path("monetaryValue").decimalValue()).isEqualByComparingTo("49.00");
        assertThat(calls.get(1).path("body").path("contactId").asText()).isEqualTo("{contactId}");
        assertThat(highLevel.exchanges()).as("nothing sent").hasSize(before);
        int jobs = engine.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM action_job WHERE rule_id = :r")
                .bind("r", id).mapTo(Integer.class).one());
        assertThat(jobs).isZero();
    }

    @Test
    void aRuleSavedBeforeParamsExistedKeepsWorking() {
        Shop s = shop("Old Rule Shop");
        // as a row from before V12: no params named (the column's default); add_tags takes none
        engine.jdbi().useHandle(h -> h.execute("""
                INSERT INTO rule (id, marketplace_id, scope, trigger, integration_id, action, tags)
                VALUES ('rul_old', ?, 'global', 'product.purchased', ?, 'add_tags', '{veteran}')""",
                s.marketplace().id(), s.integrationId()));
        JsonNode rule = Json.read(s.marketplace().call("GET", "/rules/rul_old", null).body());
        assertThat(rule.path("params").toString()).isEqualTo("{}");
        s.marketplace().deliver("evt_old1", Webhooks.order("old@example.com", "oold1", "p"));
        s.marketplace().awaitActions("evt_old1", 1, status("succeeded"));
        assertThat(highLevel.contact("old@example.com").getJsonArray("tags").getList()).containsExactly("veteran");
        assertThat(s.marketplace().call("PATCH", "/rules/rul_old", "{\"enabled\":false}").statusCode()).isEqualTo(200);
    }

    static String refusedField(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        return Json.read(r.body()).path("field").asText();
    }
}
