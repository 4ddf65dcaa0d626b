package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One stored contact. Not thread-safe on its own: {@link SandboxContactStore} guards every access.
 *
 * <p>Tag semantics: HighLevel's notes do not say whether tags are lowercased (highlevel-api-notes §3.5
 * is silent), so the sandbox de-duplicates case-insensitively and keeps the first spelling it saw.
 */
final class SandboxContact {

    /** Plain string fields that are stored and echoed back (all present in GetContectByIdSchema). */
    static final List<String> STRING_FIELDS = List.of("firstName", "lastName", "name", "email", "phone", "address1",
            "city", "state", "postalCode", "website", "timezone", "source", "country", "companyName", "assignedTo");

    final String id;
    final String locationId;
    final Instant dateAdded;
    Instant dateUpdated;
    final Map<String, String> fields = new LinkedHashMap<>();
    Boolean dnd;
    final List<String> tags = new ArrayList<>();
    /** Custom field id → value, as upsert stored them (HighLevel answers {@code customFields: [{id, value}]}). */
    final Map<String, String> customFields = new LinkedHashMap<>();
    /** Ids of the workflows the contact was added to and not removed from. */
    final Set<String> workflows = new LinkedHashSet<>();
    /** Notes, oldest first, as HighLevel returns them (GetNoteSchema). */
    final List<JsonObject> notes = new ArrayList<>();

    SandboxContact(String id, String locationId, Instant now) {
        this.id = id;
        this.locationId = locationId;
        this.dateAdded = now;
        this.dateUpdated = now;
    }

    String emailLowerCase() {
        String email = fields.get("email");
        return email == null ? null : email.toLowerCase(Locale.ROOT);
    }

    /**
     * Applies the fields present in a (validated) Create/Upsert body; absent fields stay as they are.
     * {@code values}: the body's custom fields resolved to field ids (a field not sent keeps its value).
     */
    void apply(JsonObject body, Map<String, String> values, Instant now) {
        for (String f : STRING_FIELDS) {
            if (body.containsKey(f)) {
                String v = body.getString(f);
                if (v == null) fields.remove(f); else fields.put(f, v);
            }
        }
        if (body.containsKey("dnd")) {
            dnd = body.getBoolean("dnd");
        }
        customFields.putAll(values);
        if (body.containsKey("tags")) {
            // UpsertContactDto.tags: "This field will overwrite all current tags associated with the contact."
            tags.clear();
            addTags(body.getJsonArray("tags"));
        }
        dateUpdated = now;
    }

    /** Union, case-insensitive, first spelling wins. */
    void addTags(JsonArray newTags) {
        if (newTags == null) return;
        for (Object o : newTags) {
            String tag = ((String) o).trim();
            if (!tag.isEmpty() && tags.stream().noneMatch(t -> t.equalsIgnoreCase(tag))) {
                tags.add(tag);
            }
        }
    }

    void removeTags(JsonArray toRemove) {
        for (Object o : toRemove) {
            String tag = ((String) o).trim();
            tags.removeIf(t -> t.equalsIgnoreCase(tag));
        }
    }

    JsonArray tagsJson() {
        return new JsonArray(new ArrayList<>(tags));
    }

    /** CreateContactSchema (the create answer) lacks {@code name} and {@code timezone}; strip them. */
    static JsonObject asCreateSchema(JsonObject contact) {
        JsonObject copy = contact.copy();
        copy.remove("name");
        copy.remove("timezone");
        return copy;
    }

    /** The contact as HighLevel returns it (GetContectByIdSchema / CreateContactSchema); nulls left out. */
    JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id).put("locationId", locationId);
        fields.forEach(json::put);
        String first = fields.get("firstName");
        String last = fields.get("lastName");
        if (first != null) json.put("firstNameLowerCase", first.toLowerCase(Locale.ROOT));
        if (last != null) json.put("lastNameLowerCase", last.toLowerCase(Locale.ROOT));
        if (first != null || last != null) {
            String full = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
            json.put("fullNameLowerCase", full.toLowerCase(Locale.ROOT));
        }
        if (emailLowerCase() != null) json.put("emailLowerCase", emailLowerCase());
        if (dnd != null) json.put("dnd", dnd);
        json.put("type", "lead");
        json.put("tags", tagsJson());
        if (!customFields.isEmpty()) {
            JsonArray fields = new JsonArray();
            customFields.forEach((id, value) -> fields.add(new JsonObject().put("id", id).put("value", value)));
            json.put("customFields", fields);
        }
        json.put("dateAdded", dateAdded.toString());
        json.put("dateUpdated", dateUpdated.toString());
        return json;
    }
}
