package io.hlbridge.engine.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What every answer of the engine must satisfy, whatever was asked (the fuzz tests' oracle):
 * <ol>
 *   <li>never a 5xx;</li>
 *   <li>never a stack trace or a Java class name in the body;</li>
 *   <li>every 4xx is {@code application/problem+json}, a JSON object whose {@code status} equals the
 *       HTTP status, with a non-blank {@code title} and {@code detail};</li>
 *   <li>every 400 names what is wrong: a {@code field} member, or an {@code errors} array whose
 *       entries each have a {@code field}; only a body unreadable as a whole may instead say so with
 *       a {@code detail} mentioning "body";</li>
 *   <li>a 405 carries an {@code Allow} header that is not empty;</li>
 *   <li>exception: the OAuth callback, a page in the merchant's browser, refuses in HTML;</li>
 *   <li>exception: an empty 414 or 431, which Vert.x's HTTP decoder sends for a request line or
 *       headers over its limits before any handler of the engine can answer;</li>
 *   <li>a probe that must not succeed (e.g. a stale timestamp) never gets a 2xx.</li>
 * </ol>
 */
final class AnswerRules {
    /** A frame of a stack trace, an exception's class name, or a package of the engine or its libraries. */
    private static final Pattern INTERNALS = Pattern.compile(
            "(\\bat [\\w$.]+\\([\\w$]+\\.java:\\d+\\))|(\\.java:\\d+)|(\\b[\\w$]+(Exception|Error)\\b)"
                    + "|\\b(java|javax|jdk|sun|org\\.apache|com\\.fasterxml|io\\.vertx|io\\.netty|org\\.postgresql|org\\.jdbi"
                    + "|com\\.networknt|com\\.zaxxer|io\\.hlbridge)\\.[a-z]");

    private AnswerRules() {
    }

    /** Null when the answer is fine, else what is wrong with it. */
    static String violation(Probe probe, HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        if (status >= 500) {
            return "a " + status + " answer";
        }
        if (INTERNALS.matcher(body).find()) {
            return "internals in the body";
        }
        if (probe.mustNotSucceed() && status >= 200 && status < 300) {
            return "a " + status + " for a request that must be refused";
        }
        if (status == 405 && response.headers().firstValue("Allow").map(String::isBlank).orElse(true)) {
            return "a 405 without an Allow header";
        }
        if (status < 400) {
            return null;
        }
        if ((status == 414 || status == 431) && body.isEmpty()) {
            return null; // Vert.x's HTTP decoder answers these before any handler can (left as is, see the report)
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (probe.pathAndQuery().startsWith("/oauth/highlevel/callback") && contentType.startsWith("text/html")) {
            return null; // the OAuth callback is a browser's page: its refusals are HTML by design
        }
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            return "a " + status + " with Content-Type '" + contentType + "'";
        }
        if (probe.method().equals("HEAD")) {
            return null;
        }
        JsonNode problem;
        try {
            problem = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return "a " + status + " whose body is not JSON";
        }
        if (problem == null || !problem.isObject()) {
            return "a " + status + " whose body is not a JSON object";
        }
        if (problem.path("status").asInt(-1) != status) {
            return "problem status " + problem.path("status") + " differs from HTTP " + status;
        }
        if (problem.path("title").asText("").isBlank()) {
            return "a problem without a title";
        }
        if (problem.path("detail").asText("").isBlank()) {
            return "a problem without a detail";
        }
        if (status == 400 && !namesWhatIsWrong(problem)) {
            return "a 400 that names no field";
        }
        return null;
    }

    private static boolean namesWhatIsWrong(JsonNode problem) {
        if (!problem.path("field").asText("").isBlank()) {
            return true;
        }
        JsonNode errors = problem.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            for (JsonNode error : errors) {
                if (error.path("field").asText("").isBlank()) {
                    return false;
                }
            }
            return true;
        }
        return problem.path("detail").asText("").toLowerCase(Locale.ROOT).contains("body");
    }
}
