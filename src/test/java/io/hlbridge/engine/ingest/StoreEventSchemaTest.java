package io.hlbridge.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hlbridge.engine.api.ProblemException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreEventSchemaTest {
    static final StoreEventSchema SCHEMA = new StoreEventSchema();
    static final String CUSTOMER = "\"customer\":{\"email\":\"ada@example.com\"}";
    static final String SUB = "\"subscription\":{\"id\":\"sub_1\",\"product_id\":\"p\",\"product_name\":\"P\",\"kind\":\"recurring\",\"charge_number\":2}";

    static ProblemException problem(String body) {
        return catchThrowableOfType(ProblemException.class, () -> SCHEMA.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"order.completed\"," + CUSTOMER + ",\"order\":{\"id\":\"o1\",\"total_cents\":100,\"currency\":\"USD\"},\"items\":[{\"product_id\":\"p\",\"product_name\":\"P\",\"role\":\"upsell\",\"price_cents\":100,\"quantity\":1,\"sku\":\"S\"}],\"extra\":{\"ignored\":true}}",
        "{\"type\":\"refund.created\"," + CUSTOMER + ",\"refund\":{\"id\":\"r1\"},\"order\":{\"id\":\"o1\"},\"items\":[{\"product_id\":\"p\",\"price_cents\":100,\"refunded_cents\":50}]}",
        "{\"type\":\"prospect.created\"," + CUSTOMER + ",\"prospect\":{\"id\":\"pr1\"},\"items\":[{\"product_id\":\"p\",\"product_name\":\"P\"}]}",
        "{\"type\":\"subscription.charged\"," + CUSTOMER + "," + SUB + ",\"charge\":{\"id\":\"ch_1\"}}",
        "{\"type\":\"subscription.charge_failed\"," + CUSTOMER + "," + SUB + ",\"charge\":{\"id\":\"ch_1\"}}",
        "{\"type\":\"subscription.canceled\"," + CUSTOMER + ",\"subscription\":{\"id\":\"s\",\"product_id\":\"p\",\"product_name\":\"P\"}}",
        "{\"type\":\"subscription.restarted\"," + CUSTOMER + ",\"subscription\":{\"id\":\"s\",\"product_id\":\"p\",\"product_name\":\"P\"}}",
        "{\"type\":\"course.enrolled\"," + CUSTOMER + ",\"course\":{\"id\":\"c\",\"name\":\"C\"}}",
        "{\"type\":\"course.completed\"," + CUSTOMER + ",\"course\":{\"id\":\"c\",\"name\":\"C\"}}",
        "{\"type\":\"lesson.completed\"," + CUSTOMER + ",\"course\":{\"id\":\"c\",\"name\":\"C\"},\"lesson\":{\"id\":\"l\",\"name\":\"L\"},\"occurred_at\":\"2026-11-26T10:00:00Z\",\"test_mode\":true}"
    })
    void acceptsEveryEventTypeOfTheSpec(String body) {
        assertThatCode(() -> SCHEMA.parse(body.getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
    }

    @Test
    void namesAMissingCustomerEmail() {
        ProblemException p = problem("{\"type\":\"course.enrolled\",\"customer\":{\"first_name\":\"Ada\"},\"course\":{\"id\":\"c\",\"name\":\"C\"}}");
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.field()).isEqualTo("customer.email");
        assertThat(p.getMessage()).isEqualTo("customer.email is required");
    }

    @Test
    void namesTheItemFieldAtFault() {
        ProblemException p = problem("{\"type\":\"order.completed\"," + CUSTOMER + ",\"order\":{\"id\":\"o1\",\"total_cents\":100,\"currency\":\"USD\"},"
                + "\"items\":[{\"product_id\":\"p\",\"product_name\":\"P\",\"role\":\"primary\",\"price_cents\":-1,\"quantity\":1}]}");
        assertThat(p.field()).isEqualTo("items[0].price_cents");
        assertThat(p.getMessage()).contains("at least 0");
    }

    @Test
    void namesAnUnknownTypeOrRole() {
        assertThat(problem("{\"type\":\"order.exploded\"," + CUSTOMER + "}").field()).isEqualTo("type");
        ProblemException role = problem("{\"type\":\"order.completed\"," + CUSTOMER + ",\"order\":{\"id\":\"o1\",\"total_cents\":100,\"currency\":\"USD\"},"
                + "\"items\":[{\"product_id\":\"p\",\"product_name\":\"P\",\"role\":\"gift\",\"price_cents\":1,\"quantity\":1}]}");
        assertThat(role.field()).isEqualTo("items[0].role");
        assertThat(role.getMessage()).contains("upsell");
    }

    @Test
    void requiresTotalChargesForALimitedSubscriptionCharge() {
        ProblemException p = problem("{\"type\":\"subscription.charged\"," + CUSTOMER + ",\"subscription\":{\"id\":\"s\",\"product_id\":\"p\",\"product_name\":\"P\",\"kind\":\"limited\",\"charge_number\":1},\"charge\":{\"id\":\"c\"}}");
        assertThat(p.field()).isEqualTo("subscription.total_charges");
    }

    @Test
    void malformedJsonIsA400InWords() {
        ProblemException p = problem("{\"type\": ");
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.title()).isEqualTo("Malformed JSON");
        assertThat(problem("[1,2]").getMessage()).contains("JSON object");
        assertThat(problem("").status()).isEqualTo(400);
    }

    @Test
    void aWrongTypeIsNamed() {
        ProblemException p = problem("{\"type\":\"course.enrolled\",\"customer\":{\"email\":\"ada@example.com\"},\"course\":{\"id\":7,\"name\":\"C\"}}");
        assertThat(p.field()).isEqualTo("course.id");
        assertThat(p.getMessage()).contains("string");
    }
}
