package io.hlbridge.engine.integrations;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the OAuth callback sends the merchant back to: the console at the origin it was opened at.
 * The browser keeps the console's session per origin (sessionStorage), and the callback is served at
 * {@code ENGINE_PUBLIC_URL}: a console opened at http://127.0.0.1:8080 while the public URL says
 * http://localhost:8080 would come back to another origin and find itself signed out.
 *
 * <p>The origin comes from the browser's own {@code Origin} header of the request that asked for the
 * authorization (a page's script cannot set it), and is kept only when that request was addressed to
 * the same origin (its Host), i.e. this engine served the console there, and the origin is either
 * the public URL's or a loopback one (localhost, 127.0.0.0/8, ::1). Any other origin is dropped (the
 * merchant comes back to the public URL's console), so the callback is never an open redirect: a
 * client holding an API key can send any {@code Origin} and {@code Host} it likes, but can only ever
 * name this engine's public origin or the merchant's own machine.
 */
public final class ConsoleReturn {
    public static final String CONSOLE_PATH = "/console/";

    private final String publicOrigin;

    public ConsoleReturn(String publicUrl) {
        this.publicOrigin = origin(publicUrl).orElseThrow(
                () -> new IllegalArgumentException("ENGINE_PUBLIC_URL is not an http(s) URL: " + publicUrl));
    }

    /**
     * The origin to remember for an authorization request, or empty (then: the public URL's console).
     * {@code requestUrl} is the absolute URL the request was addressed to (Camel's {@code CamelHttpUrl},
     * built by the HTTP server from the request's Host or HTTP/2 authority).
     */
    public Optional<String> acceptedOrigin(String originHeader, String requestUrl) {
        if (originHeader == null || requestUrl == null) {
            return Optional.empty();
        }
        String claimed = originHeader.trim().toLowerCase(Locale.ROOT);
        Optional<String> origin = origin(claimed).filter(o -> o.equals(claimed));
        if (origin.isEmpty() || !origin.equals(origin(requestUrl))) {
            return Optional.empty(); // not a bare origin, or not the one this request was addressed to
        }
        return origin.get().equals(publicOrigin) || isLoopback(URI.create(origin.get()).getHost()) ? origin : Optional.empty();
    }

    /** The console's page for an integration at {@code origin} (or the public URL's console when empty). */
    public String integrationPage(Optional<String> origin, String integrationId) {
        return console(origin) + "#integrations/" + java.net.URLEncoder.encode(integrationId, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String console(Optional<String> origin) {
        return origin.orElse(publicOrigin) + CONSOLE_PATH;
    }

    /** scheme://host[:port] of an absolute http(s) URL, lower case, without the default port; else empty. */
    static Optional<String> origin(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                return Optional.empty();
            }
            return Optional.of(scheme + "://" + authority(uri));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String authority(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (uri.getScheme().equalsIgnoreCase("http") && port == 80)
                || (uri.getScheme().equalsIgnoreCase("https") && port == 443);
        return defaultPort ? host : host + ":" + port;
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        // literal addresses only: never a name lookup
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
