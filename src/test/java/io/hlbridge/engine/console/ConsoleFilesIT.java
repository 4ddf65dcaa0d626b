package io.hlbridge.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.hlbridge.engine.support.EngineUnderTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's static files: served from the jar without a token, typed, and nothing outside console/. */
class ConsoleFilesIT {
    static EngineUnderTest engine;

    @BeforeAll
    static void start() {
        engine = EngineUnderTest.start();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void consoleRedirectsToItsFolderAndServesIndexWithoutAToken() {
        HttpResponse<String> redirect = engine.send("GET", "/console", null, null);
        assertThat(redirect.statusCode()).isEqualTo(308);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/console/");

        HttpResponse<String> index = engine.send("GET", "/console/", null, null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(index.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(index.body()).contains("<title>hlbridge console</title>", "js/app.js");
    }

    @Test
    void scriptsAndStylesCarryTheirContentTypes() {
        HttpResponse<String> js = engine.send("GET", "/console/js/app.js", null, null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        HttpResponse<String> css = engine.send("GET", "/console/console.css", null, null);
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
        assertThat(css.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void unknownFilesAndTraversalAreNotFound() {
        for (String path : new String[] {"/console/nope.html", "/console/../application.properties",
                "/console/%2e%2e/application.properties", "/console/js/../../logback.xml", "/console/.hidden.js",
                "/console/js/", "/console/db/migration/V1__foundation.sql", "/consoleX"}) {
            HttpResponse<String> r = engine.send("GET", path, null, null);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("engine.http-port", "CREATE TABLE", "<configuration>");
        }
    }

    @Test
    void onlyReadsAreAllowed() {
        assertThat(engine.send("POST", "/console/index.html", null, "{}").statusCode()).isIn(404, 405);
    }

    @Test
    void fileNamesArePlainRelativePathsOfKnownTypes() {
        assertThat(ConsoleFiles.contentType("index.html")).startsWith("text/html");
        assertThat(ConsoleFiles.contentType("js/api.js")).startsWith("text/javascript");
        assertThat(ConsoleFiles.contentType("../x.js")).isNull();
        assertThat(ConsoleFiles.contentType("js/../x.js")).isNull();
        assertThat(ConsoleFiles.contentType("/etc/passwd.css")).isNull();
        assertThat(ConsoleFiles.contentType("a//b.js")).isNull();
        assertThat(ConsoleFiles.contentType("x.properties")).isNull();
        assertThat(ConsoleFiles.contentType("x.js\u0000.css")).isNull();
    }
}
