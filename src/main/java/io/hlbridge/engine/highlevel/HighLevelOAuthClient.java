package io.hlbridge.engine.highlevel;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * HighLevel's token endpoint, {@code POST {HIGHLEVEL_API_URL}/oauth/token} (apps/oauth.json,
 * {@code get-access-token}): form-encoded, always {@code user_type=Location}.
 *
 * <p>Answers: a {@link TokenGrant}; {@link TokenRequestRejected} for a 4xx (the grant is dead or the
 * request is refused, retrying will not help); {@link HighLevelUnavailable} for 408, 429, 5xx, timeouts
 * and connection errors. No token ever appears in an exception message.
 */
public final class HighLevelOAuthClient {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_MESSAGE = 300;

    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http;

    public HighLevelOAuthClient(String apiUrl, String clientId, String clientSecret) {
        this.tokenEndpoint = URI.create(apiUrl.replaceAll("/+$", "") + "/oauth/token");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    public String clientId() {
        return clientId;
    }

    /** Exchanges an authorization code from the OAuth callback. */
    public TokenGrant exchangeCode(String code, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("user_type", "Location");
        form.put("redirect_uri", redirectUri);
        return post(form, code);
    }

    /** Spends a (single-use) refresh token for a new access and refresh token pair. */
    public TokenGrant refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("user_type", "Location");
        return post(form, refreshToken);
    }

    private TokenGrant post(Map<String, String> form, String secretSent) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new HighLevelUnavailable("HighLevel's token endpoint did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new HighLevelUnavailable("HighLevel's token endpoint could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HighLevelUnavailable("interrupted while calling HighLevel's token endpoint");
        }
        int status = response.statusCode();
        JsonNode json = parse(response.body());
        if (status == 200 || status == 201) {
            return grant(json);
        }
        String error = text(json, "error");
        String message = scrub(describe(json, response.body()), secretSent, clientSecret);
        if (status == 408 || status == 429 || status >= 500) {
            throw new HighLevelUnavailable("HighLevel's token endpoint answered " + status + ": " + message);
        }
        throw new TokenRequestRejected(status, error, "HighLevel's token endpoint answered " + status + ": " + message);
    }

    private static TokenGrant grant(JsonNode json) {
        String access = text(json, "access_token");
        String refresh = text(json, "refresh_token");
        if (access == null || refresh == null) {
            throw new HighLevelUnavailable("HighLevel's token endpoint answered without an access and refresh token");
        }
        long expiresIn = json.path("expires_in").asLong(86399);
        return new TokenGrant(access, refresh, Duration.ofSeconds(expiresIn > 0 ? expiresIn : 86399),
                text(json, "scope"), text(json, "userType"), text(json, "locationId"), text(json, "companyId"));
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
            return node == null ? Json.object() : node;
        } catch (IOException e) {
            return Json.object();
        }
    }

    /** HighLevel's own words: {@code error}, {@code error_description} and {@code message} (a string or a list). */
    private static String describe(JsonNode json, String raw) {
        StringBuilder out = new StringBuilder();
        for (String field : new String[] {"error", "error_description", "message"}) {
            JsonNode node = json.get(field);
            if (node == null || node.isNull()) {
                continue;
            }
            String value = node.isArray()
                    ? String.join("; ", Json.MAPPER.convertValue(node, String[].class))
                    : node.asText();
            if (!value.isBlank() && out.indexOf(value) < 0) {
                out.append(out.length() == 0 ? "" : " - ").append(value);
            }
        }
        if (out.length() == 0) {
            out.append(raw == null || raw.isBlank() ? "(no body)" : "(unreadable body)");
        }
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "…" : out.toString();
    }

    /** Removes any secret we sent from a message HighLevel wrote, in case it echoed one. */
    private static String scrub(String message, String... secrets) {
        String out = message;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, "[redacted]");
            }
        }
        return out;
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
