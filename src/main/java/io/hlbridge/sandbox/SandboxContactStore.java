package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * In-memory contacts of all locations (with their custom field values, workflows and notes) and the
 * locations' opportunities. Every public operation is one short synchronized critical section
 * and returns JSON copies, so callers never see a contact mid-update.
 */
final class SandboxContactStore {

    /** Result of an upsert: whether it created the contact, and the contact after the change. */
    record Upserted(boolean created, JsonObject contact) {
    }

    /** Where an id points: absent, in another location, or here (with a JSON result of the operation). */
    record Lookup(boolean found, String ownerLocationId, JsonObject result) {
    }

    private final Map<String, SandboxContact> byId = new LinkedHashMap<>();
    /** Duplicate lookups by (location, lower-case email) and (location, normalized phone): the oldest contact first. */
    private final Map<String, SandboxContact> byEmail = new HashMap<>();
    private final Map<String, SandboxContact> byPhone = new HashMap<>();
    /** Opportunities by id, in creation order (UpsertOpportunitySuccessfulResponseDto.opportunity shapes). */
    private final Map<String, JsonObject> opportunities = new LinkedHashMap<>();

    /** {@code customFields}: the body's custom field values by field id (unknown fields already dropped). */
    synchronized Upserted upsert(String locationId, JsonObject body, Map<String, String> customFields) {
        Instant now = Instant.now();
        SandboxContact existing = findDuplicate(locationId, body.getString("email"), body.getString("phone"));
        if (existing == null) {
            SandboxContact c = create(locationId, body, customFields, now);
            return new Upserted(true, c.toJson());
        }
        unindex(existing);
        existing.apply(body, customFields, now);
        index(existing);
        return new Upserted(false, existing.toJson());
    }

    /** Creates a contact unless one with the same email or phone exists; then returns that one in {@code duplicate}. */
    synchronized Optional<JsonObject> createUnlessDuplicate(String locationId, JsonObject body,
                                                            Map<String, String> customFields, JsonObject[] duplicate) {
        SandboxContact existing = findDuplicate(locationId, body.getString("email"), body.getString("phone"));
        if (existing != null) {
            duplicate[0] = existing.toJson();
            return Optional.empty();
        }
        return Optional.of(create(locationId, body, customFields, Instant.now()).toJson());
    }

    /** The duplicate contact by email (case-insensitive) first, then by phone. */
    synchronized Optional<JsonObject> searchDuplicate(String locationId, String email, String phone) {
        return Optional.ofNullable(findDuplicate(locationId, email, phone)).map(SandboxContact::toJson);
    }

    synchronized Lookup get(String contactId) {
        return withContact(contactId, SandboxContact::toJson);
    }

    synchronized Lookup addTags(String contactId, String callerLocationId, JsonArray tags) {
        return mutate(contactId, callerLocationId, c -> {
            c.addTags(tags);
            return new JsonObject().put("tags", c.tagsJson());
        });
    }

    synchronized Lookup removeTags(String contactId, String callerLocationId, JsonArray tags) {
        return mutate(contactId, callerLocationId, c -> {
            c.removeTags(tags);
            return new JsonObject().put("tags", c.tagsJson());
        });
    }

    /** Adds the contact to a workflow, or removes it; both are idempotent, as HighLevel's 200 suggests. */
    synchronized Lookup workflow(String contactId, String callerLocationId, String workflowId, boolean add) {
        return mutate(contactId, callerLocationId, c -> {
            if (add) c.workflows.add(workflowId); else c.workflows.remove(workflowId);
            return new JsonObject().put("succeded", true); // sic: ContactsWorkflowSuccessfulResponseDto
        });
    }

    /** Adds a note (a validated NotesDTO); the result is the note as GetNoteSchema. */
    synchronized Lookup addNote(String contactId, String callerLocationId, JsonObject body) {
        return mutate(contactId, callerLocationId, c -> {
            JsonObject note = new JsonObject().put("id", SandboxIds.randomId()).put("body", body.getString("body"));
            for (String f : List.of("userId", "title", "color")) {
                if (body.getString(f) != null) note.put(f, body.getString(f));
            }
            if (body.getBoolean("pinned") != null) note.put("pinned", body.getBoolean("pinned"));
            note.put("dateAdded", Instant.now().toString()).put("contactId", c.id);
            c.notes.add(note);
            return note.copy();
        });
    }

