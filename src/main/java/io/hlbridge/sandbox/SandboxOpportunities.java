package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Opportunities API subset (apps/opportunities.json): {@code POST /opportunities/upsert} and
 * {@code GET /opportunities/pipelines}. Every request passes {@link SandboxGate} first.
 *
 * <p>Where the official UpsertOpportunityDto cannot be what HighLevel runs, the sandbox follows what clients
 * send and HighLevel accepts (each corrected the same way in the tests' contract, {@code HighLevelContract}):
 * {@code contactId} is accepted (the file omits it, yet an opportunity belongs to a contact: CreateDto requires
 * it) and required unless {@code id} is given; {@code monetaryValue} is a number (the file says "object" with
 * the example 220); {@code followers}, {@code isRemoveAllFollowers} and {@code followersActionType} are not
 * required (the file requires them; clients upserting a deal do not send them). Pipelines' {@code stages} are
 * objects {@code {id, name, position}} (the file says arrays).
 */
final class SandboxOpportunities {

    private static final Set<String> UPSERT_FIELDS = Set.of("id", "pipelineId", "locationId", "followers",
            "isRemoveAllFollowers", "followersActionType", "name", "status", "pipelineStageId", "monetaryValue",
            "assignedTo", "lostReasonId", "contactId");
    private static final List<String> STATUSES = List.of("open", "won", "lost", "abandoned", "all");

    private final SandboxGate gate;
    private final SandboxContactStore store;
    private final Function<String, SandboxCatalog> catalogs;
    private final SandboxResponder out;

    SandboxOpportunities(SandboxGate gate, SandboxContactStore store, Function<String, SandboxCatalog> catalogs,
                         SandboxResponder out) {
        this.gate = gate;
        this.store = store;
        this.catalogs = catalogs;
        this.out = out;
    }

    void mount(Router router) {
        gate.guard(router, "/opportunities*");
        router.post("/opportunities/upsert").handler(this::upsert);
        router.get("/opportunities/pipelines").handler(this::pipelines);
        gate.unknownOperations(router, "/opportunities*");
    }

    /** get-pipelines: 200 {@code {"pipelines": [...]}}; the file lists 400 (no 422) for a missing locationId. */
    private void pipelines(RoutingContext ctx) {
        String locationId = gate.requiredQuery(ctx, "locationId", 400);
        if (locationId == null || !gate.ownLocation(ctx, locationId)) return;
        out.json(ctx, 200, new JsonObject().put("pipelines", catalogs.apply(locationId).pipelinesJson()));
    }

    /**
     * Upsert-opportunity: 200 {@code {"opportunity": {...}, "new": true|false}} (the file lists only 200). An
     * unknown pipeline, a stage not of that pipeline, an unknown contact or opportunity id are 400 (the file
     * lists no 404; the texts are the sandbox's, HighLevel's are UNCONFIRMED).
     */
    private void upsert(RoutingContext ctx) {
        JsonObject body = gate.jsonBody(ctx, false);
        if (body == null) return;
        List<String> errors = validate(body);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        String locationId = body.getString("locationId");
        if (!gate.ownLocation(ctx, locationId)) return;
        Optional<SandboxCatalog.Pipeline> pipeline = catalogs.apply(locationId).pipeline(body.getString("pipelineId"));
        if (pipeline.isEmpty()) {
            out.error(ctx, 400, "Pipeline not found");
            return;
        }
        String stageId = body.getString("pipelineStageId");
        if (stageId != null && pipeline.get().stage(stageId).isEmpty()) {
            out.error(ctx, 400, "Pipeline stage not found");
            return;
        }
        SandboxContactStore.Lookup l = store.upsertOpportunity(locationId, body, pipeline.get().stages().get(0).id());
        if (!l.found()) {
            out.error(ctx, 400, body.getString("contactId") == null ? "Opportunity not found" : "Contact not found");
            return;
        }
        if (!gate.ownLocation(ctx, l.ownerLocationId())) return;
        out.json(ctx, 200, l.result());
    }

    static List<String> validate(JsonObject body) {
        List<String> errors = new ArrayList<>();
        for (String key : body.fieldNames()) {
            if (!UPSERT_FIELDS.contains(key)) errors.add("property " + key + " should not exist");
        }
        for (String f : List.of("locationId", "pipelineId")) {
            Object v = body.getValue(f);
            if (v == null || (v instanceof String s && s.isBlank())) errors.add(f + " should not be empty");
        }
        if (body.getValue("id") == null && body.getValue("contactId") == null) {
            errors.add("contactId should not be empty");
        }
        for (String f : List.of("id", "pipelineId", "locationId", "name", "status", "pipelineStageId", "assignedTo",
                "lostReasonId", "contactId", "followersActionType")) {
            if (body.getValue(f) != null && !(body.getValue(f) instanceof String)) errors.add(f + " must be a string");
        }
        if (body.getValue("status") instanceof String status && !STATUSES.contains(status)) {
            errors.add("status must be one of the following values: " + String.join(", ", STATUSES));
        }
        if (body.containsKey("monetaryValue") && !(body.getValue("monetaryValue") instanceof Number)) {
            errors.add("monetaryValue must be a number");
        }
        if (body.containsKey("followers") && !(body.getValue("followers") instanceof JsonArray)) {
            errors.add("followers must be an array");
        }
        if (body.containsKey("isRemoveAllFollowers") && !(body.getValue("isRemoveAllFollowers") instanceof Boolean)) {
            errors.add("isRemoveAllFollowers must be a boolean value");
        }
        return errors;
    }
}
