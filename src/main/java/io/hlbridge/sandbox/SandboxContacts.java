package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Contacts API subset (apps/contacts.json): upsert (with custom fields), create, duplicate search, get,
 * add/remove tags, add to / remove from a workflow, add a note. Every request passes {@link SandboxGate} first.
 */
final class SandboxContacts {

    private final SandboxGate gate;
    private final SandboxContactStore store;
    private final Function<String, SandboxCatalog> catalogs;
    private final SandboxResponder out;

    SandboxContacts(SandboxGate gate, SandboxContactStore store, Function<String, SandboxCatalog> catalogs,
                    SandboxResponder out) {
        this.gate = gate;
        this.store = store;
        this.catalogs = catalogs;
        this.out = out;
    }

    void mount(Router router) {
        gate.guard(router, "/contacts*");
        router.post("/contacts/upsert").handler(this::upsert);
        router.get("/contacts/search/duplicate").handler(this::searchDuplicate);
        router.post("/contacts/").handler(this::create);
        router.post("/contacts").handler(this::create);
        router.post("/contacts/:contactId/tags").handler(ctx -> tags(ctx, true));
        router.delete("/contacts/:contactId/tags").handler(ctx -> tags(ctx, false));
        router.post("/contacts/:contactId/workflow/:workflowId").handler(ctx -> workflow(ctx, true));
        router.delete("/contacts/:contactId/workflow/:workflowId").handler(ctx -> workflow(ctx, false));
        router.post("/contacts/:contactId/notes").handler(this::addNote);
        router.get("/contacts/:contactId").handler(this::get);
        gate.unknownOperations(router, "/contacts*");
    }

    private void upsert(RoutingContext ctx) {
        JsonObject body = gate.jsonBody(ctx, false);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateContact(body, true);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        if (!gate.ownLocation(ctx, body.getString("locationId"))) return;
        SandboxContactStore.Upserted r = store.upsert(body.getString("locationId"), body, customFields(body));
        // UpsertContactsSuccessfulResponseDto: 200 for both created and updated (the spec lists only 200).
        out.json(ctx, 200, new JsonObject().put("new", r.created()).put("contact", r.contact())
                .put("traceId", SandboxIds.traceId()));
    }

    private void create(RoutingContext ctx) {
        JsonObject body = gate.jsonBody(ctx, false);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateContact(body, false);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        if (!gate.ownLocation(ctx, body.getString("locationId"))) return;
        JsonObject[] duplicate = new JsonObject[1];
        Optional<JsonObject> created = store.createUnlessDuplicate(body.getString("locationId"), body,
                customFields(body), duplicate);
        if (created.isEmpty()) {
            // Observed message when "Allow Duplicate Contact" is off (notes §3.2). The observed body also has
            // "meta": {contactId, contactName, matchingField}, but BadRequestDTO does not allow it: schema wins.
            out.error(ctx, 400, "This location does not allow duplicated contacts.");
            return;
        }
        // CreateContactsSuccessfulResponseDto: {"contact": CreateContactSchema}, no traceId in the schema.
        out.json(ctx, 201, new JsonObject().put("contact", SandboxContact.asCreateSchema(created.get())));
    }

    private void searchDuplicate(RoutingContext ctx) {
        String locationId = ctx.request().getParam("locationId");
        String email = ctx.request().getParam("email");
        String number = ctx.request().getParam("number");
        if (locationId == null || locationId.isBlank()) {
            // contacts.json lists only 400 and 401 for this operation.
            out.error(ctx, 400, "locationId should not be empty");
            return;
        }
        if (!gate.ownLocation(ctx, locationId)) return;
        if (isBlank(email) && isBlank(number)) {
            // Observed message (highlevel-api-notes §3.4).
            out.error(ctx, 400, "Pass at least one of number, email query parameter");
            return;
        }
        Optional<JsonObject> found = store.searchDuplicate(locationId, email, number);
        JsonObject body = new JsonObject().put("contact", found.orElse(null));
        found.ifPresent(c -> body.put("matchingField",
                !isBlank(email) && email.trim().equalsIgnoreCase(c.getString("emailLowerCase")) ? "email" : "phone"));
        // contacts.json gives this 200 no schema; shape observed by third parties (notes §3.4).
        out.json(ctx, 200, body.put("traceId", SandboxIds.traceId()));
    }