    /**
     * Creates or updates an opportunity (a validated UpsertOpportunityDto with its pipeline and stage checked):
     * by {@code id} when given, else by (contact, pipeline), HighLevel's one-deal-per-contact-and-pipeline.
     * The result is {@code {"new": …, "opportunity": …}}; not found when the contact (or the id) is unknown.
     */
    synchronized Lookup upsertOpportunity(String locationId, JsonObject body, String defaultStageId) {
        String contactId = body.getString("contactId");
        JsonObject existing = body.getString("id") != null ? opportunities.get(body.getString("id"))
                : opportunities.values().stream().filter(o -> o.getString("locationId").equals(locationId)
                        && o.getString("pipelineId").equals(body.getString("pipelineId"))
                        && o.getString("contactId").equals(contactId)).findFirst().orElse(null);
        if (body.getString("id") != null && existing == null) return new Lookup(false, null, null);
        if (existing != null && !existing.getString("locationId").equals(locationId)) {
            return new Lookup(true, existing.getString("locationId"), null);
        }
        String contactOf = contactId != null ? contactId : existing.getString("contactId");
        SandboxContact contact = byId.get(contactOf);
        if (contact == null) return new Lookup(false, null, null);
        if (!contact.locationId.equals(locationId)) return new Lookup(true, contact.locationId, null);
        String now = Instant.now().toString();
        boolean created = existing == null;
        JsonObject o = created ? new JsonObject().put("id", SandboxIds.randomId()).put("locationId", locationId)
                .put("contactId", contactOf).put("status", "open").put("pipelineStageId", defaultStageId)
                .put("name", contact.fields.getOrDefault("email", contactOf)).put("createdAt", now) : existing;
        for (String f : List.of("name", "pipelineId", "pipelineStageId", "status", "assignedTo")) {
            if (body.getString(f) != null) o.put(f, body.getString(f));
        }
        if (body.getValue("monetaryValue") instanceof Number n) o.put("monetaryValue", n);
        o.put("updatedAt", now);
        opportunities.put(o.getString("id"), o);
        return new Lookup(true, locationId, new JsonObject().put("new", created).put("opportunity", o.copy()));
    }

    /** A location's opportunities (all when null), oldest first. */
    synchronized List<JsonObject> opportunities(String locationId) {
        List<JsonObject> out = new ArrayList<>();
        opportunities.values().stream().filter(o -> locationId == null || o.getString("locationId").equals(locationId))
                .forEach(o -> out.add(o.copy()));
        return out;
    }

    /** What HighLevel keeps about a contact beyond its own JSON: workflows, notes, custom field values. */
    synchronized Optional<JsonObject> details(String contactId) {
        SandboxContact c = byId.get(contactId);
        if (c == null) return Optional.empty();
        JsonObject fields = new JsonObject();
        c.customFields.forEach(fields::put);
        return Optional.of(new JsonObject().put("contact", c.toJson())
                .put("workflows", new JsonArray(new ArrayList<>(c.workflows)))
                .put("notes", new JsonArray(c.notes.stream().map(JsonObject::copy).toList()))
                .put("customFields", fields));
    }

    synchronized List<JsonObject> list(String locationId) {
        List<JsonObject> out = new ArrayList<>();
        for (SandboxContact c : byId.values()) {
            if (locationId == null || c.locationId.equals(locationId)) {
                out.add(c.toJson());
            }
        }
        return out;
    }

    synchronized void reset() {
        byId.clear();
        byEmail.clear();
        byPhone.clear();
        opportunities.clear();
    }

    private Lookup withContact(String contactId, Function<SandboxContact, JsonObject> f) {
        SandboxContact c = byId.get(contactId);
        return c == null ? new Lookup(false, null, null) : new Lookup(true, c.locationId, f.apply(c));
    }

    /** Applies {@code f} only if the contact belongs to the caller's location. */
    private Lookup mutate(String contactId, String callerLocationId, Function<SandboxContact, JsonObject> f) {
        SandboxContact c = byId.get(contactId);
        if (c == null) return new Lookup(false, null, null);
        if (!c.locationId.equals(callerLocationId)) return new Lookup(true, c.locationId, null);
        JsonObject result = f.apply(c);
        c.dateUpdated = Instant.now();
        return new Lookup(true, c.locationId, result);
    }

    private SandboxContact create(String locationId, JsonObject body, Map<String, String> customFields, Instant now) {
        SandboxContact c = new SandboxContact(SandboxIds.randomId(), locationId, now);
        c.apply(body, customFields, now);
        byId.put(c.id, c);
        index(c);
        return c;
    }

    private void index(SandboxContact c) {
        String email = emailKey(c.locationId, c.fields.get("email"));
        String phone = phoneKey(c.locationId, c.fields.get("phone"));
        if (email != null) byEmail.putIfAbsent(email, c);
        if (phone != null) byPhone.putIfAbsent(phone, c);
    }

    private void unindex(SandboxContact c) {
        String email = emailKey(c.locationId, c.fields.get("email"));
        String phone = phoneKey(c.locationId, c.fields.get("phone"));
        if (email != null) byEmail.remove(email, c);
        if (phone != null) byPhone.remove(phone, c);
    }

    private static String emailKey(String locationId, String email) {
        return email == null || email.isBlank() ? null : locationId + '\n' + email.trim().toLowerCase(Locale.ROOT);
    }

    private static String phoneKey(String locationId, String phone) {
        return phone == null || phone.isBlank() ? null : locationId + '\n' + normalizePhone(phone);
    }

    private SandboxContact findDuplicate(String locationId, String email, String phone) {
        SandboxContact byMail = byEmail.get(emailKey(locationId, email));
        if (byMail != null) return byMail;
        String phoneKey = phoneKey(locationId, phone);
        return phoneKey == null ? null : byPhone.get(phoneKey);
    }

    private static String normalizePhone(String phone) {
        return phone.replaceAll("[^0-9+]", "");
    }
}
