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
 * In-memory contacts of all locations. Every public operation is one short synchronized critical section
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

    synchronized Upserted upsert(String locationId, JsonObject body) {
        Instant now = Instant.now();
        SandboxContact existing = findDuplicate(locationId, body.getString("email"), body.getString("phone"));
        if (existing == null) {
            SandboxContact c = create(locationId, body, now);
            return new Upserted(true, c.toJson());
        }
        unindex(existing);
        existing.apply(body, now);
        index(existing);
        return new Upserted(false, existing.toJson());
    }

    /** Creates a contact unless one with the same email or phone exists; then returns that one in {@code duplicate}. */
    synchronized Optional<JsonObject> createUnlessDuplicate(String locationId, JsonObject body, JsonObject[] duplicate) {
        SandboxContact existing = findDuplicate(locationId, body.getString("email"), body.getString("phone"));
        if (existing != null) {
            duplicate[0] = existing.toJson();
            return Optional.empty();
        }
        return Optional.of(create(locationId, body, Instant.now()).toJson());
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

    private SandboxContact create(String locationId, JsonObject body, Instant now) {
        SandboxContact c = new SandboxContact(SandboxIds.randomId(), locationId, now);
        c.apply(body, now);
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
