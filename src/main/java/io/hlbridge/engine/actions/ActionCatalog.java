package io.hlbridge.engine.actions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * The actions this engine can perform: the {@link ActionDeclaration}s its route files declare
 * ({@code routes/actions/*.camel.yaml}), found in Camel's registry by type. The route files are the
 * only list; nothing else names an action. Read once, when first asked (the route files' beans are
 * bound after the engine's own), and checked then.
 */
public final class ActionCatalog {
    private final Supplier<? extends java.util.Collection<ActionDeclaration>> source;
    private final Predicate<String> routeExists;
    private volatile Map<String, Declared> byId;

    /** A declaration with its compiled params schema. */
    public record Declared(ActionDeclaration declaration, ActionParams params) {
        public String id() {
            return declaration.getId();
        }
    }

    /** {@code routeExists} answers whether a route id ({@code action-<id>}) is loaded. */
    public ActionCatalog(Supplier<? extends java.util.Collection<ActionDeclaration>> source, Predicate<String> routeExists) {
        this.source = source;
        this.routeExists = routeExists;
    }

    /** The declarations bound in this Camel context's registry, each with its route in that context. */
    public static ActionCatalog of(CamelContext context) {
        return new ActionCatalog(() -> context.getRegistry().findByType(ActionDeclaration.class),
                routeId -> context.getRoute(routeId) != null);
    }

    private Map<String, Declared> all() {
        Map<String, Declared> m = byId;
        if (m == null) {
            synchronized (this) {
                if (byId == null) {
                    Map<String, Declared> loaded = new LinkedHashMap<>();
                    source.get().stream()
                            .sorted(Comparator.comparingInt(ActionDeclaration::getPosition).thenComparing(ActionDeclaration::getId))
                            .forEach(d -> {
                                d.check();
                                if (!routeExists.test("action-" + d.getId())) {
                                    throw new IllegalStateException("action " + d.getId() + " is declared without its route "
                                            + "(id action-" + d.getId() + ", from direct:action-" + d.getId() + ") in its file");
                                }
                                if (loaded.put(d.getId(), new Declared(d, new ActionParams(d))) != null) {
                                    throw new IllegalStateException("action " + d.getId() + " is declared twice");
                                }
                            });
                    byId = loaded;
                }
                m = byId;
            }
        }
        return m;
    }

    public List<Declared> list() {
        return List.copyOf(all().values());
    }

    public List<String> ids() {
        return List.copyOf(all().keySet());
    }

    public Optional<Declared> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(all().get(id));
    }

    /** The action's declaration; an action no file declares fails, saying so (spec §5: never silently). */
    public Declared require(String id) {
        return find(id).orElseThrow(() -> new UnknownAction(id));
    }

    /**
     * {@code GET /api/v1/actions}: every action with its display name, tags use, params schema and calls,
     * and the placeholders a template ({@code x-template}) may use.
     */
    public ObjectNode view() {
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("items");
        ArrayNode placeholders = out.putArray("placeholders");
        Templates.PLACEHOLDERS.forEach(placeholders::add);
        for (Declared a : all().values()) {
            ActionDeclaration d = a.declaration();
            ObjectNode item = items.addObject();
            item.put("id", d.getId());
            item.put("display_name", d.getDisplayName());
            item.put("description", d.getDescription());
            item.put("tags", d.getTags());
            item.set("params_schema", d.paramsSchema().deepCopy());
            ArrayNode calls = item.putArray("calls");
            for (ActionDeclaration.Call c : d.callList()) {
                ObjectNode call = calls.addObject().put("method", c.method()).put("path", c.path());
                if (c.when() != null) {
                    call.put("when", c.when());
                }
            }
        }
        return out;
    }
}
