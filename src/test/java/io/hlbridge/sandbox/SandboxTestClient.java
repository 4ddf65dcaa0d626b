package io.hlbridge.sandbox;

import io.hlbridge.engine.highlevel.HighLevelContract;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real-HTTP client for the sandbox tests. Every exchange on a HighLevel API path is checked against the
 * official OpenAPI files: the request (unless the test sends a deliberately wrong one) and always the response.
 */
final class SandboxTestClient {

    static final String VERSION = "2021-07-28";

    final String baseUrl;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final HighLevelContract contract = HighLevelContract.get();

    SandboxTestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A Contacts call with a correct Version header; request and response must conform. */
    HttpResponse<String> api(String method, String pathAndQuery, String accessToken, JsonObject body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Version", VERSION);
        if (accessToken != null) headers.put("Authorization", "Bearer " + accessToken);
        return send(method, pathAndQuery, headers, body == null ? null : body.encode(), true);
    }

    /** Sends anything; {@code validateRequest=false} for deliberately wrong requests (the response is still checked). */
    HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, String body,
                              boolean validateRequest) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (body != null && !headers.containsKey("Content-Type")) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = raw(b.build());
        String path = HighLevelContract.apiPath(baseUrl, response.request().uri());
        if (HighLevelContract.covers(path)) {
            if (validateRequest) {
                contract.assertExchangeConforms(baseUrl, response, body);
            } else {
                contract.assertResponseConforms(baseUrl, response);
            }
        }
        return response;
    }

    HttpResponse<String> raw(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** POST /oauth/token, form-encoded; request and response must conform. */
    HttpResponse<String> token(Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send("POST", "/oauth/token", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Accept", "application/json"), body, true);
    }

    /** Approves non-interactively and returns the one-time code from the redirect. */
    String authorize(String locationId, String redirectUri, String state) {
        HttpResponse<String> r = send("GET", "/oauth/chooselocation/approve?response_type=code&client_id="
                + enc(SandboxSettings.DEFAULT_CLIENT_ID) + "&redirect_uri=" + enc(redirectUri)
                + "&scope=" + enc("contacts.readonly contacts.write") + "&state=" + enc(state)
                + (locationId == null ? "" : "&location_id=" + enc(locationId)), Map.of(), null, false);
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(redirectUri + "?code=").endsWith("&state=" + enc(state));
        return HighLevelContract.query(URI.create(location)).get("code").get(0);
    }

    static Map<String, String> codeGrant(String code, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", SandboxSettings.DEFAULT_CLIENT_ID);
        form.put("client_secret", SandboxSettings.DEFAULT_CLIENT_SECRET);
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("user_type", "Location");
        form.put("redirect_uri", redirectUri);
        return form;
    }

    static Map<String, String> refreshGrant(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", SandboxSettings.DEFAULT_CLIENT_ID);
        form.put("client_secret", SandboxSettings.DEFAULT_CLIENT_SECRET);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("user_type", "Location");
        return form;
    }

    /** Full connect: approve for a location and exchange the code; returns the token response. */
    JsonObject connect(String locationId) {
        String redirect = "https://engine.example/oauth/highlevel/callback";
        HttpResponse<String> r = token(codeGrant(authorize(locationId, redirect, "st-" + locationId), redirect));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
