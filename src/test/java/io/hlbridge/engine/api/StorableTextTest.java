package io.hlbridge.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StorableTextTest {
    @Test
    void textPostgresqlCannotStoreIsFoundAndCleaned() {
        assertThat(StorableText.storable("René 😀")).isTrue();
        assertThat(StorableText.storable("a\u0000b")).isFalse();
        assertThat(StorableText.storable("a\ud800")).isFalse();
        assertThat(StorableText.storable("\udc00a")).isFalse();
        assertThat(StorableText.clean("a\u0000b\ud800 😀")).isEqualTo("a\uFFFDb\uFFFD 😀");
        assertThat(StorableText.clean(null)).isNull();
    }

    @Test
    void aBodyWithANulIsA400NamingTheField_evenAsAnOverlongUtf8Form() {
        byte[] escaped = "{\"a\":{\"b\":[\"ok\",\"x\\u0000\"]}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.requestObject(escaped))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.getMessage()).startsWith("a.b[1]:"));
        // 0xC0 0x80: not valid UTF-8, but a decoder that does not check decodes it to NUL
        byte[] overlong = {'{', '"', 'n', '"', ':', '"', 'x', (byte) 0xC0, (byte) 0x80, '"', '}'};
        assertThatThrownBy(() -> Json.requestObject(overlong)).isInstanceOf(ProblemException.class);
        assertThat(Json.requestObject("{\"n\":\"Ren\\u00e9 \\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8)).path("n").asText())
                .isEqualTo("René 😀");
    }
}
