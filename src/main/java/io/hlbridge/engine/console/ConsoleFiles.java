package io.hlbridge.engine.console;

import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.ProblemException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Serves the web console (spec §8) from the jar's {@code console/} folder: {@code /console} redirects to
 * {@code /console/}, which is {@code index.html}; other names must be plain relative paths of known file
 * types (no {@code ..}, no hidden files, no directory listings), so nothing outside the folder is reachable.
 * Static files need no token; the console's scripts send the Bearer token to the API themselves.
 */
public final class ConsoleFiles {
    static final String PREFIX = "/console";
    private static final String ROOT = "console/";
    private static final Pattern SAFE_NAME = Pattern.compile("([A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.[a-z0-9]+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    /** The console's pages load only their own files and talk only to this engine. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        String path = requestPath(message);
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        if (path.equals(PREFIX)) {
            HttpReplies.clearHeaders(message);
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 308);
            message.setHeader("Location", PREFIX + "/");
            message.setBody(null);
            return;
        }
        if (!path.startsWith(PREFIX + "/")) {
            throw notFound(path);
        }
        String name = path.substring(PREFIX.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        String type = contentType(name);
        byte[] content = type == null ? null : read(name);
        if (content == null) {
            throw notFound(path);
        }
        HttpReplies.clearHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, type);
        message.setHeader("Cache-Control", "no-cache");
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        if (type.startsWith("text/html")) {
            message.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        }
        message.setBody("HEAD".equalsIgnoreCase(method) ? null : content);
    }

    /** The file type of a safe relative name, or null when the name is not one this folder may serve. */
    static String contentType(String name) {
        if (!SAFE_NAME.matcher(name).matches()) {
            return null;
        }
        return TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    }

    private byte[] read(String name) {
        byte[] cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String requestPath(Message message) {
        String uri = message.getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null) {
            uri = "";
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static ProblemException notFound(String path) {
        return ProblemException.notFound("the console has no file '" + path + "'");
    }
}
