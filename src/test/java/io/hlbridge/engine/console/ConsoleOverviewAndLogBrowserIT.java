package io.hlbridge.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.HighLevelHarness;
import io.hlbridge.engine.support.Webhooks;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 13, console points 2, 3 and 9 in a real Chromium against a real engine (its built-in HighLevel
 * sandbox), each at 1280 px and 390 px: the Overview (the first tab after sign-in: counts of the last 24 h
 * and 7 days, a chart per day, the integration needing reconnecting); the log explaining itself (entries
 * grouped by store event, an event's masked payload and what it produced, an action's rule and the bodies
 * of its calls); and replay (confirmed, followed live, the original linking to its replay and no longer
 * offering it, bulk replay of the filtered failures, "Retry now"). Screenshots go to docs/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOverviewAndLogBrowserIT {
    static final String MARKETPLACE = "Log Shop";
    static ConsoleBrowser browser;
    static EngineUnderTest engine;
    static String marketplaceId;
    static String webhookSecret;
    static String apiKey;

    @BeforeAll
    static void start() throws IOException {
        browser = ConsoleBrowser.start();
        engine = browser.engine;
        JsonNode shop = browser.createMarketplace(MARKETPLACE);
        marketplaceId = shop.path("id").asText();
        webhookSecret = shop.path("webhook_secret").asText();
        apiKey = shop.path("api_key").asText();
        browser.createMarketplace("Other Shop"); // the operator then picks one (ConsoleBrowser.signIn)

        JsonNode main = api("POST", "/integrations", "{\"name\":\"Main HighLevel\"}", 201);
        HighLevelHarness.approve(engine, main.path("authorize_url").asText());
        api("POST", "/rules", "{\"scope\":\"global\",\"trigger\":\"product.purchased\",\"integration_id\":\""
                + main.path("id").asText() + "\",\"action\":\"add_tags\",\"tags\":[\"customer\"]}", 201);
        // an integration HighLevel stopped accepting (as a refused refresh token leaves it)
        JsonNode old = api("POST", "/integrations", "{\"name\":\"Old HighLevel\"}", 201);
        engine.jdbi().useHandle(h -> h.execute("UPDATE integration SET status = 'needs_reconnect', "
                + "status_reason = 'HighLevel refused the refresh token' WHERE id = ?", old.path("id").asText()));

        fault("/tags", 422, 1);
        deliver("evt_fail", Webhooks.order("grace@example.com", "o_fail", "prod_course"));
        awaitAction("evt_fail", "failed");
        // a customer field that looks like a secret: the payload shows it masked
        deliver("evt_ok", """
                {"type":"order.completed","occurred_at":"2026-11-26T10:00:00Z",
                 "customer":{"id":"cus_2","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","password":"hunter2"},
                 "order":{"id":"o_ok","total_cents":4900,"currency":"USD"},
                 "items":[{"product_id":"prod_course","product_name":"Course X","role":"primary","price_cents":4900,"quantity":1}]}""");
        awaitAction("evt_ok", "succeeded");
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void theOverviewIsTheFirstTabAndSaysWhatHappened() {
        browser.signIn(marketplaceId, MARKETPLACE);
        browser.wait.until(ExpectedConditions.attributeToBe(By.id("tab-overview"), "aria-selected", "true"));
        WebElement day = browser.visible(By.id("overview-24h"));
        assertThat(stat(day, "events")).isEqualTo("2");
        assertThat(stat(day, "succeeded")).isEqualTo("1");
        assertThat(stat(day, "failed")).isEqualTo("1");
        assertThat(stat(day, "waiting")).isEqualTo("0");
        assertThat(stat(browser.visible(By.id("overview-7d")), "events")).isEqualTo("2");
        assertThat(browser.driver.findElements(By.cssSelector("#overview-chart rect.bar-events"))).hasSize(1);
        assertThat(browser.driver.findElements(By.cssSelector("#overview-days tbody tr"))).hasSize(7);
        assertThat(browser.visible(By.id("overview-last-event")).getText()).startsWith("Last store event received:");
        WebElement attention = browser.visible(By.id("overview-attention"));
        assertThat(attention.getText()).contains("Old HighLevel", "Needs reconnecting", "HighLevel refused the refresh token")
                .doesNotContain("Main HighLevel");
        browser.shot("overview");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            assertThat(browser.visible(By.id("overview-reconnect")).isDisplayed()).isTrue();
            browser.shot("overview-390");
        });

        // a count leads to those entries; the attention card to the Integrations tab
        browser.click(By.cssSelector("#overview-24h [data-stat='failed'] a"));
        browser.wait.until(ExpectedConditions.attributeToBe(By.id("tab-logs"), "aria-selected", "true"));
        browser.waitForText(By.id("log-summary"), "1 entry shown");
        assertThat(new Select(browser.driver.findElement(By.id("log-status"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("failed");
        browser.openTab("tab-overview");
        browser.click(By.id("overview-reconnect"));
        browser.wait.until(ExpectedConditions.attributeToBe(By.id("tab-integrations"), "aria-selected", "true"));
    }

    @Test
    @Order(2)
    void theLogGroupsAnEventsEntries_andExplainsEventsAndActions() {
        browser.signIn(marketplaceId, MARKETPLACE);
        browser.openTab("tab-logs");
        WebElement head = browser.visible(By.cssSelector("#log-rows tr.group-head[data-event-id='evt_ok']"));
        assertThat(head.getText()).contains("order.completed", "evt_ok", "ada@example.com", "1 trigger", "1 action (1 succeeded)");
        // the group's entries follow its head, oldest first: the event, its trigger, the action
        List<String> kinds = browser.driver.findElements(By.cssSelector("#log-rows tr.in-group[data-event-id='evt_ok']")).stream()
                .map(r -> r.getAttribute("data-kind")).toList();
        assertThat(kinds).containsExactly("event", "trigger", "action");
        assertThat(browser.visible(By.cssSelector("#log-rows tr.group-head[data-event-id='evt_fail']")).getAttribute("class")).contains("has-failure");
        browser.shot("logs-grouped");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            browser.shot("logs-grouped-390");
        });

        // the event: its payload as stored, the secret-looking field masked, and what it produced
        head.findElement(By.cssSelector("a.event-link")).click();
        browser.waitForText(By.id("event-payload"), "ada@example.com");
        assertThat(browser.driver.findElement(By.id("event-payload")).getText()).contains("\"password\": \"***\"");
        assertThat(browser.driver.getPageSource()).doesNotContain("hunter2");
        WebElement produced = browser.visible(By.id("same-event"));
        assertThat(produced.getText()).contains("What this event produced", "product.purchased", "add_tags");
        browser.shot("log-event");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            browser.shot("log-event-390");
        });

        // the action: its rule in words, and the bodies of each HighLevel call (never a header or token)
        browser.click(By.cssSelector("#event-entries tr[data-kind='action'] a"));
        browser.waitForText(By.id("rule-link"), "Add tags (customer) when");
        assertThat(browser.driver.findElement(By.id("rule-link")).getAttribute("href")).endsWith("#global-rules");
        List<WebElement> bodies = browser.driver.findElements(By.cssSelector("#call-bodies details.call-body"));
        assertThat(bodies).hasSize(2);
        bodies.forEach(d -> d.findElement(By.tagName("summary")).click());
        assertThat(bodies.get(0).findElement(By.cssSelector("pre.request-body")).getText()).contains("\"email\": \"ada@example.com\"");
        assertThat(bodies.get(0).findElement(By.cssSelector("pre.response-body")).getText()).contains("\"contact\"");
        assertThat(bodies.get(1).findElement(By.cssSelector("pre.request-body")).getText()).contains("customer");
        assertThat(browser.driver.findElement(By.id("panel")).getText()).doesNotContainIgnoringCase("bearer");
        browser.shot("log-action");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            browser.shot("log-action-390");
        });
    }

    @Test
    @Order(3)
    void replayIsConfirmedFollowedLiveAndOffersItselfOnce_inBulkToo_andRetryNowRunsARetryingAction() {
        browser.signIn(marketplaceId, MARKETPLACE);
        String failed = awaitAction("evt_fail", "failed").path("id").asText();
        browser.driver.get(browser.base + "/console/#log/" + failed);
        browser.click(By.id("replay-entry"));
        WebElement dialog = browser.visible(By.id("confirm"));
        assertThat(dialog.getText()).contains("Replay this action?", "Add tags in Main HighLevel for grace@example.com");
        browser.shot("log-replay-confirm");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            browser.shot("log-replay-confirm-390");
        });
        browser.click(By.id("confirm-ok"));
        // the new entry opens and follows itself until it settles: nobody reloads the page
        browser.wait.until(d -> d.getCurrentUrl().contains("#log/") && !d.getCurrentUrl().endsWith(failed));
        awaitEntryStatus("succeeded");
        assertThat(browser.driver.findElement(By.id("replay-of")).getText()).isEqualTo(failed);
        // the original names its replay and no longer offers one
        browser.click(By.id("replay-of"));
        browser.visible(By.id("replayed-by"));
        assertThat(browser.driver.findElements(By.id("replay-entry"))).isEmpty();

        // bulk: two more failures, replayed from the filtered list, once each
        fault("/tags", 422, 2);
        deliver("evt_fail2", Webhooks.order("lin@example.com", "o_fail2", "prod_course"));
        awaitAction("evt_fail2", "failed");
        deliver("evt_fail3", Webhooks.order("hopper@example.com", "o_fail3", "prod_course"));
        awaitAction("evt_fail3", "failed");
        browser.openTab("tab-logs");
        new Select(browser.visible(By.id("log-status"))).selectByValue("failed");
        browser.click(By.id("log-search"));
        browser.waitForText(By.id("log-summary"), "3 entries shown");
        assertThat(browser.driver.findElements(By.cssSelector("#log-rows tr[data-status='failed'] button.replay"))).hasSize(2);
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            assertThat(browser.visible(By.id("bulk-replay")).isDisplayed()).isTrue();
            browser.shot("log-bulk-replay-390");
        });
        browser.click(By.id("bulk-replay"));
        browser.waitForText(By.id("confirm-title"), "Replay the filtered failures?");
        browser.click(By.id("confirm-ok"));
        browser.waitForText(By.id("notice"), "Replaying 2 actions");
        browser.wait.until(d -> d.findElements(By.cssSelector("#log-rows button.replay")).isEmpty());
        // each original now links to its replay instead of offering one
        assertThat(browser.driver.findElements(By.cssSelector("#log-rows tr[data-status='failed'] small.replayed a"))).hasSize(3);
        browser.shot("log-bulk-replay");
        awaitAction("evt_fail2", "succeeded");
        awaitAction("evt_fail3", "succeeded");

        // retry now: an action retrying later (its next attempt an hour away) runs at once
        fault("/contacts/upsert", 503, 1);
        deliver("evt_retry", Webhooks.order("turing@example.com", "o_retry", "prod_course"));
        String retrying = awaitAction("evt_retry", "retrying").path("id").asText();
        engine.jdbi().useHandle(h -> h.execute("UPDATE action_job SET due_at = now() + interval '1 hour' WHERE log_id = ?", retrying));
        browser.driver.get(browser.base + "/console/#log/" + retrying);
        browser.waitForText(By.id("live-status"), "refreshes itself");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertFits();
            assertThat(browser.visible(By.id("retry-entry")).isDisplayed()).isTrue();
            browser.shot("log-retry-390");
        });
        browser.shot("log-retry");
        browser.click(By.id("retry-entry"));
        awaitEntryStatus("succeeded");
        assertThat(browser.driver.findElements(By.id("retry-entry"))).isEmpty();
        assertThat(browser.driver.findElement(By.id("calls-section")).getText()).contains("503", "200");
    }

    // ---- helpers ----

    /** The open entry page reaches {@code status} by refreshing itself (it re-renders, so elements go stale meanwhile). */
    private static void awaitEntryStatus(String status) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30), Duration.ofMillis(200))
                .ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(By.id("log-entry"), "data-status", status));
    }

    /** At 390 px the page never scrolls sideways; if it does, the message names what sticks out. */
    private static void assertFits() {
        if (!browser.fitsTheWidth()) {
            Object wide = browser.driver.executeScript("""
                    return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                        && !e.closest('.table-wrap')).slice(0, 8)
                        .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');""");
            throw new AssertionError("the page is wider than 390 px; sticking out: " + wide);
        }
    }

    private static String stat(WebElement period, String name) {
        return period.findElement(By.cssSelector("[data-stat='" + name + "'] .stat-value")).getText();
    }

    private static JsonNode api(String method, String rest, String json, int expected) {
        HttpResponse<String> r = engine.send(method, "/api/v1/marketplaces/" + marketplaceId + rest, apiKey, json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        return Json.read(r.body());
    }

    private static void fault(String path, int status, int count) {
        HttpResponse<String> r = engine.send("POST", "/sandbox/highlevel/_sandbox/faults", EngineUnderTest.OPERATOR_TOKEN,
                "{\"path\":\"" + path + "\",\"status\":" + status + ",\"count\":" + count + "}");
        assertThat(r.statusCode()).isEqualTo(201);
    }

    private static void deliver(String webhookId, String body) {
        HttpResponse<String> r = engine.send(Webhooks.signed(browser.base, marketplaceId, webhookSecret, webhookId, body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    /** The newest action entry of the event once it has {@code status}. */
    private static JsonNode awaitAction(String eventId, String status) {
        Predicate<JsonNode> settled = e -> e != null && e.path("status").asText().equals(status);
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode items = api("GET", "/logs?kind=action&event_id=" + eventId, null, 200).path("items");
            last[0] = items.size() == 0 ? null : items.get(0);
            return settled.test(last[0]);
        });
        return last[0];
    }
}
