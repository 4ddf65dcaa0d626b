package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.triggers.TriggerCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A rule as a client sends it, checked field by field (spec §4): every problem is a 400 that names
 * its field. Tags are trimmed and de-duplicated (case-insensitively, keeping the first spelling).
 */
public record RuleInput(String scope, String productId, String trigger, String integrationId, String action,
                        List<String> tags, ObjectNode params, boolean enabled) {
    static final Set<String> SCOPES = Set.of("global", "product");
    static final int MAX_TAGS = 20;
    static final int MAX_TAG_LENGTH = 100;
    /** As in the webhooks' schema: a longer product id could never match, and its index row would not fit. */
    static final int MAX_PRODUCT_ID_LENGTH = 255;

    /** A whole rule (POST, PUT), its action one of {@code actions}. */
    public static RuleInput from(ObjectNode body, ActionCatalog actions) {
        return from(body, null, actions);
    }

    /**
     * A PATCH: fields absent from the body keep the existing rule's values (its params too, unless the
     * action changes: another action's params mean nothing to the new one).
     */
    public static RuleInput patch(Rule existing, ObjectNode body, ActionCatalog actions) {
        return from(body, existing, actions);
    }

    private static RuleInput from(ObjectNode body, Rule base, ActionCatalog actions) {
        String scope = text(body, "scope", base == null ? null : base.scope());
        String trigger = text(body, "trigger", base == null ? null : base.trigger());
        String integrationId = text(body, "integration_id", base == null ? null : base.integrationId());
        String action = text(body, "action", base == null ? null : base.action());
        String productId = body.has("product_id") ? text(body, "product_id", null) : base == null ? null : base.productId();
        if (scope == null) {
            throw ProblemException.invalidField("scope", "is required: 'global' or 'product'");
        }
        if (!SCOPES.contains(scope)) {
            throw ProblemException.invalidField("scope", "must be 'global' or 'product'");
        }
        if (scope.equals("product") && (productId == null || productId.isBlank())) {
            throw ProblemException.invalidField("product_id", "is required when scope is 'product'");
        }
        if (scope.equals("global")) {
            if (body.hasNonNull("product_id") && !body.path("product_id").asText().isBlank()) {
                throw ProblemException.invalidField("product_id", "must be absent when scope is 'global'");
            }
            productId = null;
        }
        if (productId != null && productId.codePointCount(0, productId.length()) > MAX_PRODUCT_ID_LENGTH) {
            throw ProblemException.invalidField("product_id", "must be at most 255 characters");
        }
        if (trigger == null) {
            throw ProblemException.invalidField("trigger", "is required");
        }
        if (!TriggerCatalog.isKnown(trigger)) {
            throw ProblemException.invalidField("trigger", "is not a known trigger (see GET /api/v1/triggers)");
        }
        if (integrationId == null || integrationId.isBlank()) {
            throw ProblemException.invalidField("integration_id", "is required");
        }
        if (action == null) {
            throw ProblemException.invalidField("action", "is required: one of " + String.join(", ", actions.ids()));
        }
        ActionCatalog.Declared declared = actions.find(action).orElseThrow(() -> ProblemException.invalidField("action",
                "must be one of " + String.join(", ", actions.ids()) + " (see GET /api/v1/actions)"));
        String tagUse = declared.declaration().getTags();
        List<String> tags = body.has("tags") ? tags(body.get("tags")) : base == null ? List.of() : base.tags();
        if (tagUse.equals("required") && tags.isEmpty()) {
            throw ProblemException.invalidField("tags", "is required for " + action + ": 1 to 20 tags");
        }
        if (tagUse.equals("none")) {
            if (body.has("tags") && !tags.isEmpty()) {
                throw ProblemException.invalidField("tags", action + " takes no tags; its settings are in params");
            }
            tags = List.of();
        }
        boolean sameAction = base != null && base.action().equals(action);
        JsonNode rawParams = body.has("params") ? body.get("params") : sameAction ? base.params() : null;
        ObjectNode params = declared.params().check(rawParams);
        boolean enabled = base == null || base.enabled();
        if (body.has("enabled")) {
            JsonNode e = body.get("enabled");
            if (!e.isBoolean()) {
                throw ProblemException.invalidField("enabled", "must be true or false");
            }
            enabled = e.asBoolean();
        }
        return new RuleInput(scope, productId == null ? null : productId.trim(), trigger, integrationId.trim(), action,
                tags, params, enabled);
    }

    private static String text(ObjectNode body, String field, String fallback) {
        if (!body.has(field)) {
            return fallback;
        }
        JsonNode node = body.get(field);
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ProblemException.invalidField(field, "must be a string");
        }
        return node.asText().trim();
    }

    static List<String> tags(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ProblemException.invalidField("tags", "must be an array of strings");
        }
        Map<String, String> unique = new LinkedHashMap<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!t.isTextual()) {
                throw ProblemException.invalidField("tags[" + i + "]", "must be a string");
            }
            String tag = t.asText().trim();
            if (tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
                throw ProblemException.invalidField("tags[" + i + "]", "must be 1 to 100 characters after trimming");
            }
            unique.putIfAbsent(tag.toLowerCase(Locale.ROOT), tag);
        }
        if (unique.size() > MAX_TAGS) {
            throw ProblemException.invalidField("tags", "must hold at most 20 tags");
        }
        return new ArrayList<>(unique.values());
    }
}
