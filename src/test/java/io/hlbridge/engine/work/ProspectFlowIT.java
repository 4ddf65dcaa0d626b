package io.hlbridge.engine.work;

import static io.hlbridge.engine.support.Marketplace.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Marketplace;
import io.hlbridge.engine.support.Webhooks;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Cart abandonment through the whole engine: a prospect fires after ENGINE_PROSPECT_DELAY unless the customer bought. */
class ProspectFlowIT {

    @Test
    void aProspectFiresAfterTheDelay_andOneWhoBoughtMeanwhileIsSuppressed() {
        try (HighLevelHarness highLevel = new HighLevelHarness()) {
            Map<String, String> env = new HashMap<>(highLevel.engineEnvironment());
            env.put("ENGINE_PROSPECT_DELAY", "PT2S");
            try (EngineUnderTest engine = EngineUnderTest.start(env)) {
                Marketplace m = Marketplace.create(engine, "Carts");
                JsonNode integration = highLevel.connect(engine, m.id(), m.apiKey(), "HL");
                m.rule("{\"scope\":\"product\",\"product_id\":\"prod_cart\",\"trigger\":\"prospect.created\",\"integration_id\":\""
                        + integration.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"abandoned-cart\"]}");
                String prospect = "{\"type\":\"prospect.created\",\"customer\":{\"email\":\"%s\"},\"prospect\":{\"id\":\"%s\"},"
                        + "\"items\":[{\"product_id\":\"prod_cart\",\"product_name\":\"Cart item\"}]}";
                m.deliver("evt_left", prospect.formatted("left@example.com", "pr_left"));
                m.deliver("evt_back", prospect.formatted("back@example.com", "pr_back"));
                // bought after leaving the cart (no occurred_at: the purchase is dated when it is accepted)
                m.deliver("evt_bought", Webhooks.order("back@example.com", "o_back", "prod_cart")
                        .replace("\"occurred_at\":\"2026-11-26T10:00:00Z\",", ""));

                JsonNode fired = m.awaitActions("evt_left", 1, status("succeeded")).get(0);
                assertThat(fired.path("trigger").asText()).isEqualTo("prospect.created");
                assertThat(highLevel.contact("left@example.com").getJsonArray("tags").getList()).containsExactly("abandoned-cart");

                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                        m.logs("kind=trigger&trigger=prospect.created&status=suppressed").path("items").size() == 1);
                JsonNode suppressed = m.logs("kind=trigger&trigger=prospect.created&status=suppressed").path("items").get(0);
                assertThat(suppressed.path("email").asText()).isEqualTo("back@example.com");
                assertThat(suppressed.path("message").asText()).contains("bought meanwhile");
                assertThat(m.logs("kind=action&q=back@example.com&trigger=prospect.created").path("items")).isEmpty();
            }
        }
    }
}
