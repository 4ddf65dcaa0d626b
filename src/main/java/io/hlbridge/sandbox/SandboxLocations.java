package io.hlbridge.sandbox;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * What a location is set up with: {@code GET /locations/{locationId}} (apps/locations.json, for its name),
 * {@code GET /locations/{locationId}/customFields} and {@code GET /workflows/?locationId=} (apps/workflows.json).
 * Every request passes {@link SandboxGate} first. Another location's id is 403 (the token's location only).
 */
final class SandboxLocations {

    private static final List<String> MODELS = List.of("contact", "opportunity", "all");

    private final SandboxGate gate;
    private final Function<String, SandboxLocation> locations;
    private final Function<String, SandboxCatalog> catalogs;
    private final SandboxResponder out;

    SandboxLocations(SandboxGate gate, Function<String, SandboxLocation> locations,
                     Function<String, SandboxCatalog> catalogs, SandboxResponder out) {
        this.gate = gate;
        this.locations = locations;
        this.catalogs = catalogs;
        this.out = out;
    }

    void mount(Router router) {
        gate.guard(router, "/locations*", "/workflows*");
        router.get("/workflows/").handler(this::workflows);
        router.get("/workflows").handler(this::workflows);
        router.get("/locations/:locationId/customFields").handler(this::customFields);
        router.get("/locations/:locationId").handler(this::location);
        gate.unknownOperations(router, "/locations*", "/workflows*");
    }

    /** get-workflow: 200 {@code {"workflows": [WorkflowSchema…]}}; a missing locationId is 422 (the file lists it). */
    private void workflows(RoutingContext ctx) {
        String locationId = gate.requiredQuery(ctx, "locationId", 422);
        if (locationId == null || !gate.ownLocation(ctx, locationId)) return;
        out.json(ctx, 200, new JsonObject().put("workflows", catalogs.apply(locationId).workflowsJson()));
    }

    /** get-location: 200 {@code {"location": GetLocationByIdSchema}}, the fields a sub-account always has. */
    private void location(RoutingContext ctx) {
        String locationId = ctx.pathParam("locationId");
        if (!gate.ownLocation(ctx, locationId)) return;
        SandboxLocation l = locations.apply(locationId);
        out.json(ctx, 200, new JsonObject().put("location", new JsonObject().put("id", l.id())
                .put("companyId", l.companyId()).put("name", l.name()).put("country", "US")
                .put("timezone", "America/Chicago")));
    }

    /**
     * get-custom-fields: 200 {@code {"customFields": [CustomFieldSchema…]}}. {@code model} (contact, opportunity,
     * all) filters; without it the contact fields are listed (HighLevel's default is UNCONFIRMED).
     */
    private void customFields(RoutingContext ctx) {
        String locationId = ctx.pathParam("locationId");
        if (!gate.ownLocation(ctx, locationId)) return;
        String model = ctx.request().getParam("model");
        if (model != null && !MODELS.contains(model)) {
            out.unprocessable(ctx, List.of("model must be one of the following values: " + String.join(", ", MODELS)));
            return;
        }
        out.json(ctx, 200, new JsonObject().put("customFields", catalogs.apply(locationId).customFieldsJson(model)));
    }
}
