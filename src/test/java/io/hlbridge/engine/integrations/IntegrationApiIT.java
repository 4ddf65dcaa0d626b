package io.hlbridge.engine.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.hlbridge.engine.support.EngineUnderTest.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.highlevel.OAuthTokenContract;
import io.hlbridge.engine.support.EngineUnderTest;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The integrations API and the OAuth callback against a real engine and PostgreSQL, with WireMock
 * standing in for HighLevel's token endpoint. Every token request the engine sends is checked against
 * HighLevel's OpenAPI file, and no token may show up in any answer, log line or database text.
 */
class IntegrationApiIT {
    static final String AUTHORIZE = "https://marketplace.example.test/v2/oauth/chooselocation";
    static WireMockServer highLevel;
    static EngineUnderTest engine;
    static final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    static final List<String> tokensIssued = Collections.synchronizedList(new ArrayList<>());
    static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    static int counter;

    @BeforeAll
    static void start() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        highLevel = new WireMockServer(options().dynamicPort());
        highLevel.start();
        // Anything not stubbed below is a dead grant, as HighLevel answers a spent refresh token.
        highLevel.stubFor(post(urlEqualTo("/oauth/token")).atPriority(10).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant: refresh token is invalid\"}")));
        engine = EngineUnderTest.start(Map.of(
                "HIGHLEVEL_API_URL", highLevel.baseUrl(),
                "HIGHLEVEL_AUTHORIZE_URL", AUTHORIZE,
                "HIGHLEVEL_CLIENT_ID", "test-client-id",
                "HIGHLEVEL_CLIENT_SECRET", "test-client-secret"));
    }

    @AfterAll
    static void stop() {
        try {
            // every request the engine sent to the token endpoint keeps HighLevel's contract
            List<ServeEvent> sent = highLevel.getAllServeEvents();
            assertThat(sent).isNotEmpty();
            for (ServeEvent event : sent) {
                if (event.getRequest().getUrl().startsWith("/locations/")) {
                    continue; // the location's name, asked after connecting (not stubbed here: it stays unknown)
                }
                assertThat(event.getRequest().getUrl()).isEqualTo("/oauth/token");
                var report = OAuthTokenContract.validateTokenRequest(event.getRequest().contentTypeHeader().mimeTypePart(),
                        event.getRequest().getBodyAsString());
                assertThat(report.getMessages()).as(event.getRequest().getBodyAsString()).isEmpty();
            }
            // and no token ever left the engine in clear
            String rows = engine.jdbi().withHandle(h -> String.join("\n",
                    h.createQuery("SELECT t::text FROM integration t").mapTo(String.class).list()));
            List<String> logLines = logs.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
            assertThat(tokensIssued).isNotEmpty();
            for (String token : tokensIssued) {
                assertThat(rows).doesNotContain(token);
                assertThat(answers).noneMatch(a -> a.contains(token));
                assertThat(logLines).noneMatch(l -> l.contains(token));
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            engine.close();
            highLevel.stop();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    static HttpResponse<String> send(String method, String path, String bearer, String json) {
        HttpResponse<String> r = engine.send(method, path, bearer, json);
        answers.add(r.headers().map() + "\n" + r.body());
        return r;
    }

    static JsonNode marketplace(String name) {
        HttpResponse<String> r = send("POST", "/api/v1/marketplaces", OPERATOR_TOKEN, "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.read(r.body());
    }

    static String integrations(JsonNode marketplace) {
        return "/api/v1/marketplaces/" + marketplace.path("id").asText() + "/integrations";
    }

    static JsonNode createIntegration(JsonNode marketplace, String name) {
        HttpResponse<String> r = send("POST", integrations(marketplace), marketplace.path("api_key").asText(),
                "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.read(r.body());
    }

    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    static String stateOf(JsonNode withAuthorizeUrl) {
        return query(withAuthorizeUrl.path("authorize_url").asText()).get("state");
    }

    static synchronized String unique(String prefix) {
        return prefix + "-" + (++counter) + "-" + System.nanoTime();
    }

    /** Stubs a code exchange; returns the tokens it grants [access, refresh]. */
    static String[] stubCode(String code, String locationId) {
        String access = unique("at-code"), refresh = unique("rt-code");
        tokensIssued.add(access);
        tokensIssued.add(refresh);
        highLevel.stubFor(post(urlEqualTo("/oauth/token")).atPriority(1)
                .withRequestBody(containing("grant_type=authorization_code"))
                .withRequestBody(containing("code=" + code + "&"))
                .willReturn(grant(access, refresh, locationId)));
        return new String[] {access, refresh};
    }

    static String[] stubRefresh(String refreshToken, String locationId) {
        String access = unique("at-refresh"), refresh = unique("rt-refresh");
        tokensIssued.add(access);
        tokensIssued.add(refresh);
        highLevel.stubFor(post(urlEqualTo("/oauth/token")).atPriority(1)
                .withRequestBody(containing("grant_type=refresh_token"))
                .withRequestBody(containing("refresh_token=" + refreshToken + "&"))
                .willReturn(grant(access, refresh, locationId)));
        return new String[] {access, refresh};
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder grant(String access, String refresh, String locationId) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"access_token":"%s","token_type":"Bearer","expires_in":86399,"refresh_token":"%s",
                 "scope":"contacts.readonly contacts.write","userType":"Location","locationId":"%s",
                 "companyId":"cmp_1","userId":"usr_1"}""".formatted(access, refresh, locationId));
    }

    static HttpResponse<String> callback(String code, String state) {
        return send("GET", "/oauth/highlevel/callback?code=" + code + "&state=" + state, null, null);
    }

    /** Creates and connects an integration; returns {integration json, access, refresh}. */
    static Object[] connected(JsonNode marketplace, String name, String locationId) {
        JsonNode created = createIntegration(marketplace, name);
        String code = unique("code");
        String[] tokens = stubCode(code, locationId);
        HttpResponse<String> r = callback(code, stateOf(created));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new Object[] {created, tokens[0], tokens[1]};
    }

    static JsonNode get(JsonNode marketplace, String integrationId) {
        HttpResponse<String> r = send("GET", integrations(marketplace) + "/" + integrationId,
                marketplace.path("api_key").asText(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.read(r.body());
    }

    static String row(String integrationId) {
        return engine.jdbi().withHandle(h -> h.createQuery("SELECT t::text FROM integration t WHERE id = :id")
                .bind("id", integrationId).mapTo(String.class).one());
    }

    // ---- connect ------------------------------------------------------------------------------

    @Test
    void connectingWithOAuthStoresTheTokensEncryptedAndTheStateWorksOnce() {
        JsonNode m = marketplace("Connect Shop");
        JsonNode created = createIntegration(m, "Main HighLevel");
        assertThat(created.path("id").asText()).startsWith("int_");
        assertThat(created.path("provider").asText()).isEqualTo("highlevel");
        assertThat(created.path("status").asText()).isEqualTo("pending");
        assertThat(created.path("created_at").asText()).isNotBlank();

        String url = created.path("authorize_url").asText();
        assertThat(url).startsWith(AUTHORIZE + "?response_type=code&client_id=test-client-id&redirect_uri=")
                .contains("&scope=contacts.readonly%20contacts.write%20opportunities.readonly%20opportunities.write"
                        + "%20workflows.readonly%20locations%2FcustomFields.readonly%20locations.readonly&state=");
        Map<String, String> q = query(url);
        assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "test-client-id")
                .containsEntry("redirect_uri", "http://localhost:" + engine.environment().get("ENGINE_HTTP_PORT")
                        + "/oauth/highlevel/callback")
                .containsEntry("scope", AuthorizeUrls.SCOPES);
        assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(32);

        String code = unique("code");
        String[] tokens = stubCode(code, "loc_main");
        HttpResponse<String> page = callback(code, q.get("state"));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("HighLevel connected — Main HighLevel (location loc_main)").contains("/console/");

        String id = created.path("id").asText();
        JsonNode view = get(m, id);
        assertThat(view.path("status").asText()).isEqualTo("connected");
        assertThat(view.path("location_id").asText()).isEqualTo("loc_main");
        assertThat(view.path("company_id").asText()).isEqualTo("cmp_1");
        assertThat(view.path("scopes").asText()).isEqualTo("contacts.readonly contacts.write");
        assertThat(view.path("token_expires_at").asText()).isNotBlank();
        assertThat(view.path("connected_at").asText()).isNotBlank();
        assertThat(view.toString()).doesNotContain(tokens[0]).doesNotContain(tokens[1]);

        String stored = row(id);
        assertThat(stored).doesNotContain(tokens[0]).doesNotContain(tokens[1]).contains("v1:");
        // the engine itself reads them back
        assertThat(engine.bean("highLevelTokens", io.hlbridge.engine.highlevel.HighLevelTokens.class).accessToken(id))
                .isEqualTo(tokens[0]);
        // the exchange sent what HighLevel expects
        highLevel.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(containing("grant_type=authorization_code"))
                .withRequestBody(containing("code=" + code + "&"))
                .withRequestBody(containing("client_id=test-client-id"))
                .withRequestBody(containing("client_secret=test-client-secret"))
                .withRequestBody(containing("user_type=Location"))
                .withRequestBody(containing("redirect_uri=" + java.net.URLEncoder.encode(q.get("redirect_uri"), StandardCharsets.UTF_8))));

        // the same state again: 400, and nothing changes (not even a second code exchange)
        HttpResponse<String> again = callback(code, q.get("state"));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.read(again.body()).path("field").asText()).isEqualTo("state");
        assertThat(row(id)).isEqualTo(stored);
        highLevel.verify(1, postRequestedFor(urlEqualTo("/oauth/token")).withRequestBody(containing("code=" + code + "&")));
    }

    @Test
    void twoCallbacksRacingWithOneStateConnectOnce() throws Exception {
        JsonNode m = marketplace("Race Shop");
        JsonNode created = createIntegration(m, "Raced");
        String code = unique("code");
        stubCode(code, "loc_race");
        String state = stateOf(created);
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = threads.submit(() -> callback(code, state).statusCode());
            var second = threads.submit(() -> callback(code, state).statusCode());
            assertThat(List.of(first.get(), second.get())).containsExactlyInAnyOrder(200, 400);
        } finally {
            threads.shutdownNow();
        }
        highLevel.verify(1, postRequestedFor(urlEqualTo("/oauth/token")).withRequestBody(containing("code=" + code + "&")));
        assertThat(get(m, created.path("id").asText()).path("status").asText()).isEqualTo("connected");
    }

    @Test
    void anUnknownOrExpiredStateIs400AndChangesNothing() {
        JsonNode m = marketplace("Expired Shop");
        JsonNode created = createIntegration(m, "Late");
        String id = created.path("id").asText();
        String code = unique("code");
        stubCode(code, "loc_late");

        assertThat(callback(code, "not-a-state-we-issued").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/oauth/highlevel/callback?code=" + code, null, null).statusCode()).isEqualTo(400);

        engine.jdbi().useHandle(h -> h.execute(
                "UPDATE oauth_state SET expires_at = now() - interval '1 second' WHERE integration_id = ?", id));
        String before = row(id);
        HttpResponse<String> r = callback(code, stateOf(created));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.read(r.body()).path("detail").asText()).contains("expired");
        assertThat(row(id)).isEqualTo(before);
        assertThat(get(m, id).path("status").asText()).isEqualTo("pending");
        highLevel.verify(0, postRequestedFor(urlEqualTo("/oauth/token")).withRequestBody(containing("code=" + code + "&")));
    }

    @Test
    void aStateConnectsOnlyTheIntegrationItWasIssuedFor() {
        JsonNode m = marketplace("Two Shop");
        JsonNode a = createIntegration(m, "A");
        JsonNode b = createIntegration(m, "B");
        String code = unique("code");
        stubCode(code, "loc_a");
        assertThat(callback(code, stateOf(a)).statusCode()).isEqualTo(200);
        assertThat(get(m, a.path("id").asText()).path("status").asText()).isEqualTo("connected");
        assertThat(get(m, b.path("id").asText()).path("status").asText()).isEqualTo("pending");
        assertThat(get(m, b.path("id").asText()).path("location_id").isNull()).isTrue();
    }

    @Test
    void aCodeHighLevelRefusesIs400AndLeavesTheStateUnused() {
        JsonNode m = marketplace("Bad Code Shop");
        JsonNode created = createIntegration(m, "Bad code");
        String id = created.path("id").asText();
        String before = row(id);
        HttpResponse<String> r = callback(unique("unknown-code"), stateOf(created)); // not stubbed: invalid_grant
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.read(r.body()).path("field").asText()).isEqualTo("code");
        assertThat(row(id)).isEqualTo(before);
        // the state was not used up: the merchant's next attempt with a good code goes through
        String code = unique("code");
        stubCode(code, "loc_retry");
        assertThat(callback(code, stateOf(created)).statusCode()).isEqualTo(200);
        assertThat(get(m, id).path("status").asText()).isEqualTo("connected");
    }

    @Test
    void aRefusalFromHighLevelIsA400PageAndChangesNothing() {
        JsonNode m = marketplace("Denied Shop");
        JsonNode created = createIntegration(m, "Denied");
        HttpResponse<String> r = send("GET", "/oauth/highlevel/callback?error=access_denied&state=" + stateOf(created), null, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.body()).contains("access_denied");
        assertThat(get(m, created.path("id").asText()).path("status").asText()).isEqualTo("pending");
    }

    // ---- edit, delete, isolation --------------------------------------------------------------

    @Test
    void renamingKeepsNamesUniqueWithinTheMarketplace() {
        JsonNode m = marketplace("Rename Shop");
        JsonNode other = marketplace("Other Rename Shop");
        JsonNode one = createIntegration(m, "One");
        createIntegration(m, "Two");
        createIntegration(other, "One"); // another marketplace may use the same name
        String key = m.path("api_key").asText();

        HttpResponse<String> dup = send("POST", integrations(m), key, "{\"name\":\"one\"}");
        assertThat(dup.statusCode()).isEqualTo(409);
        assertThat(Json.read(dup.body()).path("field").asText()).isEqualTo("name");

        String path = integrations(m) + "/" + one.path("id").asText();
        HttpResponse<String> clash = send("PATCH", path, key, "{\"name\":\"Two\"}");
        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(Json.read(clash.body()).path("field").asText()).isEqualTo("name");

        HttpResponse<String> renamed = send("PATCH", path, key, "{\"name\":\"  Uno  \"}");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(Json.read(renamed.body()).path("name").asText()).isEqualTo("Uno");
        assertThat(Json.read(send("PATCH", path, key, "{\"name\":\"\"}").body()).path("field").asText()).isEqualTo("name");
        assertThat(send("POST", integrations(m), key, "{}").statusCode()).isEqualTo(400);

        JsonNode list = Json.read(send("GET", integrations(m), key, null).body());
        assertThat(list.path("items")).hasSize(2);
        assertThat(list.path("items").findValuesAsText("name")).containsExactly("Uno", "Two");
        assertThat(list.toString()).doesNotContain("authorize_url");
    }

    @Test
    void deletingRemovesTheIntegrationWithItsTokensAndStates() {
        JsonNode m = marketplace("Delete Shop");
        Object[] c = connected(m, "Doomed", "loc_doomed");
        String id = ((JsonNode) c[0]).path("id").asText();
        String path = integrations(m) + "/" + id;
        HttpResponse<String> r = send("DELETE", path, m.path("api_key").asText(), null);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(send("GET", path, m.path("api_key").asText(), null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", path, m.path("api_key").asText(), null).statusCode()).isEqualTo(404);
        int left = engine.jdbi().withHandle(h -> h.createQuery(
                "SELECT (SELECT count(*) FROM integration WHERE id = :id) + (SELECT count(*) FROM oauth_state WHERE integration_id = :id)")
                .bind("id", id).mapTo(Integer.class).one());
        assertThat(left).isZero();
    }

    @Test
    void anotherMarketplacesIntegrationIsNotFound_andItsKeyIsForbidden() {
        JsonNode a = marketplace("Iso A");
        JsonNode b = marketplace("Iso B");
        JsonNode ofB = createIntegration(b, "B's");
        String idB = ofB.path("id").asText();
        String keyA = a.path("api_key").asText();
        // through A's own marketplace path: not found (operator or A's key alike)
        for (String bearer : new String[] {keyA, OPERATOR_TOKEN}) {
            String path = integrations(a) + "/" + idB;
            assertThat(send("GET", path, bearer, null).statusCode()).isEqualTo(404);
            assertThat(send("PATCH", path, bearer, "{\"name\":\"mine\"}").statusCode()).isEqualTo(404);
            assertThat(send("POST", path + "/refresh", bearer, null).statusCode()).isEqualTo(404);
            assertThat(send("POST", path + "/connect", bearer, null).statusCode()).isEqualTo(404);
            assertThat(send("DELETE", path, bearer, null).statusCode()).isEqualTo(404);
        }
        // through B's path with A's key: forbidden
        assertThat(send("GET", integrations(b), keyA, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", integrations(b) + "/" + idB, keyA, null).statusCode()).isEqualTo(403);
        assertThat(send("POST", integrations(b), keyA, "{\"name\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(send("DELETE", integrations(b) + "/" + idB, keyA, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", integrations(b), null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/marketplaces/mkt_nope/integrations", OPERATOR_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(get(b, idB).path("name").asText()).isEqualTo("B's");
    }

    // ---- refresh and reconnect ----------------------------------------------------------------

    @Test
    void refreshingSavesTheNewPair() {
        JsonNode m = marketplace("Refresh Shop");
        Object[] c = connected(m, "Fresh", "loc_fresh");
        String id = ((JsonNode) c[0]).path("id").asText();
        String[] next = stubRefresh((String) c[2], "loc_fresh");
        String before = get(m, id).path("token_expires_at").asText();

        HttpResponse<String> r = send("POST", integrations(m) + "/" + id + "/refresh", m.path("api_key").asText(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode view = Json.read(r.body());
        assertThat(view.path("status").asText()).isEqualTo("connected");
        assertThat(view.has("authorize_url")).isFalse();
        assertThat(view.path("token_expires_at").asText()).isGreaterThanOrEqualTo(before);
        assertThat(engine.bean("highLevelTokens", io.hlbridge.engine.highlevel.HighLevelTokens.class).accessToken(id))
                .isEqualTo(next[0]);
        highLevel.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(containing("refresh_token=" + c[2] + "&")));
        assertThat(row(id)).doesNotContain(next[0]).doesNotContain(next[1]);
    }

    @Test
    void aDeadChainNeedsReconnect_andReconnectingKeepsTheId() {
        JsonNode m = marketplace("Dead Shop");
        Object[] c = connected(m, "Dead", "loc_dead");
        String id = ((JsonNode) c[0]).path("id").asText();
        String key = m.path("api_key").asText();
        // no stub for this refresh token: the token endpoint answers 400 invalid_grant
        HttpResponse<String> r = send("POST", integrations(m) + "/" + id + "/refresh", key, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode view = Json.read(r.body());
        assertThat(view.path("status").asText()).isEqualTo("needs_reconnect");
        assertThat(view.path("status_reason").asText()).contains("invalid_grant").doesNotContain((String) c[2]);
        assertThat(view.path("authorize_url").asText()).startsWith(AUTHORIZE + "?");

        // reconnect through the authorize_url the refresh answered
        String code = unique("code");
        String[] tokens = stubCode(code, "loc_dead");
        assertThat(callback(code, stateOf(view)).statusCode()).isEqualTo(200);
        JsonNode back = get(m, id);
        assertThat(back.path("id").asText()).isEqualTo(id);
        assertThat(back.path("status").asText()).isEqualTo("connected");
        assertThat(back.path("status_reason").isNull()).isTrue();
        assertThat(engine.bean("highLevelTokens", io.hlbridge.engine.highlevel.HighLevelTokens.class).accessToken(id))
                .isEqualTo(tokens[0]);

        // /connect also hands out a fresh authorize_url for the same integration
        HttpResponse<String> connect = send("POST", integrations(m) + "/" + id + "/connect", key, null);
        assertThat(connect.statusCode()).isEqualTo(200);
        assertThat(Json.read(connect.body()).path("id").asText()).isEqualTo(id);
        assertThat(stateOf(Json.read(connect.body()))).isNotEqualTo(stateOf(view));
    }

    @Test
    void refreshingAPendingIntegrationAnswersAnAuthorizeUrl() {
        JsonNode m = marketplace("Pending Shop");
        JsonNode created = createIntegration(m, "Not yet");
        HttpResponse<String> r = send("POST", integrations(m) + "/" + created.path("id").asText() + "/refresh",
                m.path("api_key").asText(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode view = Json.read(r.body());
        assertThat(view.path("status").asText()).isEqualTo("pending");
        assertThat(view.path("authorize_url").asText()).startsWith(AUTHORIZE + "?");
    }
}
