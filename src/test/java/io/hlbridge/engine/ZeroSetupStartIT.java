package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Webhooks;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's run command on a fresh machine: no database, no settings, only ENGINE_DATA_DIR. */
class ZeroSetupStartIT {

    @Test
    void startsOnAnEmbeddedDatabase_createsADemoMarketplace_andKeepsItsDataAcrossRestarts() throws IOException {
        Map<String, String> env = EngineUnderTest.zeroSetupEnvironment("zero-setup-");
        Path dataDir = Path.of(env.get("ENGINE_DATA_DIR"));

        String marketplaceId;
        try (EngineUnderTest engine = EngineUnderTest.startWith(env)) {
            String credentials = Files.readString(dataDir.resolve("demo-credentials.txt"));
            assertThat(credentials).contains("Console:", "/console/", "Operator token:", "Webhook secret:", "Marketplace API key:");
            marketplaceId = value(credentials, "Demo marketplace id");
            String secret = value(credentials, "Webhook secret");
            String operator = value(credentials, "Operator token");
            String apiKey = value(credentials, "Marketplace API key");

            HttpResponse<String> accepted = engine.send(Webhooks.signed(engine.baseUrl(), marketplaceId, secret, "evt_demo_1",
                    Webhooks.order("ada@example.com", "o1", "prod_1")));
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(engine.send("GET", "/api/v1/marketplaces/" + marketplaceId, operator, null).statusCode()).isEqualTo(200);
            assertThat(engine.send("GET", "/api/v1/marketplaces/" + marketplaceId, apiKey, null).statusCode()).isEqualTo(200);

            HttpResponse<String> ready = engine.send("GET", engine.managementUrl() + "/observe/health/ready", null, null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("UP");
            assertThat(engine.send("GET", engine.managementUrl() + "/observe/health/live", null, null).statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = engine.send("GET", engine.managementUrl() + "/observe/metrics", null, null);
            assertThat(metrics.body()).contains("engine_webhooks_total");
        }
        assertThat(dataDir.resolve("postgres")).isDirectory();

        try (EngineUnderTest again = EngineUnderTest.startWith(env)) {
            String operator = value(Files.readString(dataDir.resolve("demo-credentials.txt")), "Operator token");
            var list = Json.read(again.send("GET", "/api/v1/marketplaces", operator, null).body()).path("items");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).path("id").asText()).isEqualTo(marketplaceId);
            int stored = again.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM inbox_event WHERE webhook_id = 'evt_demo_1'")
                    .mapTo(Integer.class).one());
            assertThat(stored).isEqualTo(1);
        }
    }

    private static String value(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + ":\\s+(\\S+)").matcher(text);
        assertThat(m.find()).as(label).isTrue();
        return m.group(1);
    }
}
