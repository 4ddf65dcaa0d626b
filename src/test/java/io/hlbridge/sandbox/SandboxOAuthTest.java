package io.hlbridge.sandbox;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.hlbridge.sandbox.SandboxTestClient.codeGrant;
import static io.hlbridge.sandbox.SandboxTestClient.json;
import static io.hlbridge.sandbox.SandboxTestClient.refreshGrant;
import static org.assertj.core.api.Assertions.assertThat;

class SandboxOAuthTest {

    private static final String REDIRECT = "https://engine.example/oauth/highlevel/callback";
    private static HighLevelSandbox.Running running;
    private static SandboxTestClient client;
    private static HighLevelSandbox sandbox;

    @BeforeAll
    static void start() {
        running = HighLevelSandbox.start(0);
        sandbox = running.sandbox();
        client = new SandboxTestClient(running.baseUrl());
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    @Test
    void consentPageListsLocationsWithApproveButtonAndRejectsUnknownClient() {
        HttpResponse<String> page = client.send("GET", "/oauth/chooselocation?response_type=code&client_id=sandbox-client"
                + "&redirect_uri=" + SandboxTestClient.enc(REDIRECT) + "&scope=contacts.write&state=abc", Map.of(), null, false);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sandbox HighLevel — authorize sandbox-client", "id=\"approve\"",
                "Sandbox Location", sandbox.locations().get(0).id(), "action=\"chooselocation/approve\"",
                "name=\"state\" value=\"abc\"");

        HttpResponse<String> unknown = client.send("GET", "/oauth/chooselocation?response_type=code&client_id=nope"
                + "&redirect_uri=" + SandboxTestClient.enc(REDIRECT), Map.of(), null, false);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("No integration found");
    }

