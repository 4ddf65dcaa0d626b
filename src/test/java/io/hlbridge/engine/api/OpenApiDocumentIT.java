package io.hlbridge.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.support.EngineUnderTest;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document is valid, needs no token, and documents every admin route the engine has. */
class OpenApiDocumentIT {
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
    void isServedWithoutATokenAndParsesWithoutErrors() {
        HttpResponse<String> r = engine.send("GET", "/api/v1/openapi.json", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body());
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getPaths()).containsKey("/webhooks/{marketplaceId}");
    }

    @Test
    void documentsEveryRestRouteOfTheEngine() {
        JsonNode paths = Json.read(engine.send("GET", "/api/v1/openapi.json", null, null).body()).path("paths");
        CamelContext context = engine.context();
        List<String> missing = new ArrayList<>();
        for (RestDefinition rest : ((ModelCamelContext) context).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
                String method = verb.asVerb().toLowerCase(Locale.ROOT);
                if (!paths.path(path).has(method)) {
                    missing.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        assertThat(missing).as("REST routes missing from openapi.json").isEmpty();
    }
}
