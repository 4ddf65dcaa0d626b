package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What a sandbox location has been set up with in HighLevel's UI: a few workflows, one pipeline with stages
 * and a few custom fields. Fixed at start (the sandbox has no endpoints that change them); ids are stable per
 * location, so a demo's rules keep pointing at the same workflow after a restart.
 */
record SandboxCatalog(String locationId, List<Workflow> workflows, List<Pipeline> pipelines,
                      List<CustomField> customFields) {

    record Workflow(String id, String name, String status) {
    }

    record Stage(String id, String name) {
    }

    record Pipeline(String id, String name, List<Stage> stages) {
        Optional<Stage> stage(String stageId) {
            return stages.stream().filter(s -> s.id().equals(stageId)).findFirst();
        }
    }

    /** {@code model} is contact or opportunity; {@code fieldKey} is HighLevel's "contact.last_product" form. */
    record CustomField(String id, String name, String fieldKey, String dataType, String model) {
    }

    /** Created and updated times the listings show (HighLevel's examples use this ISO form). */
    private static final String CREATED = "2026-01-05T09:00:00.000Z";

    static SandboxCatalog seeded(String locationId) {
        String seed = locationId + "/";
        List<Workflow> workflows = List.of(
                new Workflow(SandboxIds.stable(seed + "workflow/welcome"), "Welcome series", "published"),
                new Workflow(SandboxIds.stable(seed + "workflow/onboarding"), "Course onboarding", "published"),
                new Workflow(SandboxIds.stable(seed + "workflow/win-back"), "Win-back", "draft"));
        List<Stage> stages = List.of(
                new Stage(SandboxIds.stable(seed + "stage/new"), "New"),
                new Stage(SandboxIds.stable(seed + "stage/qualified"), "Qualified"),
                new Stage(SandboxIds.stable(seed + "stage/won"), "Won"),
                new Stage(SandboxIds.stable(seed + "stage/lost"), "Lost"));
        List<Pipeline> pipelines = List.of(new Pipeline(SandboxIds.stable(seed + "pipeline/sales"), "Sales", stages));
        List<CustomField> fields = List.of(
                new CustomField(SandboxIds.stable(seed + "field/last_product"), "Last product",
                        "contact.last_product", "TEXT", "contact"),
                new CustomField(SandboxIds.stable(seed + "field/lifetime_value"), "Lifetime value",
                        "contact.lifetime_value", "MONETORY", "contact"),
                new CustomField(SandboxIds.stable(seed + "field/customer_since"), "Customer since",
                        "contact.customer_since", "DATE", "contact"),
                new CustomField(SandboxIds.stable(seed + "field/order_id"), "Order id",
                        "opportunity.order_id", "TEXT", "opportunity"));
        return new SandboxCatalog(locationId, workflows, pipelines, fields);
    }

    Optional<Workflow> workflow(String id) {
        return workflows.stream().filter(w -> w.id().equals(id)).findFirst();
    }

    Optional<Pipeline> pipeline(String id) {
        return pipelines.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** A contact custom field by its id or its key ("last_product" or "contact.last_product"), as upsert accepts. */
    Optional<CustomField> contactField(String idOrKey) {
        return customFields.stream().filter(f -> f.model().equals("contact"))
                .filter(f -> f.id().equals(idOrKey) || f.fieldKey().equals(idOrKey)
                        || f.fieldKey().equals("contact." + idOrKey))
                .findFirst();
    }

    // ---- as HighLevel lists them (WorkflowSchema, PipelinesResponseSchema, CustomFieldSchema) ----------

    JsonArray workflowsJson() {
        JsonArray out = new JsonArray();
        workflows.forEach(w -> out.add(new JsonObject().put("id", w.id()).put("name", w.name())
                .put("status", w.status()).put("version", 1).put("createdAt", CREATED).put("updatedAt", CREATED)
                .put("locationId", locationId)));
        return out;
    }

    JsonArray pipelinesJson() {
        JsonArray out = new JsonArray();
        for (Pipeline p : pipelines) {
            JsonArray stages = new JsonArray();
            for (int i = 0; i < p.stages().size(); i++) {
                Stage s = p.stages().get(i);
                stages.add(new JsonObject().put("id", s.id()).put("name", s.name()).put("position", i));
            }
            out.add(new JsonObject().put("id", p.id()).put("name", p.name()).put("stages", stages)
                    .put("showInFunnel", true).put("showInPieChart", true).put("locationId", locationId));
        }
        return out;
    }

    /** {@code model}: contact, opportunity or all (HighLevel's query enum); null means contact. */
    JsonArray customFieldsJson(String model) {
        String wanted = model == null ? "contact" : model;
        JsonArray out = new JsonArray();
        for (int i = 0; i < customFields.size(); i++) {
            CustomField f = customFields.get(i);
            if (wanted.equals("all") || wanted.equals(f.model())) {
                out.add(new JsonObject().put("id", f.id()).put("name", f.name()).put("fieldKey", f.fieldKey())
                        .put("placeholder", f.name()).put("dataType", f.dataType()).put("position", i)
                        .put("locationId", locationId).put("model", f.model()));
            }
        }
        return out;
    }
}