    @Test
    void formApprovalRedirectsWithCodeAndUnchangedState() {
        HttpResponse<String> r = client.send("POST", "/oauth/chooselocation/approve",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "response_type=code&client_id=sandbox-client&redirect_uri=" + SandboxTestClient.enc(REDIRECT + "?x=1")
                        + "&scope=contacts.write&state=" + SandboxTestClient.enc("s t/ä") + "&location_id="
                        + sandbox.locations().get(1).id(), false);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow())
                .startsWith(REDIRECT + "?x=1&code=").endsWith("&state=" + SandboxTestClient.enc("s t/ä"));
    }

    @Test
    void codeExchangeWorksOnceOnly() {
        String locationId = sandbox.locations().get(0).id();
        String code = client.authorize(locationId, REDIRECT, "state-1");

        HttpResponse<String> first = client.token(codeGrant(code, REDIRECT));
        assertThat(first.statusCode()).isEqualTo(200);
        JsonObject tokens = json(first);
        assertThat(tokens.getString("token_type")).isEqualTo("Bearer");
        assertThat(tokens.getLong("expires_in")).isEqualTo(86399L);
        assertThat(tokens.getString("userType")).isEqualTo("Location");
        assertThat(tokens.getString("locationId")).isEqualTo(locationId);
        assertThat(tokens.getString("companyId")).isEqualTo(sandbox.locations().get(0).companyId());
        assertThat(tokens.getString("scope")).isEqualTo("contacts.readonly contacts.write");
        assertThat(tokens.getString("access_token")).isNotBlank();
        assertThat(tokens.getString("refresh_token")).isNotBlank();
        assertThat(tokens.getString("userId")).isNotBlank();

        HttpResponse<String> second = client.token(codeGrant(code, REDIRECT));
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(json(second).getString("message")).startsWith("invalid_grant");
        assertThat(json(second).getInteger("statusCode")).isEqualTo(400);

        assertThat(sandbox.stats().tokenRequests("authorization_code")).isEqualTo(2);
    }

    @Test
    void codeBoundToItsRedirectUri() {
        String code = client.authorize(null, REDIRECT, "s");
        HttpResponse<String> r = client.token(codeGrant(code, "https://elsewhere.example/cb"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).getString("message")).startsWith("invalid_grant");
    }

    @Test
    void refreshRotatesAndOldRefreshTokenIsRejected() {
        JsonObject first = client.connect(sandbox.locations().get(0).id());
        HttpResponse<String> refreshed = client.token(refreshGrant(first.getString("refresh_token")));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonObject second = json(refreshed);
        assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
        assertThat(second.getString("access_token")).isNotEqualTo(first.getString("access_token"));
        assertThat(second.getString("locationId")).isEqualTo(first.getString("locationId"));

        HttpResponse<String> reuse = client.token(refreshGrant(first.getString("refresh_token")));
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(json(reuse).getString("message")).startsWith("invalid_grant");

        // the new access token works
        assertThat(client.api("GET", "/contacts/search/duplicate?locationId=" + second.getString("locationId")
                + "&email=a%40b.example", second.getString("access_token"), null).statusCode()).isEqualTo(200);
        assertThat(sandbox.stats().refreshes()).isEqualTo(2);
    }

    @Test
    void concurrentRefreshesWithTheSameTokenSucceedExactlyOnce() throws Exception {
        JsonObject t = client.connect(null);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> client.token(refreshGrant(t.getString("refresh_token"))).statusCode()));
            }
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> f : results) statuses.add(f.get());
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 400).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokedChainCannotRefresh() {
        JsonObject t = client.connect(sandbox.locations().get(0).id());
        assertThat(sandbox.revokeRefreshChain(t.getString("locationId"))).isEqualTo(1);
        HttpResponse<String> r = client.token(refreshGrant(t.getString("refresh_token")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).getString("message")).startsWith("invalid_grant");
    }

    @Test
    void badClientSecretIs401() {
        Map<String, String> form = refreshGrant("whatever");
        form.put("client_secret", "wrong");
        HttpResponse<String> r = client.token(form);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).getInteger("statusCode")).isEqualTo(401);
        assertThat(json(r).getString("error")).isEqualTo("Unauthorized");
    }

    @Test
    void missingGrantTypeIs422WithMessageArray() {
        HttpResponse<String> r = client.send("POST", "/oauth/token", Map.of("Content-Type",
                "application/x-www-form-urlencoded"), "client_id=sandbox-client&client_secret=sandbox-secret", false);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).getJsonArray("message").getList()).contains("grant_type should not be empty");
        assertThat(json(r).getString("error")).isEqualTo("Unprocessable Entity");
    }

    @Test
    void expiredAccessTokenGets401WithDocumentedBody() {
        JsonObject t = client.connect(sandbox.locations().get(0).id());
        String query = "/contacts/search/duplicate?locationId=" + t.getString("locationId") + "&email=x%40y.example";
        assertThat(client.api("GET", query, t.getString("access_token"), null).statusCode()).isEqualTo(200);

        assertThat(sandbox.expireAllAccessTokens()).isEqualTo(1);
        HttpResponse<String> r = client.api("GET", query, t.getString("access_token"), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).getString("message")).isEqualTo("Invalid token: access token is invalid");
        assertThat(json(r).getString("error")).isEqualTo("Unauthorized");
        assertThat(r.headers().firstValue("X-RateLimit-Max")).contains("100");

        HttpResponse<String> unknown = client.api("GET", query, "not-a-token", null);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown).getString("message")).isEqualTo("Invalid JWT");
    }

    @Test
    void shortLifetimeTokensExpireByThemselves() {
        try (HighLevelSandbox.Running shortLived = HighLevelSandbox.start(
                SandboxSettings.builder().accessTokenLifetimeSeconds(1).build(), 0)) {
            SandboxTestClient c = new SandboxTestClient(shortLived.baseUrl());
            JsonObject t = c.connect(null);
            assertThat(t.getLong("expires_in")).isEqualTo(1L);
            String query = "/contacts/search/duplicate?locationId=" + t.getString("locationId") + "&email=x%40y.example";
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> c.api("GET", query, t.getString("access_token"), null).statusCode() == 401);
        }
    }
}
