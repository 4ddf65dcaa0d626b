package io.hlbridge.sandbox;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.hlbridge.sandbox.SandboxTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class SandboxRateLimitTest {

    private static String duplicateQuery(JsonObject t) {
        return "/contacts/search/duplicate?locationId=" + t.getString("locationId") + "&email=a%40b.example";
    }

    @Test
    void the101stRequestWithinTheWindowGets429WithRetryAfterAndHeaders() {
        try (HighLevelSandbox.Running running = HighLevelSandbox.start(0)) {
            SandboxTestClient client = new SandboxTestClient(running.baseUrl());
            JsonObject t = client.connect(null);
            for (int i = 1; i <= 100; i++) {
                HttpResponse<String> r = client.api("GET", duplicateQuery(t), t.getString("access_token"), null);
                assertThat(r.statusCode()).as("request %d", i).isEqualTo(200);
                assertThat(r.headers().firstValue("X-RateLimit-Remaining")).contains(Integer.toString(100 - i));
            }
            HttpResponse<String> limited = client.api("GET", duplicateQuery(t), t.getString("access_token"), null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited).getInteger("statusCode")).isEqualTo(429);
            assertThat(json(limited).getString("message")).isEqualTo("Too Many Requests");
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 10L);
            assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).contains("0");
            assertThat(limited.headers().firstValue("X-RateLimit-Max")).contains("100");
            assertThat(limited.headers().firstValue("X-RateLimit-Interval-Milliseconds")).contains("10000");
            assertThat(limited.headers().firstValue("X-RateLimit-Daily-Remaining")).contains("199900");
            assertThat(running.sandbox().stats().rateLimited()).isEqualTo(1);

            // another location has its own budget; token requests are never limited
            JsonObject other = client.connect(running.sandbox().locations().get(1).id());
            assertThat(client.api("GET", duplicateQuery(other), other.getString("access_token"), null).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aClientPacedAtIntervalOverMaxNeverSees429ButABurstDoes() throws InterruptedException {
        SandboxSettings settings = SandboxSettings.builder().rateLimit(5, 500).build();
        try (HighLevelSandbox.Running running = HighLevelSandbox.start(settings, 0)) {
            SandboxTestClient client = new SandboxTestClient(running.baseUrl());
            JsonObject t = client.connect(null);
            long spacingNanos = 500_000_000L / 5;
            List<Integer> statuses = new ArrayList<>();
            // Each request leaves at least interval/max after the previous answer arrived, so consecutive arrivals
            // at the server are at least that far apart whatever the transport jitter.
            for (int i = 0; i < 12; i++) {
                statuses.add(client.api("GET", duplicateQuery(t), t.getString("access_token"), null).statusCode());
                Thread.sleep(spacingNanos / 1_000_000L);
            }
            assertThat(statuses).containsOnly(200);

            Thread.sleep(550); // let the window drain
            List<Integer> burst = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                burst.add(client.api("GET", duplicateQuery(t), t.getString("access_token"), null).statusCode());
            }
            assertThat(burst.subList(0, 5)).containsOnly(200);
            assertThat(burst.subList(5, 7)).containsOnly(429);
        }
    }

    @Test
    void enforcementCanBeSwitchedOffButHeadersRemain() {
        SandboxSettings settings = SandboxSettings.builder().rateLimit(2, 60_000).rateLimitEnforced(false).build();
        try (HighLevelSandbox.Running running = HighLevelSandbox.start(settings, 0)) {
            SandboxTestClient client = new SandboxTestClient(running.baseUrl());
            JsonObject t = client.connect(null);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = client.api("GET", duplicateQuery(t), t.getString("access_token"), null);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-RateLimit-Max")).contains("2");
            }
            running.sandbox().setRateLimitEnforced(true);
            assertThat(client.api("GET", duplicateQuery(t), t.getString("access_token"), null).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void dailyBudgetIsEnforced() {
        SandboxSettings settings = SandboxSettings.builder().rateLimitDaily(3).build();
        try (HighLevelSandbox.Running running = HighLevelSandbox.start(settings, 0)) {
            SandboxTestClient client = new SandboxTestClient(running.baseUrl());
            JsonObject t = client.connect(null);
            for (int i = 0; i < 3; i++) {
                assertThat(client.api("GET", duplicateQuery(t), t.getString("access_token"), null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> r = client.api("GET", duplicateQuery(t), t.getString("access_token"), null);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("X-RateLimit-Daily-Remaining")).contains("0");
            assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        }
    }
}
