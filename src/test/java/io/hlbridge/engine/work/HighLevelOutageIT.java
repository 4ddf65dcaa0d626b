package io.hlbridge.engine.work;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A location whose HighLevel answers 503 and then drops connections (spec §5, issue #16): every
 * action is delivered once after it recovers, each customer's in the order of their events, within
 * the pacing limit, and the engine waits on its retry schedule instead of hammering HighLevel.
 */
class HighLevelOutageIT {
    private static final Logger LOG = LoggerFactory.getLogger(HighLevelOutageIT.class);
    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
    private static final int CUSTOMERS = 10;
    private static final int ORDERS = 3;

    static HighLevelHarness highLevel;
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        highLevel = new HighLevelHarness();
        Map<String, String> env = new HashMap<>(highLevel.engineEnvironment());
        env.put("ENGINE_RETRY_DELAYS", "PT1S,PT2S,PT3S");
        engine = EngineUnderTest.start(env);
    }

    @AfterAll
    static void stop() {
        engine.close();
        highLevel.close();
    }

    /** The most attempts one job can make in {@code window} on the test's schedule: one at once, then one per delay. */
    static int maxAttemptsIn(Duration window) {
        int attempts = 1;
        Duration elapsed = Duration.ZERO;
        for (int failures = 1; ; failures++) {
            elapsed = elapsed.plus(DELAYS.get(Math.min(failures, DELAYS.size()) - 1));
            if (elapsed.compareTo(window) > 0) {
                return attempts;
            }
            attempts++;
        }
    }

    @Test
    void everyActionIsDeliveredOnceAfterAnOutage_inPerCustomerOrder_withoutABusyLoop() throws Exception {
        Marketplace shop = Marketplace.create(engine, "Outage Shop");
        JsonNode integration = highLevel.connect(engine, shop.id(), shop.apiKey(), "HL Outage");
        assertThat(integration.path("status").asText()).isEqualTo("connected");
        String integrationId = integration.path("id").asText();
        for (int n = 1; n <= ORDERS; n++) {
            shop.rule("""
                    {"scope":"product","product_id":"prod-%d","trigger":"product.purchased","integration_id":"%s",
                     "action":"add_tags","tags":["order-%d"]}""".formatted(n, integrationId, n));
        }
        var proxy = highLevel.proxy();

        // HighLevel answers 503 to everything (the proxy's own stub answers again once this one is gone)
        Instant outageStart = Instant.now();
        StubMapping unavailable = proxy.stubFor(any(anyUrl()).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("{\"message\":\"Service Unavailable\"}")));
        List<String> events = new ArrayList<>();
        for (int n = 1; n <= ORDERS; n++) {
            for (int c = 1; c <= CUSTOMERS; c++) {
                String eventId = "evt_c" + c + "_o" + n;
                shop.deliver(eventId, Webhooks.order(email(c), "o-" + c + "-" + n, "prod-" + n));
                events.add(eventId);
            }
        }
        Thread.sleep(15_000);
        // then it refuses connections: each one is reset without an answer
        proxy.removeStub(unavailable);
        StubMapping refusing = proxy.stubFor(any(anyUrl()).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Thread.sleep(10_000);
        proxy.removeStub(refusing);
        Instant recovered = Instant.now();

        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode items = shop.logs("kind=action&limit=100").path("items");
            int succeeded = 0;
            for (JsonNode item : items) {
                succeeded += item.path("status").asText().equals("succeeded") ? 1 : 0;
            }
            return succeeded == CUSTOMERS * ORDERS;
        });
        Instant drained = Instant.now();

        // every action succeeded, exactly once
        for (String eventId : events) {
            shop.awaitActions(eventId, 1, status("succeeded"));
        }
        // HighLevel has exactly the expected tags
        Map<String, String> emailOfContact = new HashMap<>();
        for (int c = 1; c <= CUSTOMERS; c++) {
            var contact = highLevel.contact(email(c));
            assertThat(contact).as(email(c)).isNotNull();
            assertThat(contact.getJsonArray("tags").getList()).as(email(c)).containsExactlyInAnyOrder("order-1", "order-2", "order-3");
            emailOfContact.put(contact.getString("id"), email(c));
        }

        List<ServeEvent> exchanges = highLevel.exchanges();
        // no busy loop: while HighLevel was down the engine called it no more often than its retry schedule allows
        long duringOutage = exchanges.stream().map(e -> e.getRequest().getLoggedDate().toInstant())
                .filter(at -> !at.isBefore(outageStart) && at.isBefore(recovered)).count();
        Duration outage = Duration.between(outageStart, recovered);
        // only each customer's first job may be tried while its earlier ones are unfinished; one call per failed attempt
        int bound = CUSTOMERS * maxAttemptsIn(outage.plusSeconds(2));
        LOG.info("HighLevel outage of {}: {} calls during it (schedule allows at most {}), drained {} after recovery",
                outage, duringOutage, bound, Duration.between(recovered, drained));
        // within the pacing limit: HighLevel never had to answer 429
        assertThat(exchanges).noneMatch(e -> e.getResponse().getStatus() == 429);

        // exactly once at HighLevel too, and per customer the successful tag calls came in the order of the customer's events
        Map<String, List<String>> tagsInOrder = new LinkedHashMap<>();
        for (ServeEvent e : exchanges) {
            String url = e.getRequest().getUrl();
            if (e.getRequest().getMethod().getName().equals("POST") && url.matches(".*/contacts/[^/]+/tags.*")
                    && e.getResponse().getStatus() / 100 == 2) {
                String contactId = url.replaceAll(".*/contacts/([^/]+)/tags.*", "$1");
                JsonNode body = Json.read(e.getRequest().getBodyAsString());
                List<String> tags = new ArrayList<>();
                body.path("tags").forEach(t -> tags.add(t.asText()));
                tagsInOrder.computeIfAbsent(emailOfContact.get(contactId), k -> new ArrayList<>()).addAll(tags);
            }
        }
        for (int c = 1; c <= CUSTOMERS; c++) {
            assertThat(tagsInOrder.get(email(c))).as(email(c)).containsExactly("order-1", "order-2", "order-3");
        }

        assertThat(duringOutage).isGreaterThanOrEqualTo(CUSTOMERS).isLessThanOrEqualTo(bound);
    }

    private static String email(int c) {
        return "outage" + c + "@example.com";
    }
}
