package io.hlbridge.engine.highlevel;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract helper itself: it must accept conforming exchanges and catch non-conforming ones. */
class HighLevelContractTest {

    private final HighLevelContract contract = HighLevelContract.get();
    private static final Map<String, List<String>> GOOD_HEADERS = Map.of(
            "Authorization", List.of("Bearer abc"), "Version", List.of("2021-07-28"),
            "Content-Type", List.of("application/json"), "Accept", List.of("application/json"));

    @Test
    void acceptsAConformingUpsertExchange() {
        contract.assertRequestConforms("POST", "/contacts/upsert", Map.of(), GOOD_HEADERS,
                "{\"locationId\":\"loc\",\"email\":\"a@b.example\",\"firstName\":\"A\"}");
        contract.assertResponseConforms("POST", "/contacts/upsert", 200, Map.of("Content-Type", List.of("application/json")),
                "{\"new\":true,\"contact\":{\"id\":\"c1\",\"tags\":[\"x\"]},\"traceId\":\"t\"}");
    }

    @Test
    void rejectsRequestsHighLevelWouldReject() {
        assertThat(contract.validateRequest("POST", "/contacts/upsert", Map.of(),
                Map.of("Authorization", List.of("Bearer abc"), "Content-Type", List.of("application/json")),
                "{\"locationId\":\"loc\"}").hasErrors()).as("missing Version header").isTrue();
        assertThat(contract.validateRequest("POST", "/contacts/upsert", Map.of(), GOOD_HEADERS,
                "{\"email\":\"a@b.example\"}").hasErrors()).as("missing locationId").isTrue();
        assertThat(contract.validateRequest("POST", "/contacts/upsert", Map.of(), GOOD_HEADERS,
                "{\"locationId\":\"loc\",\"additionalEmails\":[]}").hasErrors()).as("undeclared property").isTrue();
        assertThat(contract.validateRequest("POST", "/contacts/abc/tags", Map.of(), GOOD_HEADERS,
                "{\"tags\":\"vip\"}").hasErrors()).as("tags not an array").isTrue();
        assertThat(contract.validateRequest("GET", "/contacts/search/duplicate", Map.of("email", List.of("a@b.example")),
                GOOD_HEADERS, null).hasErrors()).as("missing locationId query").isTrue();
        assertThat(contract.validateRequest("POST", "/oauth/token", Map.of(),
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
                "client_id=a&client_secret=b&grant_type=password").hasErrors()).as("grant_type enum").isTrue();
    }

    @Test
    void rejectsResponsesThatDoNotMatchTheSchema() {
        Map<String, List<String>> json = Map.of("Content-Type", List.of("application/json"));
        assertThatThrownBy(() -> contract.assertResponseConforms("POST", "/contacts/abc/tags", 201, json,
                "{\"tags\":\"vip\"}")).isInstanceOf(AssertionError.class).hasMessageContaining("tags");
        assertThatThrownBy(() -> contract.assertResponseConforms("POST", "/contacts/upsert", 400, json,
                "{\"statusCode\":400,\"message\":\"x\",\"meta\":{}}")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> contract.assertResponseConforms("GET", "/contacts/abc", 418, json, "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("status");
        assertThatThrownBy(() -> contract.assertResponseConforms("POST", "/contacts/upsert", 422, json,
                "{\"statusCode\":422,\"message\":\"not an array\"}")).isInstanceOf(AssertionError.class);
    }

    @Test
    void acceptsTheDocumentedButUndeclaredStatuses() {
        Map<String, List<String>> json = Map.of("Content-Type", List.of("application/json"));
        for (int status : new int[] {403, 404, 429, 500, 503}) {
            contract.assertResponseConforms("GET", "/contacts/abc", status, json, "{\"statusCode\":" + status + "}");
        }
        contract.assertResponseConforms("GET", "/contacts/search/duplicate", 200, json, "{\"contact\":null}");
    }

    @Test
    void checksTheActionsBeyondTagsAgainstTheirFiles() {
        Map<String, List<String>> json = Map.of("Content-Type", List.of("application/json"));
        contract.assertRequestConforms("POST", "/opportunities/upsert", Map.of(), GOOD_HEADERS,
                "{\"locationId\":\"l\",\"pipelineId\":\"p\",\"contactId\":\"c\",\"name\":\"n\","
                        + "\"status\":\"won\",\"pipelineStageId\":\"s\",\"monetaryValue\":49.5}");
        assertThat(contract.validateRequest("POST", "/opportunities/upsert", Map.of(), GOOD_HEADERS,
                "{\"locationId\":\"l\",\"contactId\":\"c\"}").hasErrors()).as("missing pipelineId").isTrue();
        assertThat(contract.validateRequest("POST", "/opportunities/upsert", Map.of(), GOOD_HEADERS,
                "{\"locationId\":\"l\",\"pipelineId\":\"p\",\"status\":\"done\"}").hasErrors()).as("status enum").isTrue();
        contract.assertResponseConforms("GET", "/opportunities/pipelines", 200, json,
                "{\"pipelines\":[{\"id\":\"p\",\"name\":\"Sales\",\"stages\":[{\"id\":\"s\",\"name\":\"New\",\"position\":0}]}]}");
        assertThatThrownBy(() -> contract.assertResponseConforms("GET", "/opportunities/pipelines", 200, json,
                "{\"pipelines\":[{\"id\":\"p\",\"stages\":[\"New\"]}]}")).isInstanceOf(AssertionError.class);
        assertThat(contract.validateRequest("GET", "/workflows/", Map.of(), GOOD_HEADERS, null).hasErrors())
                .as("missing locationId query").isTrue();
        assertThatThrownBy(() -> contract.assertResponseConforms("GET", "/workflows/", 200, json,
                "{\"workflows\":[{\"id\":\"w\",\"version\":\"two\"}]}")).isInstanceOf(AssertionError.class);
        assertThat(contract.validateRequest("POST", "/contacts/c/notes", Map.of(), GOOD_HEADERS, "{\"title\":\"t\"}")
                .hasErrors()).as("note without body").isTrue();
        assertThat(contract.validateRequest("POST", "/contacts/c/workflow/w", Map.of(), GOOD_HEADERS,
                "{\"workflowId\":\"w\"}").hasErrors()).as("undeclared property").isTrue();
        assertThat(contract.validateRequest("GET", "/locations/l/customFields", Map.of("model", List.of("deal")),
                GOOD_HEADERS, null).hasErrors()).as("model enum").isTrue();
        assertThatThrownBy(() -> contract.assertResponseConforms("GET", "/locations/l", 200, json,
                "{\"location\":{\"id\":\"l\",\"name\":7}}")).isInstanceOf(AssertionError.class);
    }

    @Test
    void pathsRelativeToAMountedBase() {
        assertThat(HighLevelContract.apiPath("http://h:1/sandbox/highlevel",
                java.net.URI.create("http://h:1/sandbox/highlevel/contacts/upsert"))).isEqualTo("/contacts/upsert");
        assertThat(HighLevelContract.covers("/contacts/")).isTrue();
        assertThat(HighLevelContract.covers("/_sandbox/stats")).isFalse();
    }
}
