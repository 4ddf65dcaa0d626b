package io.hlbridge.engine.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import org.junit.jupiter.api.Test;

class LoggedBodiesTest {

    @Test
    void masksSecretLookingKeysAndValues_keepsTheRest() {
        String logged = LoggedBodies.forLog("""
                {"email":"a@example.com","accessToken":"at-1","nested":{"client_secret":"cs","items":[{"Signature":"sig"}]},
                 "tokens":["t1","t2"],"auth":"Bearer abc","note":"whsec_abc","author":"Ada","empty":null}""");
        JsonNode body = Json.read(logged);
        assertThat(body.path("email").asText()).isEqualTo("a@example.com");
        assertThat(body.path("author").asText()).isEqualTo("Ada");
        assertThat(body.path("empty").isNull()).isTrue();
        assertThat(body.path("accessToken").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(body.path("nested").path("client_secret").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(body.path("nested").path("items").get(0).path("Signature").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(body.path("tokens").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(body.path("auth").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(body.path("note").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(logged).doesNotContain("at-1", "cs\"", "sig\"", "t1", "abc");
    }

    @Test
    void secretKeysAreFoundInAnyCaseAndSpelling_otherKeysAreNot() {
        for (String key : new String[] {"API_KEY", "apiKey", "x-api-key", "Private-Key", "cardNumber", "card_number",
                "CVV", "password", "Authorization", "refresh_token", "clientCredentials", "pwd", "line\ntoken"}) {
            assertThat(LoggedBodies.secretKey(key)).as(key).isTrue();
        }
        for (String key : new String[] {"email", "firstName", "tags", "locationId", "api", "key", "card", "author"}) {
            assertThat(LoggedBodies.secretKey(key)).as(key).isFalse();
        }
        assertThat(LoggedBodies.forLog("  sk_live_123\nmore")).isEqualTo(LoggedBodies.MASK);
        assertThat(LoggedBodies.forLog("a bearer token")).isEqualTo("a bearer token");
    }

    @Test
    void cutsLongBodiesAndKeepsTextThatIsNotJson() {
        assertThat(LoggedBodies.forLog(null)).isNull();
        assertThat(LoggedBodies.forLog("")).isNull();
        assertThat(LoggedBodies.forLog("<html>Bad gateway</html>")).isEqualTo("<html>Bad gateway</html>");
        assertThat(LoggedBodies.forLog("Bearer xyz")).isEqualTo(LoggedBodies.MASK);
        String cut = LoggedBodies.forLog("x".repeat(10_000));
        assertThat(cut).startsWith("x".repeat(LoggedBodies.MAX_CHARS)).endsWith("[cut: 10000 characters in all]");
        assertThat(cut.length()).isLessThan(LoggedBodies.MAX_CHARS + 50);
        // a NUL (never storable in PostgreSQL text or jsonb) is replaced, not refused
        assertThat(LoggedBodies.forLog("a\u0000b")).doesNotContain("\u0000");
    }

    @Test
    void aBodyAlreadyParsedIsLoggedExactlyAsItsTextWouldBe_andCopiedOnlyWhenSomethingIsMasked() throws Exception {
        for (String body : new String[] {
                "{\"email\":\"a@example.com\",\"tags\":[\"buyer\"],\"n\":1.50,\"nested\":{\"ok\":true,\"x\":null}}",
                "{\"contact\":{\"id\":\"c1\",\"apiKey\":\"k\",\"notes\":[\"Bearer abc\",\"fine\"]}}",
                "[{\"a\":\"whsec_x\"},2,\"three\"]",
                "{\"long\":\"" + "y".repeat(5_000) + "\",\"nul\":\"a\\u0000b\"}",
                "\"Bearer xyz\"", "42", "<html>Bad gateway</html>"}) {
            JsonNode parsed;
            try {
                parsed = Json.MAPPER.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                parsed = null;
            }
            assertThat(LoggedBodies.forLog(body, parsed)).as(body).isEqualTo(LoggedBodies.forLog(body));
            if (parsed != null) { // a request body the engine wrote from its node
                String written = Json.write(parsed);
                assertThat(LoggedBodies.forLogWritten(written, parsed)).as(body).isEqualTo(LoggedBodies.forLog(written));
            }
        }
        JsonNode plain = Json.read("{\"email\":\"a@example.com\",\"tags\":[\"buyer\"]}");
        assertThat(LoggedBodies.masked(plain)).isSameAs(plain);
        JsonNode secret = Json.read("{\"email\":\"a@example.com\",\"list\":[{\"password\":\"p\"}]}");
        assertThat(LoggedBodies.masked(secret).path("list").get(0).path("password").asText()).isEqualTo(LoggedBodies.MASK);
        assertThat(secret.path("list").get(0).path("password").asText()).as("the original is left as it was").isEqualTo("p");
    }
}
