package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.hlbridge.sandbox.SandboxTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoints of the actions beyond tags (PRODUCT.md §5): workflows, opportunities, notes, custom fields and
 * the location itself. Every exchange is checked against the official files by {@link SandboxTestClient}.
 */
class SandboxLocationSetupTest {

    private static HighLevelSandbox.Running running;
    private static HighLevelSandbox sandbox;
    private static SandboxTestClient client;
    private String locationId;
    private String token;
    private JsonObject setup;

    @BeforeAll
    static void start() {
        running = HighLevelSandbox.start(0);
        sandbox = running.sandbox();
        client = new SandboxTestClient(running.baseUrl());
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @BeforeEach
    void connect() {
        sandbox.reset();
        JsonObject t = client.connect(sandbox.locations().get(0).id());
        locationId = t.getString("locationId");
        token = t.getString("access_token");
        setup = sandbox.setup(locationId);
    }

    private String contact(String email) {
        HttpResponse<String> r = client.api("POST", "/contacts/upsert", token,
                new JsonObject().put("locationId", locationId).put("email", email).put("firstName", "Ada"));
        return json(r).getJsonObject("contact").getString("id");
    }

    private String workflowId(int i) {
        return setup.getJsonArray("workflows").getJsonObject(i).getString("id");
    }

    private JsonObject pipeline() {
        return setup.getJsonArray("pipelines").getJsonObject(0);
    }

    private String stageId(String name) {
        return pipeline().getJsonArray("stages").stream().map(JsonObject.class::cast)
                .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow().getString("id");
    }

    private JsonObject details(String contactId) {
        return sandbox.contactDetails(contactId).orElseThrow();
    }

    @Test
    void listsTheLocationsWorkflows() {
        HttpResponse<String> r = client.api("GET", "/workflows/?locationId=" + locationId, token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        JsonArray workflows = json(r).getJsonArray("workflows");
        assertThat(workflows.stream().map(w -> ((JsonObject) w).getString("name")).toList())
                .containsExactly("Welcome series", "Course onboarding", "Win-back");
        assertThat(workflows.getJsonObject(0).getString("status")).isEqualTo("published");
        assertThat(workflows.getJsonObject(0).getString("locationId")).isEqualTo(locationId);

        HttpResponse<String> missing = client.send("GET", "/workflows/", Map.of("Authorization", "Bearer " + token,
                "Version", SandboxTestClient.VERSION), null, false);
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(json(missing).getJsonArray("message").getList()).containsExactly("locationId should not be empty");
    }

    @Test
    void addsAndRemovesAContactFromAWorkflow() {
        String id = contact("wf@example.com");
        HttpResponse<String> added = client.api("POST", "/contacts/" + id + "/workflow/" + workflowId(0), token,
                new JsonObject());
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(json(added).getBoolean("succeded")).isTrue();
        client.api("POST", "/contacts/" + id + "/workflow/" + workflowId(1), token,
                new JsonObject().put("eventStartTime", "2026-06-23T03:30:00+01:00"));
        assertThat(details(id).getJsonArray("workflows").getList()).containsExactly(workflowId(0), workflowId(1));

        HttpResponse<String> removed = client.api("DELETE", "/contacts/" + id + "/workflow/" + workflowId(0), token,
                new JsonObject());
        assertThat(removed.statusCode()).isEqualTo(200);
        HttpResponse<String> again = client.api("DELETE", "/contacts/" + id + "/workflow/" + workflowId(0), token,
                new JsonObject());
        assertThat(again.statusCode()).as("removing twice is no error").isEqualTo(200);
        assertThat(details(id).getJsonArray("workflows").getList()).containsExactly(workflowId(1));
    }

    @Test
    void unknownWorkflowOrContactIs400AndAnotherLocationsContact403() {
        String id = contact("wf2@example.com");
        HttpResponse<String> noWorkflow = client.api("POST", "/contacts/" + id + "/workflow/nope", token, new JsonObject());
        assertThat(noWorkflow.statusCode()).isEqualTo(400);
        assertThat(json(noWorkflow).getString("message")).isEqualTo("Workflow not found");
        HttpResponse<String> noContact = client.api("POST", "/contacts/nobody/workflow/" + workflowId(0), token,
                new JsonObject());
        assertThat(noContact.statusCode()).isEqualTo(400);
        assertThat(json(noContact).getString("message")).isEqualTo("Contact not found");

        String otherToken = client.connect(sandbox.locations().get(1).id()).getString("access_token");
        String otherWorkflow = sandbox.setup(sandbox.locations().get(1).id()).getJsonArray("workflows")
                .getJsonObject(0).getString("id");
        HttpResponse<String> denied = client.api("POST", "/contacts/" + id + "/workflow/" + otherWorkflow, otherToken,
                new JsonObject());
        assertThat(denied.statusCode()).isEqualTo(403);
        HttpResponse<String> otherList = client.api("GET", "/workflows/?locationId=" + locationId, otherToken, null);
        assertThat(otherList.statusCode()).isEqualTo(403);
        assertThat(details(id).getJsonArray("workflows")).isEmpty();
    }

    @Test
    void addsNotes() {
        String id = contact("note@example.com");
        HttpResponse<String> r = client.api("POST", "/contacts/" + id + "/notes", token,
                new JsonObject().put("body", "Bought Course X for 49.00 USD"));
        assertThat(r.statusCode()).isEqualTo(201);
        JsonObject note = json(r).getJsonObject("note");
        assertThat(note.getString("id")).isNotBlank();
        assertThat(note.getString("contactId")).isEqualTo(id);
        assertThat(note.getString("body")).isEqualTo("Bought Course X for 49.00 USD");
        assertThat(details(id).getJsonArray("notes").getJsonObject(0).getString("body"))
                .isEqualTo("Bought Course X for 49.00 USD");

        HttpResponse<String> empty = client.send("POST", "/contacts/" + id + "/notes", Map.of("Authorization",
                "Bearer " + token, "Version", SandboxTestClient.VERSION), "{}", false);
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(json(empty).getJsonArray("message").getList()).contains("body should not be empty");
        HttpResponse<String> noContact = client.api("POST", "/contacts/nobody/notes", token,
                new JsonObject().put("body", "x"));
        assertThat(noContact.statusCode()).isEqualTo(400);
    }

    @Test
    void listsPipelinesWithStages() {
        HttpResponse<String> r = client.api("GET", "/opportunities/pipelines?locationId=" + locationId, token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject sales = json(r).getJsonArray("pipelines").getJsonObject(0);
        assertThat(sales.getString("name")).isEqualTo("Sales");
        assertThat(sales.getJsonArray("stages").stream().map(s -> ((JsonObject) s).getString("name")).toList())
                .containsExactly("New", "Qualified", "Won", "Lost");
    }

    @Test
    void upsertsOneOpportunityPerContactAndPipeline() {
        String id = contact("deal@example.com");
        JsonObject body = new JsonObject().put("locationId", locationId).put("pipelineId", pipeline().getString("id"))
                .put("contactId", id).put("name", "Course X – deal@example.com").put("status", "open")
                .put("pipelineStageId", stageId("New")).put("monetaryValue", 49.0);
        HttpResponse<String> created = client.api("POST", "/opportunities/upsert", token, body);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(json(created).getBoolean("new")).isTrue();
        String oppId = json(created).getJsonObject("opportunity").getString("id");

        HttpResponse<String> won = client.api("POST", "/opportunities/upsert", token,
                body.copy().put("status", "won").put("pipelineStageId", stageId("Won")));
        assertThat(json(won).getBoolean("new")).isFalse();
        assertThat(json(won).getJsonObject("opportunity").getString("id")).isEqualTo(oppId);

        List<JsonObject> stored = sandbox.opportunities(locationId);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).getString("status")).isEqualTo("won");
        assertThat(stored.get(0).getString("pipelineStageId")).isEqualTo(stageId("Won"));
        assertThat(stored.get(0).getString("contactId")).isEqualTo(id);
        assertThat(stored.get(0).getDouble("monetaryValue")).isEqualTo(49.0);
    }

    @Test
    void opportunityWithAnUnknownPipelineStageOrContactIs400() {
        String id = contact("deal2@example.com");
        JsonObject body = new JsonObject().put("locationId", locationId).put("pipelineId", pipeline().getString("id"))
                .put("contactId", id).put("name", "n").put("status", "open");
        HttpResponse<String> pipeline = client.api("POST", "/opportunities/upsert", token, body.copy().put("pipelineId", "nope"));
        assertThat(pipeline.statusCode()).isEqualTo(400);
        assertThat(json(pipeline).getString("message")).isEqualTo("Pipeline not found");
        HttpResponse<String> stage = client.api("POST", "/opportunities/upsert", token,
                body.copy().put("pipelineStageId", "nope"));
        assertThat(json(stage).getString("message")).isEqualTo("Pipeline stage not found");
        HttpResponse<String> contact = client.api("POST", "/opportunities/upsert", token, body.copy().put("contactId", "nope"));
        assertThat(json(contact).getString("message")).isEqualTo("Contact not found");
        HttpResponse<String> status = client.send("POST", "/opportunities/upsert", Map.of("Authorization",
                "Bearer " + token, "Version", SandboxTestClient.VERSION), body.copy().put("status", "done").encode(), false);
        assertThat(status.statusCode()).isEqualTo(422);
        assertThat(sandbox.opportunities(locationId)).isEmpty();
    }

    @Test
    void listsCustomFieldsAndUpsertStoresTheirValues() {
        HttpResponse<String> r = client.api("GET", "/locations/" + locationId + "/customFields", token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray fields = json(r).getJsonArray("customFields");
        assertThat(fields.stream().map(f -> ((JsonObject) f).getString("fieldKey")).toList())
                .containsExactly("contact.last_product", "contact.lifetime_value", "contact.customer_since");
        HttpResponse<String> all = client.api("GET", "/locations/" + locationId + "/customFields?model=all", token, null);
        assertThat(json(all).getJsonArray("customFields")).hasSize(4);
        String lastProduct = fields.getJsonObject(0).getString("id");

        HttpResponse<String> upsert = client.api("POST", "/contacts/upsert", token, new JsonObject()
                .put("locationId", locationId).put("email", "cf@example.com").put("tags", new JsonArray(List.of("a")))
                .put("customFields", new JsonArray().add(new JsonObject().put("id", lastProduct).put("field_value", "Course X"))
                        .add(new JsonObject().put("id", "unknownField1").put("field_value", "dropped"))));
        assertThat(upsert.statusCode()).isEqualTo(200);
        JsonObject contact = json(upsert).getJsonObject("contact");
        assertThat(contact.getJsonArray("customFields").getList()).hasSize(1);
        assertThat(details(contact.getString("id")).getJsonObject("customFields").getString(lastProduct))
                .isEqualTo("Course X");

        // a later upsert changes the value and keeps other fields; tags are still replaced by upsert
        client.api("POST", "/contacts/upsert", token, new JsonObject().put("locationId", locationId)
                .put("email", "cf@example.com").put("tags", new JsonArray(List.of("b")))
                .put("customFields", new JsonArray().add(new JsonObject().put("id", fields.getJsonObject(1).getString("id")).put("field_value", "49.00"))));
        JsonObject after = details(contact.getString("id"));
        assertThat(after.getJsonObject("customFields").getMap()).containsOnlyKeys(lastProduct,
                fields.getJsonObject(1).getString("id"));
        assertThat(after.getJsonObject("contact").getJsonArray("tags").getList()).containsExactly("b");
    }

    @Test
    void getsTheLocationsName() {
        HttpResponse<String> r = client.api("GET", "/locations/" + locationId, token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).getJsonObject("location").getString("name")).isEqualTo("Sandbox Location");
        assertThat(json(r).getJsonObject("location").getString("id")).isEqualTo(locationId);
        HttpResponse<String> other = client.api("GET", "/locations/" + sandbox.locations().get(1).id(), token, null);
        assertThat(other.statusCode()).isEqualTo(403);
        HttpResponse<String> unauth = client.api("GET", "/locations/" + locationId, "bogus", null);
        assertThat(unauth.statusCode()).isEqualTo(401);
    }
}
