package io.hlbridge.engine.actions;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The catalog of the real route files ({@code routes/actions/*.camel.yaml}), loaded by Camel's YAML DSL
 * into a context that is never started: for tests of what reads the declarations, without an engine.
 */
public final class DeclaredActions {
    private static volatile ActionCatalog catalog;

    private DeclaredActions() {
    }

    public static ActionCatalog catalog() {
        if (catalog == null) {
            synchronized (DeclaredActions.class) {
                if (catalog == null) {
                    try {
                        CamelContext context = new DefaultCamelContext();
                        java.util.List<org.apache.camel.spi.Resource> files = new java.util.ArrayList<>();
                        try (var paths = java.nio.file.Files.list(java.nio.file.Path.of("routes/actions"))) {
                            for (var f : paths.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                                files.add(ResourceHelper.resolveResource(context, "file:" + f));
                            }
                        }
                        PluginHelper.getRoutesLoader(context).loadRoutes(files.toArray(new org.apache.camel.spi.Resource[0]));
                        catalog = new ActionCatalog(() -> context.getRegistry().findByType(ActionDeclaration.class),
                                id -> ((ModelCamelContext) context).getRouteDefinition(id) != null);
                        catalog.list();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot load routes/actions/*.camel.yaml", e);
                    }
                }
            }
        }
        return catalog;
    }
}
