package io.hlbridge.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.hlbridge.sandbox.SandboxTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class SandboxContactsTest {

    private static HighLevelSandbox.Running running;
    private static HighLevelSandbox sandbox;
    private static SandboxTestClient client;
    private String locationId;
    private String token;

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
    void connect() {
        sandbox.reset();
        JsonObject t = client.connect(sandbox.locations().get(0).id());
        locationId = t.getString("locationId");
        token = t.getString("access_token");
    }

    private JsonObject customer(String email) {
        return new JsonObject().put("locationId", locationId).put("email", email).put("firstName", "Ada")
                .put("lastName", "Lovelace").put("phone", "+14155550100").put("address1", "1 Main St")
                .put("city", "Springfield").put("state", "IL").put("postalCode", "62701").put("country", "US")
                .put("source", "Demo Store");
    }

    private HttpResponse<String> upsert(JsonObject body) {
        return client.api("POST", "/contacts/upsert", token, body);
    }

    @Test
    void upsertCreatesThenUpdatesByCaseInsensitiveEmail() {
        HttpResponse<String> created = upsert(customer("ada@example.com"));
        assertThat(created.statusCode()).isEqualTo(200);
        JsonObject c1 = json(created);
        assertThat(c1.getBoolean("new")).isTrue();
        assertThat(c1.getString("traceId")).isNotBlank();
        String id = c1.getJsonObject("contact").getString("id");
        assertThat(c1.getJsonObject("contact").getString("city")).isEqualTo("Springfield");

        HttpResponse<String> updated = upsert(new JsonObject().put("locationId", locationId)
                .put("email", "ADA@Example.com").put("city", "Shelbyville"));
        JsonObject c2 = json(updated);
        assertThat(c2.getBoolean("new")).isFalse();
        assertThat(c2.getJsonObject("contact").getString("id")).isEqualTo(id);
        assertThat(c2.getJsonObject("contact").getString("city")).isEqualTo("Shelbyville");
        assertThat(c2.getJsonObject("contact").getString("firstName")).isEqualTo("Ada"); // untouched
        assertThat(sandbox.contacts(locationId)).hasSize(1);
    }

    @Test
    void upsertWithTagsReplacesAllTagsAndWithoutTagsKeepsThem() {
        String id = json(upsert(customer("t@example.com").put("tags", new JsonArray(List.of("a", "b")))))
                .getJsonObject("contact").getString("id");
        upsert(new JsonObject().put("locationId", locationId).put("email", "t@example.com").put("firstName", "X"));
        assertThat(tagsOf(id)).containsExactly("a", "b");

        JsonObject replaced = json(upsert(new JsonObject().put("locationId", locationId).put("email", "t@example.com")
                .put("tags", new JsonArray(List.of("c")))));
        assertThat(replaced.getJsonObject("contact").getJsonArray("tags").getList()).containsExactly("c");
        assertThat(tagsOf(id)).containsExactly("c");
    }

    @Test
    void addThenRemoveTags() {
        String id = json(upsert(customer("tags@example.com"))).getJsonObject("contact").getString("id");
        HttpResponse<String> added = client.api("POST", "/contacts/" + id + "/tags", token,
                new JsonObject().put("tags", new JsonArray(List.of("vip", "Newsletter"))));
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(json(added).getJsonArray("tags").getList()).containsExactly("vip", "Newsletter");

        HttpResponse<String> again = client.api("POST", "/contacts/" + id + "/tags", token,
                new JsonObject().put("tags", new JsonArray(List.of("VIP", "buyer"))));
        // union, case-insensitive de-duplication keeping the first spelling
        assertThat(json(again).getJsonArray("tags").getList()).containsExactly("vip", "Newsletter", "buyer");

        HttpResponse<String> removed = client.api("DELETE", "/contacts/" + id + "/tags", token,
                new JsonObject().put("tags", new JsonArray(List.of("newsletter", "not-there"))));
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(json(removed).getJsonArray("tags").getList()).containsExactly("vip", "buyer");
        assertThat(tagsOf(id)).containsExactly("vip", "buyer");

        HttpResponse<String> get = client.api("GET", "/contacts/" + id, token, null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(json(get).getJsonObject("contact").getJsonArray("tags").getList()).containsExactly("vip", "buyer");
    }

    @Test
    void duplicateSearchFoundAndNotFound() {
        String id = json(upsert(customer("dup@example.com"))).getJsonObject("contact").getString("id");
        HttpResponse<String> found = client.api("GET", "/contacts/search/duplicate?locationId=" + locationId
                + "&email=" + SandboxTestClient.enc("DUP@example.com"), token, null);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(json(found).getJsonObject("contact").getString("id")).isEqualTo(id);

        HttpResponse<String> missing = client.api("GET", "/contacts/search/duplicate?locationId=" + locationId
                + "&email=" + SandboxTestClient.enc("nobody+x@example.com"), token, null);
        assertThat(missing.statusCode()).isEqualTo(200);
        assertThat(json(missing).containsKey("contact")).isTrue();
        assertThat(json(missing).getValue("contact")).isNull();

        HttpResponse<String> neither = client.api("GET", "/contacts/search/duplicate?locationId=" + locationId, token, null);
        assertThat(neither.statusCode()).isEqualTo(400);
        assertThat(json(neither).getString("message")).isEqualTo("Pass at least one of number, email query parameter");
    }

    @Test
    void createAndDuplicateCreate() {
        HttpResponse<String> created = client.api("POST", "/contacts/", token, customer("new@example.com"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).getJsonObject("contact").getString("email")).isEqualTo("new@example.com");

        HttpResponse<String> dup = client.api("POST", "/contacts/", token, customer("NEW@example.com"));
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(json(dup).getString("message")).isEqualTo("This location does not allow duplicated contacts.");
    }

    @Test
    void unknownContactIs400() {
        HttpResponse<String> r = client.api("GET", "/contacts/doesNotExist123", token, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).getString("message")).isEqualTo("Contact not found");
        HttpResponse<String> tags = client.api("POST", "/contacts/doesNotExist123/tags", token,
                new JsonObject().put("tags", new JsonArray(List.of("x"))));
        assertThat(tags.statusCode()).isEqualTo(400);
    }

    @Test
    void otherLocationsContactIsDenied() {
        String id = json(upsert(customer("mine@example.com"))).getJsonObject("contact").getString("id");
        JsonObject other = client.connect(sandbox.locations().get(1).id());
        String otherToken = other.getString("access_token");

        for (HttpResponse<String> r : List.of(
                client.api("GET", "/contacts/" + id, otherToken, null),
                client.api("POST", "/contacts/" + id + "/tags", otherToken,
                        new JsonObject().put("tags", new JsonArray(List.of("x")))),
                client.api("POST", "/contacts/upsert", otherToken, customer("mine@example.com")),
                client.api("GET", "/contacts/search/duplicate?locationId=" + locationId + "&email=mine%40example.com",
                        otherToken, null))) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(json(r).getString("message")).isEqualTo("The token does not have access to this location.");
        }
        assertThat(tagsOf(id)).isEmpty();
        // the other location's own upsert of the same email is a separate contact
        HttpResponse<String> own = client.api("POST", "/contacts/upsert", otherToken,
                customer("mine@example.com").put("locationId", other.getString("locationId")));
        assertThat(json(own).getBoolean("new")).isTrue();
    }

    @Test
    void missingLocationIdIs422AndUnknownPropertyIsRejected() {
        JsonObject body = customer("x@example.com");
        body.remove("locationId");
        HttpResponse<String> r = client.send("POST", "/contacts/upsert", Map.of("Authorization", "Bearer " + token,
                "Version", SandboxTestClient.VERSION), body.encode(), false);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).getJsonArray("message").getList()).contains("locationId should not be empty");
        assertThat(json(r).getString("error")).isEqualTo("Unprocessable Entity");

        HttpResponse<String> extra = client.send("POST", "/contacts/upsert", Map.of("Authorization", "Bearer " + token,
                "Version", SandboxTestClient.VERSION), customer("x@example.com").put("additionalEmails", "y").encode(), false);
        assertThat(extra.statusCode()).isEqualTo(422);
        assertThat(json(extra).getJsonArray("message").getList()).contains("property additionalEmails should not exist");
    }

    @Test
    void missingOrWrongVersionHeaderIsRejected() {
        HttpResponse<String> none = client.send("GET", "/contacts/search/duplicate?locationId=" + locationId
                + "&email=a%40b.example", Map.of("Authorization", "Bearer " + token), null, false);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).getString("message")).isEqualTo("version header was not found.");
        assertThat(none.headers().firstValue("X-RateLimit-Remaining")).isPresent();

        HttpResponse<String> wrong = client.send("GET", "/contacts/search/duplicate?locationId=" + locationId
                + "&email=a%40b.example", Map.of("Authorization", "Bearer " + token, "Version", "2020-01-01"), null, false);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).getString("message")).isEqualTo("version header is invalid");
    }

    @Test
    void everyAnswerCarriesRateLimitHeaders() {
        HttpResponse<String> ok = upsert(customer("h@example.com"));
        HttpResponse<String> bad = client.api("GET", "/contacts/nope", token, null);
        HttpResponse<String> unauth = client.api("GET", "/contacts/nope", "bogus", null);
        for (HttpResponse<String> r : List.of(ok, bad, unauth)) {
            assertThat(r.headers().map().keySet().stream().map(String::toLowerCase).toList()).contains(
                    "x-ratelimit-max", "x-ratelimit-interval-milliseconds", "x-ratelimit-remaining",
                    "x-ratelimit-limit-daily", "x-ratelimit-daily-remaining");
        }
        assertThat(ok.headers().firstValue("X-RateLimit-Max")).contains("100");
        assertThat(ok.headers().firstValue("X-RateLimit-Interval-Milliseconds")).contains("10000");
        assertThat(ok.headers().firstValue("X-RateLimit-Limit-Daily")).contains("200000");
        long remainingAfterOk = Long.parseLong(ok.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        long remainingAfterBad = Long.parseLong(bad.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertThat(remainingAfterBad).isEqualTo(remainingAfterOk - 1);
    }

    private List<Object> tagsOf(String contactId) {
        return sandbox.contacts(locationId).stream().filter(c -> c.getString("id").equals(contactId)).findFirst()
                .orElseThrow().getJsonArray("tags").getList();
    }
}
