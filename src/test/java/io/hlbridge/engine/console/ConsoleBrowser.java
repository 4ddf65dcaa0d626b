package io.hlbridge.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.support.EngineUnderTest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real engine and a real headless Chromium (Debian's chromium + chromedriver, never downloaded by Selenium
 * Manager) for the console's browser tests, with the steps they share: sign in, pick a marketplace, open a
 * tab, look at a width, save a screenshot into docs/screenshots/. One per test class ({@code @BeforeAll}).
 */
final class ConsoleBrowser implements AutoCloseable {
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    static final int DESKTOP_WIDTH = 1280;
    static final int PHONE_WIDTH = 390;

    final EngineUnderTest engine;
    final ChromeDriver driver;
    final WebDriverWait wait;
    final String base;
    private final Path profile;

    private ConsoleBrowser(EngineUnderTest engine, ChromeDriver driver, String base, Path profile) {
        this.engine = engine;
        this.driver = driver;
        this.base = base;
        this.profile = profile;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    /** An engine on a free port whose public URL is the console's own origin (the OAuth redirect comes back to it). */
    static ConsoleBrowser start() throws IOException {
        return start(Map.of());
    }

    static ConsoleBrowser start(Map<String, String> settings) throws IOException {
        Assumptions.assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does)");
        int port = EngineUnderTest.freePort();
        String base = "http://127.0.0.1:" + port;
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("ENGINE_HTTP_PORT", String.valueOf(port));
        env.putIfAbsent("ENGINE_PUBLIC_URL", base);
        EngineUnderTest engine = EngineUnderTest.start(env);
        Path profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.getPath());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=" + DESKTOP_WIDTH + ",900", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        return new ConsoleBrowser(engine, new ChromeDriver(service, options), base, profile);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        engine.close();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code POST /api/v1/marketplaces} as the operator: the marketplace with its webhook secret and API key. */
    JsonNode createMarketplace(String name) {
        HttpResponse<String> r = engine.send("POST", "/api/v1/marketplaces", EngineUnderTest.OPERATOR_TOKEN,
                "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.read(r.body());
    }

    /** A fresh session: signs in with the operator token and picks the marketplace. */
    void signIn(String marketplaceId, String marketplaceName) {
        driver.get(base + "/console/");
        driver.executeScript("sessionStorage.clear(); localStorage.clear(); location.hash = '';");
        driver.navigate().refresh();
        type(By.id("token"), EngineUnderTest.OPERATOR_TOKEN);
        click(By.id("sign-in-submit"));
        new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("marketplace")))).selectByValue(marketplaceId);
        click(By.id("pick-submit"));
        waitForText(By.id("current-marketplace"), marketplaceName);
    }

    /** Clicks a tab and waits until the previous tab's content is gone (no stale clicks on old buttons). */
    void openTab(String tabId) {
        WebElement previous = driver.findElement(By.cssSelector("#panel > *"));
        click(By.id(tabId));
        wait.until(ExpectedConditions.stalenessOf(previous));
        wait.until(ExpectedConditions.attributeToBe(By.id(tabId), "aria-selected", "true"));
    }

    void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    void type(By by, String text) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(by));
        input.clear();
        input.sendKeys(text);
    }

    void waitForText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Runs {@code check} with the window {@code width} px wide, then restores the previous size. */
    <T> T atWidth(int width, Supplier<T> check) {
        Dimension size = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(width, 900));
        try {
            return check.get();
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    void atWidth(int width, Runnable check) {
        atWidth(width, () -> {
            check.run();
            return null;
        });
    }

    /** True when nothing sticks out sideways: at 390 px the page itself never scrolls horizontally. */
    boolean fitsTheWidth() {
        return (Boolean) driver.executeScript("return document.documentElement.scrollWidth <= window.innerWidth;");
    }

    /** Saves the whole page (the window grown to the document's height) as docs/screenshots/{name}.png. */
    void shot(String name) {
        Dimension size = driver.manage().window().getSize();
        long height = (Long) driver.executeScript(
                "return Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));");
        driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(4000, Math.max(size.getHeight(), height + 160))));
        try {
            Path dir = Path.of(System.getProperty("basedir", ".")).resolve("docs/screenshots");
            Files.createDirectories(dir);
            File png = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(size);
        }
    }
}
