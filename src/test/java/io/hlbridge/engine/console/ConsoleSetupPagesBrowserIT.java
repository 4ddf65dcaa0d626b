package io.hlbridge.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import io.hlbridge.engine.support.Webhooks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Issue 13's console points 1 (what was missing), 7 and 8 in a real Chromium against a real engine, at 1280 px
 * and 390 px: the marketplace's own webhook endpoint on Store connections (URL, secret shown at rotate only,
 * last delivery, refused deliveries counted), the OAuth round trip through the sandbox's consent page back to
 * the console by itself from both hosts (the public URL's 127.0.0.1, and localhost, another origin whose
 * session must survive), the styled refusal pages, and every tab usable on a phone (cards, row actions, no
 * sideways scrolling). The engine's public URL is http://127.0.0.1:{port}.
 */
class ConsoleSetupPagesBrowserIT {
    static ConsoleBrowser browser;
    static ChromeDriver driver;
    static String publicBase;
    static String localhostBase;

    @BeforeAll
    static void start() throws IOException {
        browser = ConsoleBrowser.start();
        driver = browser.driver;
        publicBase = browser.base;
        localhostBase = publicBase.replace("127.0.0.1", "localhost");
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    // ---- 1. Store connections: the marketplace's own endpoint ------------------------------------------

    @Test
    void theMarketplacesOwnEndpointOnStoreConnections() {
        JsonNode m = browser.createMarketplace("Endpoint Shop");
        String id = m.path("id").asText();
        String secret = m.path("webhook_secret").asText();
        assertThat(send(Webhooks.signed(publicBase, id, secret, "msg_endpoint_1", Webhooks.order("ada@example.com", "ord_e1", "prod_e")))
                .statusCode()).isEqualTo(202);
        // a store signing with a wrong secret: refused, not in the log, counted on the page
        String wrong = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(send(Webhooks.signed(publicBase, id, wrong, "msg_endpoint_bad", Webhooks.order("ada@example.com", "ord_e2", "prod_e")))
                .statusCode()).isEqualTo(401);

        signInAt(publicBase, id, "Endpoint Shop");
        browser.openTab("tab-sources");
        WebElement url = browser.visible(By.id("endpoint-url"));
        assertThat(url.getAttribute("value")).isEqualTo(publicBase + "/webhooks/" + id);
        assertThat(url.getAttribute("readonly")).isNotNull();
        assertThat(browser.visible(By.id("endpoint-last-event")).getText()).isNotEqualTo("never");
        assertThat(driver.findElement(By.id("endpoint-refused")).getText()).contains("1 refused", "not in the log");
        assertThat(driver.findElement(By.id("endpoint-secret")).getText()).contains("cannot show it again", "Rotate");
        assertThat(driver.getPageSource()).doesNotContain(secret);
        browser.click(By.id("copy-endpoint-url"));
        browser.wait.until(d -> !d.findElement(By.id("endpoint-url-copy-status")).getText().isBlank());
        browser.shot("store-connections-endpoint");

        // rotate, confirmed: the new secret shown once, the old one still valid for 24 hours (said so)
        browser.click(By.id("rotate-secret"));
        assertThat(browser.visible(By.id("confirm-message")).getText()).contains("24 hours");
        browser.click(By.id("confirm-ok"));
        WebElement fresh = browser.visible(By.id("new-secret"));
        String rotated = fresh.getAttribute("value");
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(driver.findElement(By.id("new-secret-warning")).getText()).contains("will not be shown again", "24 hours");
        assertThat(browser.visible(By.id("endpoint-previous")).getText()).contains("still accepted until");
        browser.waitForText(By.id("notice"), "previous one stays valid for 24 hours");
        assertThat(send(Webhooks.signed(publicBase, id, secret, "msg_endpoint_old", Webhooks.order("ada@example.com", "ord_e3", "prod_e")))
                .statusCode()).as("the old secret, within its 24 hours").isEqualTo(202);
        assertThat(send(Webhooks.signed(publicBase, id, rotated, "msg_endpoint_new", Webhooks.order("ada@example.com", "ord_e4", "prod_e")))
                .statusCode()).isEqualTo(202);

        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            assertThat(browser.fitsTheWidth()).isTrue();
            assertThat(browser.visible(By.id("copy-new-secret")).getRect().getX()
                    + driver.findElement(By.id("copy-new-secret")).getRect().getWidth()).isLessThanOrEqualTo(ConsoleBrowser.PHONE_WIDTH);
            browser.shot("store-connections-390");
        });
        browser.click(By.id("new-secret-done"));
        browser.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-secret")));
        // the API never reads the secret back
        assertThat(browser.engine.send("GET", "/api/v1/marketplaces/" + id, m.path("api_key").asText(), null).body())
                .doesNotContain(rotated).doesNotContain(secret).contains("\"refused_count\":1");
    }

    // ---- 8. OAuth round trip, from both hosts ---------------------------------------------------------

    @Test
    void oauthRoundTripReturnsToTheConsolesOwnOriginByItself() {
        JsonNode m = browser.createMarketplace("OAuth Shop");
        String id = m.path("id").asText();

        // the console opened at the public URL's host, on a desktop
        connectThroughTheConsentPage(publicBase, id, "OAuth Shop", "Desk HighLevel", "oauth");

        // the console opened at localhost: the callback is served at 127.0.0.1, yet the merchant comes back
        // to localhost, still signed in; on a phone
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> connectThroughTheConsentPage(localhostBase, id, "OAuth Shop", "Phone HighLevel", "oauth-390"));
    }

    private void connectThroughTheConsentPage(String consoleBase, String marketplaceId, String marketplaceName,
                                              String integrationName, String shotPrefix) {
        signInAt(consoleBase, marketplaceId, marketplaceName);
        browser.openTab("tab-integrations");
        browser.click(By.id("new-integration-button"));
        browser.type(By.id("integration-name"), integrationName);
        browser.click(By.id("connect-oauth"));

        browser.wait.until(ExpectedConditions.urlContains("/sandbox/highlevel/oauth/chooselocation"));
        assertThat(driver.getCurrentUrl()).startsWith(publicBase);
        assertThat(browser.visible(By.cssSelector("ul.scopes")).getText()).contains("contacts.write");
        assertThat(browser.fitsTheWidth()).isTrue();
        browser.shot(shotPrefix + "-consent");
        browser.click(By.id("approve"));

        browser.wait.until(ExpectedConditions.titleContains("HighLevel connected"));
        assertThat(driver.findElement(By.id("outcome")).getText()).contains("HighLevel connected — " + integrationName);
        WebElement back = driver.findElement(By.id("back"));
        assertThat(back.getAttribute("href")).startsWith(consoleBase + "/console/#integrations/int_");
        assertThat(browser.fitsTheWidth()).isTrue();
        browser.shot(shotPrefix + "-connected");

        // no click: the page goes back by itself, to the console's own origin, where the session still is
        browser.wait.until(ExpectedConditions.urlToBe(consoleBase + "/console/#integrations"));
        browser.waitForText(By.id("current-marketplace"), marketplaceName);
        WebElement row = browser.visible(By.cssSelector("#integrations-table tr.highlight"));
        assertThat(row.getAttribute("data-name")).isEqualTo(integrationName);
        assertThat(row.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Connected"); // the status in words (data-status keeps "connected")
        browser.waitForText(By.id("notice"), "“" + integrationName + "” is connected to HighLevel");
        assertThat(browser.fitsTheWidth()).isTrue();
        browser.shot(shotPrefix + "-back-in-the-console");
    }

    @Test
    void refusedCallbacksAreStyledPagesLinkingBack() {
        JsonNode m = browser.createMarketplace("Refusal Shop");
        String id = m.path("id").asText();

        // a state the engine never issued: back to the public URL's console
        driver.get(publicBase + "/oauth/highlevel/callback?code=c1&state=not-a-state-we-issued");
        browser.wait.until(ExpectedConditions.titleContains("HighLevel connection not completed"));
        assertThat(driver.findElement(By.id("outcome")).getText()).contains("not a state this engine issued");
        assertThat(driver.findElement(By.id("back")).getAttribute("href")).isEqualTo(publicBase + "/console/");
        assertThat(driver.findElement(By.cssSelector("link[rel=stylesheet]")).getAttribute("href")).endsWith("/console/console.css");
        browser.shot("oauth-error");

        // an expired state asked for by the console at localhost: back to that console's integration row
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(localhostBase + "/api/v1/marketplaces/" + id + "/integrations"))
                .header("Authorization", "Bearer " + m.path("api_key").asText()).header("Content-Type", "application/json")
                .header("Origin", localhostBase)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Late\"}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode integration = Json.read(created.body());
        String authorize = integration.path("authorize_url").asText();
        String state = java.net.URLDecoder.decode(authorize.replaceAll(".*[?&]state=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
        browser.engine.jdbi().useHandle(h -> h.execute(
                "UPDATE oauth_state SET expires_at = now() - interval '1 second' WHERE integration_id = ?", integration.path("id").asText()));
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            driver.get(publicBase + "/oauth/highlevel/callback?code=c2&state=" + java.net.URLEncoder.encode(state, java.nio.charset.StandardCharsets.UTF_8));
            browser.wait.until(ExpectedConditions.titleContains("HighLevel connection not completed"));
            assertThat(driver.findElement(By.id("outcome")).getText()).contains("has expired");
            assertThat(driver.findElement(By.id("back")).getAttribute("href"))
                    .isEqualTo(localhostBase + "/console/#integrations/" + integration.path("id").asText());
            assertThat(browser.fitsTheWidth()).isTrue();
            browser.shot("oauth-error-390");
        });
        // an origin that is neither the public one nor a loopback one is never remembered: no open redirect
        HttpResponse<String> foreign = send(HttpRequest.newBuilder(URI.create(publicBase + "/api/v1/marketplaces/" + id + "/integrations"))
                .header("Authorization", "Bearer " + m.path("api_key").asText()).header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Foreign\"}")).build());
        assertThat(foreign.statusCode()).isEqualTo(201);
        int remembered = browser.engine.jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM oauth_state WHERE integration_id = :i AND return_origin IS NOT NULL")
                .bind("i", Json.read(foreign.body()).path("id").asText()).mapTo(Integer.class).one());
        assertThat(remembered).isZero();
    }

    // ---- 7. every tab at 390 px -----------------------------------------------------------------------

    @Test
    void everyTabIsUsableAt390() {
        JsonNode m = browser.createMarketplace("Phone Shop");
        String id = m.path("id").asText();
        String key = m.path("api_key").asText();
        JsonNode integration = Json.read(api("POST", "/api/v1/marketplaces/" + id + "/integrations", key, "{\"name\":\"Main HighLevel\"}"));
        String integrationId = integration.path("id").asText();
        api("POST", "/api/v1/marketplaces/" + id + "/rules", key, """
                {"scope":"global","trigger":"product.purchased","action":"add_tags","integration_id":"%s","tags":["customer","buyer"]}"""
                .formatted(integrationId));
        api("POST", "/api/v1/marketplaces/" + id + "/rules", key, """
                {"scope":"product","product_id":"prod_phone_course","trigger":"product.purchased","action":"create_contact","integration_id":"%s","tags":["student"]}"""
                .formatted(integrationId));
        api("POST", "/api/v1/marketplaces/" + id + "/sources", key, "{\"platform\":\"stripe\",\"name\":\"Main Stripe\"}");
        assertThat(send(Webhooks.signed(publicBase, id, m.path("webhook_secret").asText(), "msg_phone_1",
                Webhooks.order("grace@example.com", "ord_p1", "prod_phone_course"))).statusCode()).isEqualTo(202);

        signInAt(publicBase, id, "Phone Shop");
        browser.atWidth(ConsoleBrowser.PHONE_WIDTH, () -> {
            // the tab bar: every tab visible within the width, none scrolled away
            for (WebElement tab : driver.findElements(By.cssSelector("[role=tab]"))) {
                assertThat(tab.isDisplayed()).isTrue();
                assertThat(tab.getRect().getX() + tab.getRect().getWidth()).as(tab.getText()).isLessThanOrEqualTo(ConsoleBrowser.PHONE_WIDTH);
            }
            browser.openTab("tab-integrations");
            browser.visible(By.id("integrations-table"));
            looksLikeCards("#integrations-table", "Status");
            browser.shot("integrations-390");

            browser.openTab("tab-sources");
            browser.visible(By.id("sources-table"));
            looksLikeCards("#sources-table", "Platform");
            browser.shot("sources-list-390");

            browser.openTab("tab-global-rules");
            browser.visible(By.id("rules-table"));
            looksLikeCards("#rules-table", "When");
            // a dialog fits too
            browser.click(By.cssSelector("#rules-table button.delete"));
            WebElement dialog = browser.visible(By.id("confirm"));
            assertThat(dialog.getRect().getX() + dialog.getRect().getWidth()).isLessThanOrEqualTo(ConsoleBrowser.PHONE_WIDTH);
            browser.shot("confirm-390");
            browser.click(By.id("confirm-cancel"));
            // the rule form fits
            browser.click(By.id("new-rule-button"));
            browser.visible(By.id("rule-action"));
            assertThat(browser.fitsTheWidth()).isTrue();
            browser.shot("global-rules-390");

            browser.openTab("tab-product-rules");
            browser.visible(By.id("rules-table"));
            looksLikeCards("#rules-table", "Product");
            browser.shot("product-rules-390");

            browser.openTab("tab-logs");
            browser.wait.until(d -> !d.findElements(By.cssSelector("#log-rows tr[data-kind='event']")).isEmpty());
            looksLikeCards("#log-table", "Kind");
            browser.shot("logs-390");
            browser.click(By.cssSelector("#log-rows tr[data-kind='event'] a.details"));
            browser.visible(By.id("log-entry"));
            assertThat(browser.fitsTheWidth()).isTrue();
            browser.shot("log-detail-390");
        });
        // at 1280 px the same tables are tables again
        browser.openTab("tab-integrations");
        WebElement row = browser.visible(By.cssSelector("#integrations-table tbody tr"));
        assertThat(row.getCssValue("display")).isEqualTo("table-row");
    }

    /** At 390 px: rows are blocks (cards) with their labels, row actions reachable, and nothing sticks out. */
    private void looksLikeCards(String table, String label) {
        assertThat(browser.fitsTheWidth()).as(table + " fits the width").isTrue();
        // a group head (the log groups entries by store event) is a heading, not an entry card
        WebElement row = driver.findElement(By.cssSelector(table + " tbody tr:not(.group-head)"));
        assertThat(row.getCssValue("display")).isEqualTo("block");
        assertThat(driver.findElement(By.cssSelector(table + " thead")).getRect().getHeight()).isLessThanOrEqualTo(1);
        String before = (String) driver.executeScript("return getComputedStyle(arguments[0], '::before').content;",
                row.findElement(By.cssSelector("td[data-label='" + label + "']")));
        assertThat(before).isEqualTo("\"" + label + "\"");
        List<WebElement> buttons = row.findElements(By.cssSelector("td.actions button, td.actions a"));
        assertThat(buttons).isNotEmpty();
        for (WebElement b : buttons) {
            assertThat(b.isDisplayed()).isTrue();
            assertThat(b.getRect().getX() + b.getRect().getWidth()).as(b.getText()).isLessThanOrEqualTo(ConsoleBrowser.PHONE_WIDTH);
        }
    }

    // ---- helpers ----

    private static void signInAt(String consoleBase, String marketplaceId, String marketplaceName) {
        driver.get(consoleBase + "/console/");
        driver.executeScript("sessionStorage.clear(); location.hash = '';");
        driver.navigate().refresh();
        browser.type(By.id("token"), EngineUnderTest.OPERATOR_TOKEN);
        browser.click(By.id("sign-in-submit"));
        // the only marketplace so far is opened at once; otherwise it is picked
        browser.wait.until(d -> d.findElement(By.id("marketplace")).isDisplayed()
                || d.findElement(By.id("current-marketplace")).getText().contains(marketplaceName));
        if (driver.findElement(By.id("marketplace")).isDisplayed()) {
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("marketplace"))).selectByValue(marketplaceId);
            browser.click(By.id("pick-submit"));
        }
        browser.waitForText(By.id("current-marketplace"), marketplaceName);
    }

    private static String api(String method, String path, String key, String body) {
        HttpResponse<String> r = browser.engine.send(method, path, key, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return r.body();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        return browser.engine.send(request);
    }
}
