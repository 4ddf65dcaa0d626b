package io.hlbridge.engine.eventlog;

import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event log (spec §7): what is recorded, search and paging, rolling retention, and no secrets. */
class EventLogIT {
    static final int RETENTION = 40;
    static HighLevelHarness highLevel;
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        highLevel = new HighLevelHarness();
        Map<String, String> env = new java.util.HashMap<>(highLevel.engineEnvironment());
        env.put("ENGINE_LOG_RETENTION", String.valueOf(RETENTION));
        engine = EngineUnderTest.start(env);
    }

    @AfterAll
    static void stop() {
        engine.close();
        highLevel.close();
    }

    @Test
    void recordsReceiptsIncludingDuplicatesAndRejections_butNotUnauthenticatedRequests() {
        Marketplace m = Marketplace.create(engine, "Receipts");
        m.deliver("evt_a", Webhooks.order("rec@example.com", "o1", "p"));
        m.deliver("evt_a", Webhooks.order("rec@example.com", "o1", "p"));
        engine.send(Webhooks.signed(engine.baseUrl(), m.id(), m.secret(), "evt_bad",
                "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"rec@example.com\"}}"));
        String wrong = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        engine.send(Webhooks.signed(engine.baseUrl(), m.id(), wrong, "evt_forged", Webhooks.order("x@example.com", "o", "p")));
        // rejected for a NUL in a name: logged all the same, the name cleaned
        engine.send(Webhooks.signed(engine.baseUrl(), m.id(), m.secret(), "evt_nul",
                "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"rec@example.com\",\"na\\u0000me\":\"x\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> m.logs("kind=event").path("items").size() >= 4);
        JsonNode events = m.logs("kind=event").path("items");
        Set<String> seen = new HashSet<>();
        events.forEach(e -> seen.add(e.path("event_id").asText() + ":" + e.path("status").asText()));
        assertThat(seen).contains("evt_a:accepted", "evt_a:duplicate", "evt_bad:rejected", "evt_nul:rejected").doesNotContain("evt_forged:rejected");
        assertThat(m.logs("kind=event&q=evt_nul").path("items").get(0).path("message").asText()).contains("customer.na\uFFFDme");
        JsonNode rejected = m.logs("kind=event&status=rejected&q=evt_bad").path("items").get(0);
        assertThat(rejected.path("message").asText()).contains("course");
        assertThat(rejected.path("email").asText()).isEqualTo("rec@example.com");
    }

    @Test
    void searchesByEmailAndFilters_newestFirst_withAStableCursor() {
        Marketplace m = Marketplace.create(engine, "Search");
        for (int i = 0; i < 7; i++) {
            m.deliver("evt_s" + i, """
                    {"type":"course.enrolled","customer":{"email":"s%d@example.com"},"course":{"id":"c%d","name":"C"}}""".formatted(i % 2, i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> m.logs("kind=trigger").path("items").size() == 7);
        JsonNode byEmail = m.logs("q=" + URLEncoder.encode("s1@example", StandardCharsets.UTF_8)).path("items");
        assertThat(byEmail).allSatisfy(e -> assertThat(e.path("email").asText()).isEqualTo("s1@example.com"));
        assertThat(byEmail.size()).isEqualTo(6); // 3 events, each with its receipt and its trigger
        assertThat(m.logs("kind=trigger&trigger=course.enrolled&status=fired&product_id=c3").path("items")).hasSize(1);

        JsonNode page1 = m.logs("kind=trigger&limit=3");
        assertThat(page1.path("items")).hasSize(3);
        String cursor = page1.path("next_cursor").asText();
        m.deliver("evt_s_new", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"late@example.com\"},\"course\":{\"id\":\"c9\",\"name\":\"C\"}}");
        JsonNode page2 = m.logs("kind=trigger&limit=3&cursor=" + cursor);
        JsonNode page3 = m.logs("kind=trigger&limit=3&cursor=" + page2.path("next_cursor").asText());
        Set<String> ids = new HashSet<>();
        for (JsonNode p : new JsonNode[] {page1, page2, page3}) {
            p.path("items").forEach(e -> ids.add(e.path("id").asText()));
        }
        assertThat(ids).hasSize(7);
        assertThat(page3.path("next_cursor").isNull()).isTrue();
        assertThat(page1.path("items").get(0).path("created_at").asText())
                .isGreaterThanOrEqualTo(page1.path("items").get(2).path("created_at").asText());

        assertThat(m.call("GET", "/logs?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(Json.read(m.call("GET", "/logs?since=yesterday", null).body()).path("field").asText()).isEqualTo("since");
        assertThat(Json.read(m.call("GET", "/logs?cursor=bm9wZQ", null).body()).path("field").asText()).isEqualTo("cursor");
        assertThat(Json.read(m.call("GET", "/logs?status=great", null).body()).path("field").asText()).isEqualTo("status");
        assertThat(m.call("GET", "/logs/log_unknown", null).statusCode()).isEqualTo(404);
        // a NUL character cannot be searched for (PostgreSQL text never holds one): a 400, never a 5xx
        assertThat(Json.read(m.call("GET", "/logs?q=a%00b", null).body()).path("field").asText()).isEqualTo("q");
        assertThat(Json.read(m.call("GET", "/logs?trigger=a%00", null).body()).path("field").asText()).isEqualTo("trigger");
        assertThat(Json.read(m.call("GET", "/logs?product_id=a&product_id=%00", null).body()).path("field").asText()).isEqualTo("product_id");
        assertThat(Json.read(m.call("GET", "/logs/log%00x", null).body()).path("field").asText()).isEqualTo("logId");
    }

    @Test
    void keepsTheNewestEntriesPerMarketplace_andABusyOneNeverEvictsAnother() {
        Marketplace quiet = Marketplace.create(engine, "Quiet");
        Marketplace busy = Marketplace.create(engine, "Busy");
        quiet.deliver("evt_q", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"q@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
        for (int i = 0; i < 40; i++) {
            busy.deliver("evt_b" + i, "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"b" + i + "@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> busy.logs("q=evt_b39&kind=trigger").path("items").size() == 1
                && count(busy.id()) == RETENTION);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(quiet.id()) == 2);
        // a positive marker instead of a sleep: one more busy event, and wait until a pruning pass has
        // cut the busy marketplace back to RETENTION after it; that pass ran while the quiet one held its 2
        busy.deliver("evt_b40", "{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"b40@example.com\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> busy.logs("q=evt_b40&kind=trigger").path("items").size() == 1
                && count(busy.id()) == RETENTION);
        assertThat(count(quiet.id())).isEqualTo(2);
        assertThat(count(busy.id())).isEqualTo(RETENTION);
        assertThat(busy.logs("q=evt_b40&kind=trigger").path("items").size()).isEqualTo(1); // the newest stay
        assertThat(busy.logs("q=evt_b0&kind=event").path("items").size()).isZero();
    }

    @Test
    void noTokenKeyOrSecretEverReachesTheLog() {
        Marketplace m = Marketplace.create(engine, "Secrets");
        JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "Secret HL");
        m.rule("{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\"" + integration.path("id").asText()
                + "\",\"action\":\"add_tags\",\"tags\":[\"s\"]}");
        highLevel.sandbox().expireAllAccessTokens();
        m.deliver("evt_secret", Webhooks.order("secret@example.com", "os", "p"));
        m.awaitActions("evt_secret", 1, status("succeeded"));
        String everything = engine.jdbi().withHandle(h -> h.createQuery("SELECT coalesce(string_agg(to_jsonb(l)::text, ' '), '') FROM event_log l")
                .mapTo(String.class).one());
        var tokens = engine.jdbi().withHandle(h -> h.createQuery("SELECT access_token_enc, refresh_token_enc FROM integration WHERE id = :id")
                .bind("id", integration.path("id").asText()).mapToMap().one());
        var box = engine.bean("secretBox", io.hlbridge.engine.crypto.SecretBox.class);
        String access = box.open((String) tokens.get("access_token_enc"), "access-token:" + integration.path("id").asText());
        String refresh = box.open((String) tokens.get("refresh_token_enc"), "refresh-token:" + integration.path("id").asText());
        assertThat(everything).isNotEmpty()
                .doesNotContain(access).doesNotContain(refresh)
                .doesNotContain(m.apiKey()).doesNotContain(m.secret()).doesNotContain(m.secret().substring(6))
                .doesNotContain(EngineUnderTest.OPERATOR_TOKEN).doesNotContain(highLevel.sandbox().settings().clientSecret());
    }

    static int count(String marketplaceId) {
        return engine.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM event_log WHERE marketplace_id = :m")
                .bind("m", marketplaceId).mapTo(Integer.class).one());
    }
}
