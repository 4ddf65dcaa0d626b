package io.hlbridge.engine.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One HighLevel action as its file {@code routes/actions/<id>.camel.yaml} declares it (a {@code - beans:}
 * element of this type, beside the action's route {@code direct:action-<id>}): its id, display name and
 * description, whether a rule's {@code tags} are required, optional or not used, the HighLevel calls it
 * makes (in order, each {@code "METHOD /path"}, with words saying when it is made), and the JSON Schema
 * of the rule's {@code params} (YAML or JSON text). Every reader of actions (the rule validator,
 * {@code GET /api/v1/actions}, the OpenAPI document, pacing, the dry run, dispatch) reads these.
 */
public final class ActionDeclaration {
    static final Set<String> TAG_USES = Set.of("required", "optional", "none");

    private String id;
    private String displayName;
    private String description = "";
    private String tags = "none";
    private int position = 100;
    private final Map<String, String> calls = new LinkedHashMap<>();
    private final Map<String, String> when = new LinkedHashMap<>();
    private String onlyWithTags = "";
    private String params = "type: object\nadditionalProperties: false\n";
    private volatile ObjectNode paramsSchema;

    /** One HighLevel call of the action: {@code POST /contacts/{contactId}/tags}, and when it is made (or null). */
    public record Call(String key, String method, String path, String when) {
        /** True for a request to this call's path, its {@code {placeholders}} matching any one path segment. */
        public boolean matches(String requestMethod, String requestPath) {
            return method.equals(requestMethod) && requestPath != null
                    && PATH_PATTERNS.computeIfAbsent(path, Call::pathPattern).matcher(requestPath).matches();
        }

        private static Pattern pathPattern(String path) {
            return Pattern.compile(PLACEHOLDER.matcher(path).replaceAll("[^/]+").replace("?", "\\?"));
        }
    }

    // Compiled once: these are asked at every HighLevel call (HighLevelAuth.expectedCalls), where compiling
    // them each time showed in bench/deliver's profile. The paths are the declared calls' (a few dozen).
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^/}]+}");
    private static final Pattern BLANKS = Pattern.compile("\\s+");
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
    private static final Map<String, Pattern> PATH_PATTERNS = new ConcurrentHashMap<>();

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getDisplayName() {
        return displayName;
    }

    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description == null ? "" : description.strip().replaceAll("\\s+", " ");
    }

    /** {@code required}, {@code optional} or {@code none}: what the action does with a rule's tags. */
    public String getTags() {
        return tags;
    }

    public void setTags(String tags) {
        this.tags = tags;
    }

    /** Where the action is listed (lower first; then by id). */
    public int getPosition() {
        return position;
    }

    public void setPosition(int position) {
        this.position = position;
    }

    /** The calls, in the order they are made: a key naming each, then {@code "METHOD /path"}. */
    public Map<String, String> getCalls() {
        return calls;
    }

    /** Words saying when a call is made (same keys as {@link #getCalls()}); a call without is always made. */
    public Map<String, String> getWhen() {
        return when;
    }

    /** Keys of calls made only when the rule has tags (comma-separated). */
    public String getOnlyWithTags() {
        return onlyWithTags;
    }

    public void setOnlyWithTags(String onlyWithTags) {
        this.onlyWithTags = onlyWithTags == null ? "" : onlyWithTags;
    }

    /** The params JSON Schema as written in the file (YAML, or JSON, which is YAML too). */
    public String getParams() {
        return params;
    }

    public void setParams(String params) {
        this.params = params;
        this.paramsSchema = null;
    }

    /**
     * The params JSON Schema as a JSON object. Camel reads {@code {{…}}} in a route file as its own
     * property placeholders (twice, so no escape survives), so a template in the file (a default) writes
     * its placeholders {@code [[product.name]]}: they read {@code {{product.name}}} here.
     */
    public ObjectNode paramsSchema() {
        ObjectNode schema = paramsSchema;
        if (schema == null) {
            String text = params.replaceAll("\\[\\[\\s*([a-z_]+(\\.[a-z_]+)*)\\s*]]", "{{$1}}");
            Object loaded = new Load(LoadSettings.builder().build()).loadFromString(text);
            JsonNode node = Json.MAPPER.valueToTree(loaded);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalStateException("action " + id + ": params must be a JSON Schema object");
            }
            paramsSchema = schema = object;
        }
        return schema;
    }

    public List<Call> callList() {
        List<Call> out = new ArrayList<>();
        calls.forEach((key, text) -> {
            String[] parts = BLANKS.split(text.trim(), 2);
            if (parts.length != 2) {
                throw new IllegalStateException("action " + id + ": call '" + key + "' must read 'METHOD /path', reads '" + text + "'");
            }
            out.add(new Call(key, parts[0], parts[1], when.get(key)));
        });
        return out;
    }

    /**
     * How many calls an attempt makes from the one it is about to send ({@code method path}) on: that call
     * and every declared call after it, less those made only with tags when the rule has none. A request
     * matching no declared call counts as one.
     */
    public int callsFrom(String method, String path, boolean ruleHasTags) {
        List<Call> all = callList();
        Set<String> tagOnly = Set.of(COMMA.split(onlyWithTags));
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).matches(method, path)) {
                int n = 0;
                for (Call c : all.subList(i, all.size())) {
                    n += ruleHasTags || !tagOnly.contains(c.key()) ? 1 : 0;
                }
                return Math.max(1, n);
            }
        }
        return 1;
    }

    /** Checks the declaration itself (at start): a bad file fails the engine's start, naming it. */
    void check() {
        if (id == null || !id.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalStateException("an action declaration has no valid id (lower-case letters, digits, _): " + id);
        }
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalStateException("action " + id + " has no displayName");
        }
        if (!TAG_USES.contains(tags)) {
            throw new IllegalStateException("action " + id + ": tags must be required, optional or none, is " + tags);
        }
        callList();
        if (!"object".equals(paramsSchema().path("type").asText())) {
            throw new IllegalStateException("action " + id + ": its params schema must be of type object");
        }
    }

    @Override
    public String toString() {
        return "action " + id;
    }
}
