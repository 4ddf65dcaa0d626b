package io.hlbridge.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Webhooks;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real Chromium (Debian's chromium + chromedriver, never downloaded by Selenium Manager)
 * against a real engine: sign in with the operator token, pick a marketplace, connect an integration through
 * the sandbox's OAuth page, rename it, write a global and a product rule, dry-run one, send a signed store
 * event, watch the log entries succeed, search them, and replay the action a sandbox fault made fail; and
 * create a Stripe store connection (spec §3a) whose webhook URL and set-up steps are shown once.
 * The store-connection test needs the real platforms registered ({@code GET /api/v1/platforms} lists Stripe).
 * Saves a screenshot of each page into docs/screenshots/.
 */
class ConsoleBrowserIT {
    static final String MARKETPLACE = "Acme Courses";
    static final String EMAIL = "ada@example.com";
    static final String PRODUCT = "prod_course_x";

    static ConsoleBrowser browser;
    static EngineUnderTest engine;
    static ChromeDriver driver;
    static WebDriverWait wait;
    static String base;
    static String marketplaceId;
    static String webhookSecret;

    @BeforeAll
    static void start() throws IOException {
        browser = ConsoleBrowser.start();
        engine = browser.engine;
        driver = browser.driver;
        wait = browser.wait;
        base = browser.base;
        JsonNode acme = browser.createMarketplace(MARKETPLACE);
        marketplaceId = acme.path("id").asText();
        webhookSecret = acme.path("webhook_secret").asText();
        browser.createMarketplace("Other Store");
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void integrationsRulesAndLogsInTheBrowser() {
        signInAndPickTheMarketplace();
        connectAnIntegrationWithOAuthAndRenameIt();

        writeAGlobalAndAProductRule();
        sendAnOrderWhoseTagCallFailsOnce();
        watchTheLogSearchItAndReplayTheFailure();
    }

    private void signInAndPickTheMarketplace() {
        driver.get(base + "/console");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(driver.getCurrentUrl()).endsWith("/console/");
        shot("sign-in");

        // a wrong token: the API's problem detail, in words, and the field marked invalid
        type(By.id("token"), "not-a-token");
        click(By.id("sign-in-submit"));
        waitForText(By.id("sign-in-error"), "not valid");
        assertThat(driver.findElement(By.id("token")).getAttribute("aria-invalid")).isNull();

        type(By.id("token"), EngineUnderTest.OPERATOR_TOKEN);
        click(By.id("sign-in-submit"));
        WebElement picker = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("marketplace")));
        new Select(picker).selectByValue(marketplaceId);
        click(By.id("pick-submit"));
        waitForText(By.id("current-marketplace"), MARKETPLACE);
        // the Overview is the first tab after sign-in (issue 13, console point 2)
        wait.until(ExpectedConditions.attributeToBe(By.id("tab-overview"), "aria-selected", "true"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-periods")));
        openTab("tab-integrations");
        waitForText(By.id("integrations-list"), "No integration yet");
        assertThat(driver.findElement(By.id("tab-integrations")).getAttribute("aria-selected")).isEqualTo("true");
    }

    private void connectAnIntegrationWithOAuthAndRenameIt() {
        click(By.id("new-integration-button"));
        // an empty name: refused by the API, shown on the form with the field highlighted
        click(By.id("connect-oauth"));
        waitForText(By.id("new-integration-error"), "name");
        assertThat(driver.findElement(By.id("integration-name")).getAttribute("aria-invalid")).isEqualTo("true");

        type(By.id("integration-name"), "Main HighLevel");
        click(By.id("connect-oauth"));
        wait.until(ExpectedConditions.urlContains("/sandbox/highlevel/oauth/chooselocation"));
        click(By.id("approve"));
        wait.until(ExpectedConditions.titleContains("HighLevel connected"));
        // back on the Integrations tab (#integrations/{id}), the new integration's row marked
        click(By.linkText("Back to the console"));
        wait.until(ExpectedConditions.attributeToBe(By.id("tab-integrations"), "aria-selected", "true"));
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(integrationRow("Main HighLevel")));
        assertThat(row.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Connected");
        assertThat(row.findElement(By.cssSelector(".badge")).getAttribute("data-status")).isEqualTo("connected");

        click(By.cssSelector("tr[data-name='Main HighLevel'] button.edit"));
        type(By.cssSelector(".rename-form input"), "Main HighLevel (Acme)");
        click(By.cssSelector(".rename-form button.save"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(integrationRow("Main HighLevel (Acme)")));
        waitForText(By.id("notice"), "Renamed");

        click(By.cssSelector("tr[data-name='Main HighLevel (Acme)'] button.refresh"));
        waitForText(By.id("refresh-result"), "token refreshed");
        shot("integrations");
    }

    private void writeAGlobalAndAProductRule() {
        openTab("tab-global-rules");
        click(By.id("new-rule-button"));
        chooseRule("add_tags", "product.purchased");
        // add_tags without tags: the API names the field, the form highlights it
        click(By.id("save-rule"));
        waitForText(By.id("rule-error"), "tags");
        assertThat(driver.findElement(By.id("rule-tags")).getAttribute("aria-invalid")).isEqualTo("true");
        // another action: the error answered for the old one goes
        new Select(driver.findElement(By.id("rule-action"))).selectByValue("create_contact");
        assertThat(driver.findElement(By.id("rule-error")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("rule-tags")).getAttribute("aria-invalid")).isNull();
        new Select(driver.findElement(By.id("rule-action"))).selectByValue("add_tags");
        type(By.id("rule-tags"), "customer, buyer");
        click(By.id("save-rule"));
        WebElement rule = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rules-table tr[data-trigger='product.purchased']")));
        assertThat(rule.getText()).contains("Add tags", "customer", "buyer", "Main HighLevel (Acme)");

        rule.findElement(By.cssSelector("button.test")).click();
        click(By.id("run-test"));
        waitForText(By.id("test-calls"), "/contacts/upsert");
        assertThat(driver.findElement(By.id("test-calls")).getText()).contains("/contacts/{contactId}/tags");
        assertThat(driver.findElement(By.id("test-triggers")).getText()).contains("product.purchased");
        shot("global-rules");

        openTab("tab-product-rules");
        click(By.id("new-rule-button"));
        chooseRule("create_contact", "product.purchased");
        type(By.id("rule-product"), PRODUCT);
        type(By.id("rule-tags"), "course-x\nstudent");
        click(By.id("save-rule"));
        By productRule = By.cssSelector("#rules-table tr[data-product='" + PRODUCT + "']");
        WebElement saved = wait.until(ExpectedConditions.visibilityOfElementLocated(productRule));
        assertThat(saved.getText()).contains("Create or update contact", PRODUCT, "course-x", "student");

        // disable, then enable again (PATCH {enabled})
        saved.findElement(By.cssSelector("input.toggle")).click();
        waitForText(By.id("notice"), "Rule disabled");
        assertThat(driver.findElement(productRule).findElement(By.cssSelector("label.switch")).getText()).isEqualTo("off");
        driver.findElement(productRule).findElement(By.cssSelector("input.toggle")).click();
        waitForText(By.id("notice"), "Rule enabled");
        assertThat(driver.findElement(productRule).findElement(By.cssSelector("label.switch")).getText()).isEqualTo("on");
        shot("product-rules");
    }

    private void chooseRule(String action, String trigger) {
        WebElement integration = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rule-integration")));
        new Select(integration).selectByIndex(1);
        new Select(driver.findElement(By.id("rule-action"))).selectByValue(action);
        new Select(driver.findElement(By.id("rule-category"))).selectByValue("ecommerce");
        new Select(driver.findElement(By.id("rule-trigger"))).selectByValue(trigger);
    }

    private void sendAnOrderWhoseTagCallFailsOnce() {
        HttpResponse<String> fault = engine.send("POST", "/sandbox/highlevel/_sandbox/faults", EngineUnderTest.OPERATOR_TOKEN,
                "{\"path\":\"/tags\",\"status\":422,\"count\":1}");
        assertThat(fault.statusCode()).isEqualTo(201);
        HttpResponse<String> accepted = engine.send(Webhooks.signed(base, marketplaceId, webhookSecret, "msg_console_1",
                Webhooks.order(EMAIL, "ord_console_1", PRODUCT)));
        assertThat(accepted.statusCode()).isEqualTo(202);
    }

    private void watchTheLogSearchItAndReplayTheFailure() {
        openTab("tab-logs");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("log-table")));
        // poll the page: both actions settle (one succeeds, the one that met the 422 fails at once)
        try {
            new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(500)).until(d -> {
                click(By.id("log-search"));
                return rows("action", "succeeded").size() == 1 && rows("action", "failed").size() == 1;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the actions did not settle (one succeeded, one failed) within 30 s; the log shows:\n"
                    + driver.findElement(By.id("log-rows")).getText(), e);
        }
        assertThat(rows("event", "accepted")).hasSize(1);
        assertThat(rows("trigger", "fired")).hasSize(1);
        shot("logs");

        // search by the customer's email, then narrow to failed actions
        type(By.id("log-q"), EMAIL);
        new Select(driver.findElement(By.id("log-status"))).selectByValue("failed");
        click(By.id("log-search"));
        waitForText(By.id("log-summary"), "1 entry shown");
        assertThat(driver.findElement(By.id("log-rows")).getText()).contains(EMAIL);
        WebElement failed = rows("action", "failed").get(0);
        assertThat(failed.findElements(By.cssSelector("button.replay"))).hasSize(1);

        failed.findElement(By.cssSelector("a.details")).click();
        waitForText(By.id("log-calls"), "422");
        assertThat(driver.findElement(By.id("log-calls")).getText()).contains("POST", "/tags");
        shot("log-detail");

        String original = driver.getCurrentUrl();
        click(By.id("replay-entry"));
        click(By.id("confirm-ok")); // replay is confirmed first (issue 13, console point 9)
        wait.until(d -> !d.getCurrentUrl().equals(original));
        new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(500)).until(d -> {
            d.navigate().refresh();
            return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("log-entry")))
                    .getAttribute("data-status").equals("succeeded");
        });
        assertThat(driver.findElement(By.id("log-entry")).getText()).contains("Replay of");

        click(By.id("back-to-logs"));
        click(By.id("log-reset"));
        new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(200))
                .until(d -> rows("action", "succeeded").size() == 2);
    }

    @Test
    void aStoreConnectionInTheBrowser() {
        String secret = "whsec_console_typed_secret_4f9a2c";
        // independent of the other test's order: a fresh sign-in, and none left behind
        driver.get(base + "/console/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear(); location.hash = '';");
        driver.navigate().refresh();
        try {
            type(By.id("token"), EngineUnderTest.OPERATOR_TOKEN);
            click(By.id("sign-in-submit"));
            new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("marketplace")))).selectByValue(marketplaceId);
            click(By.id("pick-submit"));
            waitForText(By.id("current-marketplace"), MARKETPLACE);
            openTab("tab-sources");
            waitForText(By.id("sources-list"), "No store connection yet");

            click(By.id("new-source-button"));
            Select platform = new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("source-platform"))));
            assertThat(platform.getOptions()).extracting(WebElement::getText).contains("Stripe");
            assertThat(driver.findElement(By.id("source-secret")).isDisplayed()).isFalse();
            platform.selectByValue("stripe");
            type(By.id("source-name"), "Main Stripe");
            type(By.id("source-secret"), secret);
            assertThat(driver.findElement(By.id("source-secret")).getAttribute("type")).isEqualTo("password");
            click(By.id("create-source"));

            // the webhook URL, shown this once, with the warning and Stripe's own steps
            WebElement url = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-url")));
            String webhookUrl = url.getAttribute("value");
            assertThat(webhookUrl).startsWith(base + "/sources/src_");
            assertThat(url.getAttribute("readonly")).isNotNull();
            assertThat(driver.findElement(By.id("webhook-url-warning")).getText()).contains("will not be shown again", "Rotate key");
            assertThat(driver.findElements(By.cssSelector("#setup-steps li"))).isNotEmpty();
            click(By.id("copy-webhook-url"));
            wait.until(d -> !d.findElement(By.id("copy-status")).getText().isBlank());

            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(sourceRow("Main Stripe")));
            assertThat(row.getAttribute("data-platform")).isEqualTo("stripe");
            assertThat(row.getText()).contains("Stripe", "never");
            assertThat(row.findElement(By.cssSelector("td.secret .badge")).getAttribute("data-status")).isEqualTo("set");
            assertThat(driver.getPageSource()).doesNotContain(secret);
            shot("store-connections");
            // usable on a phone: at 390 px only the table scrolls sideways, never the page
            Dimension desktop = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(390, 900));
            try {
                assertThat((Boolean) ((JavascriptExecutor) driver).executeScript(
                        "return document.documentElement.scrollWidth <= window.innerWidth;")).isTrue();
            } finally {
                driver.manage().window().setSize(desktop);
            }

            // rotate (confirmed): a new URL, shown the same way
            row.findElement(By.cssSelector("button.rotate")).click();
            click(By.id("confirm-ok"));
            waitForText(By.id("webhook-url-title"), "New webhook URL");
            assertThat(driver.findElement(By.id("webhook-url")).getAttribute("value"))
                    .startsWith(base + "/sources/src_").isNotEqualTo(webhookUrl);

            // the store still posts to the old URL: refused, not logged, but counted on the connection's row
            HttpResponse<String> refused = engine.send("POST", webhookUrl, null, "{}");
            assertThat(refused.statusCode()).isEqualTo(401);
            openTab("tab-logs");
            openTab("tab-sources");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(sourceRow("Main Stripe"), "1 refused"));

            // the Logs page: a Source filter listing it, and the statuses of platforms' deliveries
            openTab("tab-logs");
            Select source = new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("log-source"))));
            assertThat(source.getOptions()).extracting(WebElement::getText).contains("Main Stripe (Stripe)");
            assertThat(new Select(driver.findElement(By.id("log-status"))).getOptions())
                    .extracting(o -> o.getAttribute("value")).contains("ignored", "ping");
            source.selectByVisibleText("Main Stripe (Stripe)");
            click(By.id("log-search"));
            waitForText(By.id("log-summary"), "0 entries shown");
        } finally {
            ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");
        }
    }

    /**
     * Point 10 of issue 13 ("broken now") on a phone, 390 px wide: the rule switch reads off once switched off,
     * an error answered for one action goes when the action changes, and a deleted integration's name stays
     * on the log's old entries.
     */
    @Test
    void whatWasBrokenWorksOnAPhone() {
        JsonNode shop = browser.createMarketplace("Phone Fixes");
        String id = shop.path("id").asText();
        String key = shop.path("api_key").asText();
        String kept = Json.read(engine.send("POST", "/api/v1/marketplaces/" + id + "/integrations", key, "{\"name\":\"Kept HL\"}").body()).path("id").asText();
        String old = Json.read(engine.send("POST", "/api/v1/marketplaces/" + id + "/integrations", key, "{\"name\":\"Old HL\"}").body()).path("id").asText();
        assertThat(engine.send("POST", "/api/v1/marketplaces/" + id + "/rules", key, """
                {"scope":"product","product_id":"prod_phone","trigger":"product.purchased","integration_id":"%s","action":"add_tags","tags":["phone"]}"""
                .formatted(kept)).statusCode()).isEqualTo(201);
        assertThat(engine.send("POST", "/api/v1/marketplaces/" + id + "/rules", key, """
                {"scope":"global","trigger":"product.purchased","integration_id":"%s","action":"add_tags","tags":["old"]}"""
                .formatted(old)).statusCode()).isEqualTo(201);
        // an action for the pending integration waits; deleting the integration cancels it
        assertThat(engine.send(Webhooks.signed(base, id, shop.path("webhook_secret").asText(), "msg_phone_fix",
                Webhooks.order("phone@example.com", "ord_phone", "prod_phone"))).statusCode()).isEqualTo(202);
        new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(300)).until(d -> Json.read(engine.send("GET",
                "/api/v1/marketplaces/" + id + "/logs?kind=action&status=waiting", key, null).body()).path("items").size() == 2);
        assertThat(engine.send("DELETE", "/api/v1/marketplaces/" + id + "/integrations/" + old, key, null).statusCode()).isEqualTo(204);

        browser.signIn(id, "Phone Fixes");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            openTab("tab-product-rules");
            driver.executeScript("location.hash = '#product-rules/prod_phone';");
            By rule = By.cssSelector("#rules-table tr[data-product='prod_phone']");
            browser.visible(rule).findElement(By.cssSelector("input.toggle")).click();
            waitForText(By.id("notice"), "Rule disabled");
            assertThat(driver.findElement(rule).findElement(By.cssSelector("label.switch")).getText()).isEqualTo("off");
            assertThat(browser.fitsTheWidth()).isTrue();

            click(By.id("new-rule-button"));
            new Select(browser.visible(By.id("rule-integration"))).selectByValue(kept);
            new Select(driver.findElement(By.id("rule-action"))).selectByValue("add_tags");
            click(By.id("save-rule"));
            waitForText(By.id("rule-error"), "tags");
            new Select(driver.findElement(By.id("rule-action"))).selectByValue("create_contact");
            assertThat(driver.findElement(By.id("rule-error")).isDisplayed()).isFalse();
            shot("broken-now-fixed-390");

            openTab("tab-logs");
            By canceled = By.cssSelector("#log-rows tr[data-kind='action'][data-status='canceled']");
            new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(300)).until(d -> {
                click(By.id("log-search"));
                return !d.findElements(canceled).isEmpty();
            });
            // the last click's search may re-render the rows after they were seen: read the text where it settles
            waitForText(canceled, "Old HL (deleted)");
            assertThat(browser.fitsTheWidth()).isTrue();
        });
    }

    // ---- helpers ----

    private static By sourceRow(String name) {
        return By.cssSelector("#sources-table tr[data-name='" + name + "']");
    }

    private static List<WebElement> rows(String kind, String status) {
        try {
            return driver.findElements(By.cssSelector("#log-rows tr[data-kind='" + kind + "'][data-status='" + status + "']"));
        } catch (StaleElementReferenceException e) {
            return List.of();
        }
    }

    private static void openTab(String tabId) {
        browser.openTab(tabId);
    }

    private static By integrationRow(String name) {
        return By.cssSelector("#integrations-table tr[data-name='" + name + "']");
    }

    private static void click(By by) {
        browser.click(by);
    }

    private static void type(By by, String text) {
        browser.type(by, text);
    }

    private static void waitForText(By by, String text) {
        browser.waitForText(by, text);
    }

    private static void shot(String name) {
        browser.shot(name);
    }
}