    private void get(RoutingContext ctx) {
        SandboxContactStore.Lookup l = store.get(ctx.pathParam("contactId"));
        if (!found(ctx, l)) return;
        // ContactsByIdSuccessfulResponseDto: {"contact": GetContectByIdSchema}, no traceId in the schema.
        out.json(ctx, 200, new JsonObject().put("contact", l.result()));
    }

    private void tags(RoutingContext ctx, boolean add) {
        JsonObject body = gate.jsonBody(ctx, false);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateTags(body);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        String contactId = ctx.pathParam("contactId");
        String caller = SandboxGate.callerLocation(ctx);
        JsonArray tags = body.getJsonArray("tags");
        SandboxContactStore.Lookup l = add ? store.addTags(contactId, caller, tags) : store.removeTags(contactId, caller, tags);
        if (!found(ctx, l)) return;
        // Response: the contact's full tag list after the change (notes §3.5: full list vs delta UNCONFIRMED).
        out.json(ctx, add ? 201 : 200, l.result());
    }

    /**
     * Add-contact-to-workflow / delete-contact-from-workflow: 200 {@code {"succeded": true}} (sic, the official
     * schema's spelling). An unknown workflow is 400 "Workflow not found" (the files list no 404; the text is
     * the sandbox's, HighLevel's is UNCONFIRMED). Both are idempotent.
     */
    private void workflow(RoutingContext ctx, boolean add) {
        JsonObject body = gate.jsonBody(ctx, true);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateWorkflow(body);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        String caller = SandboxGate.callerLocation(ctx);
        String workflowId = ctx.pathParam("workflowId");
        if (catalogs.apply(caller).workflow(workflowId).isEmpty()) {
            out.error(ctx, 400, "Workflow not found");
            return;
        }
        SandboxContactStore.Lookup l = store.workflow(ctx.pathParam("contactId"), caller, workflowId, add);
        if (!found(ctx, l)) return;
        out.json(ctx, 200, l.result());
    }

    /** create-note: 201 {@code {"note": GetNoteSchema}}. */
    private void addNote(RoutingContext ctx) {
        JsonObject body = gate.jsonBody(ctx, false);
        if (body == null) return;
        List<String> errors = ContactBodyValidator.validateNote(body);
        if (!errors.isEmpty()) {
            out.unprocessable(ctx, errors);
            return;
        }
        SandboxContactStore.Lookup l = store.addNote(ctx.pathParam("contactId"), SandboxGate.callerLocation(ctx), body);
        if (!found(ctx, l)) return;
        out.json(ctx, 201, new JsonObject().put("note", l.result()));
    }

    /**
     * The body's {@code customFields} by field id (the official items require {@code id}; an id that is a
     * field's key, "contact.last_product", is taken too). A field the location does not have is dropped without
     * an error (what HighLevel does with it is UNCONFIRMED). A
     * value that is not a string is stored as its JSON text (GetContectByIdSchema's {@code value} is a string).
     */
    private Map<String, String> customFields(JsonObject body) {
        Map<String, String> values = new LinkedHashMap<>();
        JsonArray items = body.getJsonArray("customFields");
        if (items == null) return values;
        SandboxCatalog catalog = catalogs.apply(body.getString("locationId"));
        for (Object o : items) {
            JsonObject item = (JsonObject) o;
            String ref = item.getString("id");
            Object value = item.getValue("field_value");
            catalog.contactField(ref).ifPresent(f -> values.put(f.id(),
                    value == null ? "" : value instanceof String s ? s : io.vertx.core.json.Json.encode(value)));
        }
        return values;
    }

    /** Answers 400 "Contact not found" or 403 for another location's contact; true when the caller may proceed. */
    private boolean found(RoutingContext ctx, SandboxContactStore.Lookup l) {
        if (!l.found()) {
            // contacts.json lists 400 (BadRequestDTO) and no 404 for these operations.
            out.error(ctx, 400, "Contact not found");
            return false;
        }
        return gate.ownLocation(ctx, l.ownerLocationId());
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
