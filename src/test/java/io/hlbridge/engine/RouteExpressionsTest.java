package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No simple expression of the route files reads into the body or an exchange property
 * ({@code ${body.events}}, {@code ${exchangeProperty.actionJob.tags…}}): Camel evaluates such a path by
 * introspecting the object at every call, and its cache key hashes the object whole (for a batch's
 * result, every job it holds, customers and parameters included). bench/deliver's profile found 3.6 %
 * of the engine's CPU there at 500/s. A route asks a bean method instead (filter {@code method:}), or
 * reads a plain property a bean set ({@code ${exchangeProperty.ruleHasTags}}). {@code ${exception.kind}}
 * is left: it is asked only after a HighLevel call failed, of an exception whose hash is its identity.
 */
class RouteExpressionsTest {
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");
    /** The body (any of the simple language's spellings of it), a header, property or variable, or the exchange, read into. */
    private static final Pattern READS_INTO = Pattern.compile(
            "^(in\\.)?(body|(mandatory)?[bB]odyAs\\([^)]*\\)|headers?[.:\\[]\\w+]?|exchangeProperty[.\\[]\\w+]?|variables?[.\\[]\\w+]?|exchange)[.\\[?]");

    @Test
    void noExpressionReadsIntoTheBodyOrAProperty() throws IOException {
        List<String> expressions = new ArrayList<>();
        List<String> readingInto = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                Matcher m = EXPRESSION.matcher(Files.readString(file));
                while (m.find()) {
                    String expression = m.group(1).trim();
                    expressions.add(expression);
                    if (READS_INTO.matcher(expression).find()) {
                        readingInto.add(file + ": ${" + expression + "}");
                    }
                }
            }
        }
        assertThat(readingInto).as("expressions that make Camel introspect an object at every call").isEmpty();
        assertThat(expressions).as("simple expressions found in routes/").hasSizeGreaterThanOrEqualTo(20)
                .contains("exchangeProperty.ruleHasTags", "exchangeProperty.action");
    }
}
