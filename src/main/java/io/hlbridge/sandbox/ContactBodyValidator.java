package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates CreateContactDto / UpsertContactDto / TagsDTO / CreateWorkflowDto / NotesDTO bodies the way HighLevel's class-validator
 * pipes do: every violation is listed in one 422 (highlevel-api-notes §3.3 quotes
 * "property additionalEmails should not exist", §1.2 quotes "… should not be empty").
 */
final class ContactBodyValidator {

    private static final Set<String> CREATE_FIELDS = Set.of("firstName", "lastName", "name", "email", "locationId",
            "gender", "phone", "address1", "city", "state", "postalCode", "website", "timezone", "dnd", "dndSettings",
            "inboundDndSettings", "tags", "customFields", "source", "dateOfBirth", "country", "companyName",
            "assignedTo");
    /** Fields the OpenAPI file marks nullable in CreateContactDto / UpsertContactDto. */
    private static final Set<String> NULLABLE = Set.of("firstName", "lastName", "name", "email", "phone", "address1",
            "city", "state", "website", "timezone", "dateOfBirth", "companyName");
    private static final Set<String> STRINGS = Set.of("firstName", "lastName", "name", "email", "locationId",
            "gender", "phone", "address1", "city", "state", "postalCode", "website", "timezone", "source", "country",
            "companyName", "assignedTo");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private ContactBodyValidator() {
    }

    static List<String> validateContact(JsonObject body, boolean upsert) {
        List<String> errors = new ArrayList<>();
        for (String key : body.fieldNames()) {
            boolean known = CREATE_FIELDS.contains(key) || (upsert && key.equals("createNewIfDuplicateAllowed"));
            if (!known) {
                errors.add("property " + key + " should not exist");
            }
        }
        Object loc = body.getValue("locationId");
        if (loc == null || (loc instanceof String s && s.isBlank())) {
            errors.add("locationId should not be empty");
        }
        for (String f : STRINGS) {
            if (!body.containsKey(f)) continue;
            Object v = body.getValue(f);
            if (v == null ? !NULLABLE.contains(f) : !(v instanceof String)) {
                errors.add(f + " must be a string");
            }
        }
        if (body.getValue("email") instanceof String email && !email.isEmpty() && !EMAIL.matcher(email).matches()) {
            errors.add("email must be an email");
        }
        for (String f : List.of("dnd", "createNewIfDuplicateAllowed")) {
            if (body.containsKey(f) && !(body.getValue(f) instanceof Boolean)) {
                errors.add(f + " must be a boolean value");
            }
        }
        if (body.containsKey("tags")) {
            errors.addAll(validateTagArray(body.getValue("tags")));
        }
        if (body.containsKey("customFields")) {
            errors.addAll(validateCustomFields(body.getValue("customFields")));
        }
        return errors;
    }

    /** customFields items (TextField, NumericField…): objects whose {@code id} is a string (all nine require it). */
    private static List<String> validateCustomFields(Object value) {
        if (!(value instanceof JsonArray items)) return List.of("customFields must be an array");
        for (Object o : items) {
            if (!(o instanceof JsonObject item)) return List.of("each value in customFields must be an object");
            if (!(item.getValue("id") instanceof String)) return List.of("customFields.id must be a string");
            if (item.containsKey("key") && !(item.getValue("key") instanceof String)) {
                return List.of("customFields.key must be a string");
            }
        }
        return List.of();
    }

    /** CreateWorkflowDto: only {@code eventStartTime}, a string. */
    static List<String> validateWorkflow(JsonObject body) {
        List<String> errors = unknownProperties(body, Set.of("eventStartTime"));
        if (body.containsKey("eventStartTime") && !(body.getValue("eventStartTime") instanceof String)) {
            errors.add("eventStartTime must be a string");
        }
        return errors;
    }

    /** NotesDTO: {@code body} required; userId, title, color strings; pinned boolean. */
    static List<String> validateNote(JsonObject body) {
        List<String> errors = unknownProperties(body, Set.of("userId", "body", "title", "color", "pinned"));
        Object text = body.getValue("body");
        if (text == null || (text instanceof String t && t.isBlank())) errors.add("body should not be empty");
        for (String f : List.of("body", "userId", "title", "color")) {
            if (body.containsKey(f) && !(body.getValue(f) instanceof String)) errors.add(f + " must be a string");
        }
        if (body.containsKey("pinned") && !(body.getValue("pinned") instanceof Boolean)) {
            errors.add("pinned must be a boolean value");
        }
        return errors;
    }

    private static List<String> unknownProperties(JsonObject body, Set<String> known) {
        List<String> errors = new ArrayList<>();
        for (String key : body.fieldNames()) {
            if (!known.contains(key)) errors.add("property " + key + " should not exist");
        }
        return errors;
    }

    /** TagsDTO: {@code tags} is required, an array of strings. */
    static List<String> validateTags(JsonObject body) {
        List<String> errors = new ArrayList<>();
        for (String key : body.fieldNames()) {
            if (!key.equals("tags")) errors.add("property " + key + " should not exist");
        }
        if (!body.containsKey("tags") || body.getValue("tags") == null) {
            errors.add("tags should not be empty");
            errors.add("tags must be an array");
            return errors;
        }
        errors.addAll(validateTagArray(body.getValue("tags")));
        return errors;
    }

    private static List<String> validateTagArray(Object tags) {
        if (!(tags instanceof JsonArray array)) {
            return List.of("tags must be an array");
        }
        for (Object t : array) {
            if (!(t instanceof String)) {
                return List.of("each value in tags must be a string");
            }
        }
        return List.of();
    }
}
