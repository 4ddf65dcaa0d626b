package io.hlbridge.engine.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleReturnTest {
    private final ConsoleReturn localhost = new ConsoleReturn("http://localhost:8080/");
    private final ConsoleReturn hosted = new ConsoleReturn("https://engine.example.com");

    @Test
    void theConsolesOwnOriginIsRememberedWhenItIsThePublicOneOrALoopbackOne() {
        assertThat(localhost.acceptedOrigin("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1/marketplaces/m/integrations"))
                .hasValue("http://127.0.0.1:8080");
        assertThat(localhost.acceptedOrigin("http://[::1]:8080", "http://[::1]:8080/api/v1/x")).hasValue("http://[::1]:8080");
        assertThat(hosted.acceptedOrigin("https://engine.example.com", "https://engine.example.com/api/v1/x"))
                .hasValue("https://engine.example.com");
        assertThat(hosted.acceptedOrigin("http://localhost:9000", "http://localhost:9000/api/v1/x")).hasValue("http://localhost:9000");
    }

    @Test
    void anyOtherOriginIsDroppedSoTheCallbackIsNeverAnOpenRedirect() {
        // a foreign host, even when the request claims to be addressed to it (a client can send any Host)
        assertThat(hosted.acceptedOrigin("https://evil.example", "https://evil.example/api/v1/x")).isEmpty();
        assertThat(localhost.acceptedOrigin("http://192.168.1.5:8080", "http://192.168.1.5:8080/api/v1/x")).isEmpty();
        assertThat(localhost.acceptedOrigin("http://localhost.evil.example", "http://localhost.evil.example/api/v1/x")).isEmpty();
        // an Origin the request was not addressed to
        assertThat(localhost.acceptedOrigin("http://127.0.0.1:9999", "http://127.0.0.1:8080/api/v1/x")).isEmpty();
        // not a bare http(s) origin
        assertThat(localhost.acceptedOrigin("null", "http://localhost:8080/api/v1/x")).isEmpty();
        assertThat(localhost.acceptedOrigin("http://localhost:8080/console/", "http://localhost:8080/api/v1/x")).isEmpty();
        assertThat(localhost.acceptedOrigin("javascript:alert(1)", "http://localhost:8080/api/v1/x")).isEmpty();
        assertThat(localhost.acceptedOrigin("http://user@localhost:8080", "http://localhost:8080/api/v1/x")).isEmpty();
        assertThat(localhost.acceptedOrigin(null, "http://localhost:8080/api/v1/x")).isEmpty();
    }

    @Test
    void theWayBackIsTheIntegrationsRowInThatConsole() {
        assertThat(localhost.integrationPage(Optional.of("http://127.0.0.1:8080"), "int_1"))
                .isEqualTo("http://127.0.0.1:8080/console/#integrations/int_1");
        assertThat(hosted.integrationPage(Optional.empty(), "int_1")).isEqualTo("https://engine.example.com/console/#integrations/int_1");
        assertThat(hosted.console(Optional.empty())).isEqualTo("https://engine.example.com/console/");
    }
}
