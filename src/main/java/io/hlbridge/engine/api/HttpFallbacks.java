package io.hlbridge.engine.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers the Vert.x server gives before any route runs (no route for the path, a method the
 * path does not take, a body over the server's limit, a request it cannot parse) as
 * problem+json like every other refusal, instead of Vert.x's HTML page or an empty body. A 405
 * names the methods the path does take in {@code Allow}.
 *
 * <p>Once the engine is stopping (spec §9: {@code SIGTERM} stops accepting), every request but the
 * built-in HighLevel sandbox's is answered 503 with {@code Retry-After} here, before Camel sees it.
 * The refusal cannot come from the routes themselves: Camel stops a route's processors while its
 * HTTP consumer still takes requests (those got an empty 500), and removes the consumer before the
 * server closes (those got a 404, which a store may take as final).
 */
public final class HttpFallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFallbacks.class);

    private HttpFallbacks() {
    }

    /**
     * Installs the problem answers on the router of the public HTTP server; {@code stopping} says
     * when the engine has begun to stop.
     */
    public static void install(CamelContext context, int httpPort, BooleanSupplier stopping, String sandboxPrefix) {
        Router router = rootRouter(context, httpPort);
        router.route().order(-2000).handler(ctx -> beforeAnyRoute(ctx, stopping, sandboxPrefix));
        Router camelRoutes = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context,
                org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.getRouterNameFromPort(httpPort));
        Router vertxRouter = camelRoutes == null ? router : camelRoutes;
        // the server's body handler refuses a body it cannot decode as its Content-Type says (a form, say)
        router.errorHandler(400, ctx -> answer(ctx, 400, "Bad request",
                "the request body could not be read as its Content-Type says", "(body)"));
        router.errorHandler(404, ctx -> answer(ctx, 404, "Not found", "there is nothing at this path"));
        router.errorHandler(405, ctx -> {
            String allow = String.join(", ", allowedMethods(vertxRouter, ctx.normalizedPath()));
            if (!allow.isEmpty()) {
                ctx.response().putHeader("Allow", allow);
            } else {
                ctx.response().headers().remove("Allow");
            }
            answer(ctx, 405, "Method not allowed", allow.isEmpty() ? "this path does not take the method "
                    + ctx.request().method().name() : "this path takes " + allow);
        });
        router.errorHandler(413, ctx -> answer(ctx, 413, "Payload too large", "the request body is over the server's limit"));
        router.errorHandler(415, ctx -> answer(ctx, 415, "Unsupported media type", "the request body's type is not accepted"));
        router.errorHandler(500, ctx -> {
            LOG.error("Unexpected failure serving {} {}", ctx.request().method(), HttpReplies.withoutKeys(ctx.normalizedPath()),
                    ctx.failure());
            answer(ctx, 500, "Internal error", "the engine could not complete this request; it has been logged");
        });
    }

    /**
     * First for every request: a stopping engine refuses it (but the sandbox's); a form Content-Type on
     * a method that carries no form is dropped. Vert.x's body handler will not decode a form sent with
     * HEAD or GET, and failed such a request with a 500 when its body had not fully arrived yet (a
     * HEAD to a source's URL declaring multipart/form-data, from SourceDeliveriesFuzzIT). The type
     * describes nothing there: the routes of those methods read no body.
     */
    private static void beforeAnyRoute(RoutingContext ctx, BooleanSupplier stopping, String sandboxPrefix) {
        if (stopping.getAsBoolean() && !ctx.normalizedPath().startsWith(sandboxPrefix)) {
            ctx.response().putHeader("Retry-After", String.valueOf(HttpReplies.RETRY_AFTER_SECONDS));
            answer(ctx, 503, "Service unavailable", "the engine is shutting down; try again in "
                    + HttpReplies.RETRY_AFTER_SECONDS + " seconds", null, HttpReplies.withoutKeys(ctx.normalizedPath()));
            return;
        }
        if (!FORM_METHODS.contains(ctx.request().method()) && isForm(ctx.request().getHeader("Content-Type"))) {
            ctx.request().headers().remove("Content-Type");
        }
        ctx.next();
    }

    /** The methods Vert.x decodes a form for. */
    private static final Set<HttpMethod> FORM_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.trim().toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
    }

    /**
     * The router the server hands every request to. Camel's platform-http routes live on a router
     * mounted below it, whose error handlers Vert.x does not consult for paths no route matches.
     */
    static Router rootRouter(CamelContext context, int httpPort) {
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null) {
            MainHttpServer main = context.hasService(MainHttpServer.class);
            if (main != null) {
                try {
                    java.lang.reflect.Field field = MainHttpServer.class.getDeclaredField("server");
                    field.setAccessible(true);
                    server = (VertxPlatformHttpServer) field.get(main);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("the engine's HTTP server was not found", e);
                }
            }
        }
        if (server == null || server.getServer() == null || !(server.getServer().requestHandler() instanceof Router router)) {
            throw new IllegalStateException("the engine's HTTP router was not found");
        }
        return router;
    }

    static Set<String> allowedMethods(Router router, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            Set<HttpMethod> routeMethods = route.methods();
            if (route.getPath() == null || routeMethods == null || routeMethods.isEmpty()) {
                continue;
            }
            if (pathPattern(route.getPath()).matcher(path).matches()) {
                routeMethods.forEach(m -> methods.add(m.name()));
            }
        }
        return methods;
    }

    /** A Vert.x route path ({@code /webhooks/:marketplaceId}, {@code /console*}) as a regex over normalized paths. */
    static Pattern pathPattern(String routePath) {
        boolean prefix = routePath.endsWith("*");
        String body = prefix ? routePath.substring(0, routePath.length() - 1) : routePath;
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String segment : body.split("/", -1)) {
            boolean parameter = segment.startsWith(":") || (segment.startsWith("{") && segment.endsWith("}"));
            parts.add(parameter ? "[^/]+" : segment.isEmpty() ? "" : Pattern.quote(segment));
        }
        return Pattern.compile(String.join("/", parts) + (prefix ? ".*" : "/?"));
    }

    private static void answer(RoutingContext ctx, int status, String title, String detail) {
        answer(ctx, status, title, detail, null, null);
    }

    private static void answer(RoutingContext ctx, int status, String title, String detail, String field) {
        answer(ctx, status, title, detail, field, null);
    }

    private static void answer(RoutingContext ctx, int status, String title, String detail, String field, String instance) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ObjectNode body = Json.object();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(Json.write(body));
    }
}
