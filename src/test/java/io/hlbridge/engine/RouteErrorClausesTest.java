package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every onException clause of the route files turns off Camel's "On delivery attempt" line
 * (routes/errors.camel.yaml): Camel writes it through a logger whose level concurrent exchanges swap, so
 * a clause without the setting can log a handled failure at ERROR under load. A clause added later is
 * caught here, not in production.
 */
class RouteErrorClausesTest {

    @Test
    void everyOnExceptionClauseWritesNoRetryAttemptLine() throws IOException {
        List<String> clauses = new ArrayList<>();
        List<String> without = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                collect(new YAMLMapper().readTree(file.toFile()), file.toString(), clauses, without);
            }
        }
        assertThat(clauses).as("onException clauses found").hasSizeGreaterThanOrEqualTo(9);
        assertThat(without).as("onException clauses without redeliveryPolicy.logRetryAttempted: \"false\"").isEmpty();
    }

    private static void collect(JsonNode node, String where, List<String> clauses, List<String> without) {
        if (node.isObject()) {
            JsonNode clause = node.get("onException");
            if (clause != null && clause.has("exception")) {
                String name = where + " " + clause.get("exception");
                clauses.add(name);
                if (!"false".equals(clause.path("redeliveryPolicy").path("logRetryAttempted").asText())) {
                    without.add(name);
                }
            }
            node.fields().forEachRemaining(field -> collect(field.getValue(), where, clauses, without));
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, where, clauses, without));
        }
    }
}
