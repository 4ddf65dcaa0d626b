package io.hlbridge.engine.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.Locale;
import org.apache.camel.CamelContext;

/**
 * Form-encoded deliveries of store platforms (ThriveCart, WooCommerce's ping) reach the source intake
 * as the bytes sent. Left alone, Vert.x would decode them into fields (and refuse a form of more than
 * 256 fields or a value over 8 KiB, before the source's key was even checked: a ThriveCart order with
 * a few bumps on payment plans has that many), and the raw body would be gone. So, before any other
 * handler, such a request's Content-Type is set aside in {@link #FORM_CONTENT_TYPE} and the body is
 * read as plain bytes; the intake puts the Content-Type back.
 */
public final class RawFormBodies {
    public static final String FORM_CONTENT_TYPE = "X-Engine-Form-Content-Type";

    private RawFormBodies() {
    }

    public static void install(CamelContext context, int httpPort) {
        Router router = HttpFallbacks.rootRouter(context, httpPort);
        router.route("/sources/*").order(-1000).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            request.headers().remove(FORM_CONTENT_TYPE); // only this handler may say so
            String contentType = request.getHeader("Content-Type");
            if (contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                request.headers().set(FORM_CONTENT_TYPE, contentType);
                request.headers().set("Content-Type", "application/octet-stream");
            }
            ctx.next();
        });
    }
}
