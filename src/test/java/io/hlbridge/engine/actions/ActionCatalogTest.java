package io.hlbridge.engine.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.triggers.Customer;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.EventFacts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the declarations of routes/actions/*.camel.yaml (as Camel's YAML DSL loads them) tell the rest of
 * the engine: the calls an attempt books from its first one on, the templates and their values.
 * The HTTP side of each is ActionsIT's.
 */
class ActionCatalogTest {
    static final ActionCatalog ACTIONS = DeclaredActions.catalog();

    static ActionDeclaration declared(String id) {
        return ACTIONS.require(id).declaration();
    }

    @Test
    void pacingBooksTheDeclaredCallsFromTheFirstOneOn() {
        assertThat(declared("add_tags").callsFrom("POST", "/contacts/upsert", true)).isEqualTo(2);
        assertThat(declared("add_tags").callsFrom("POST", "/contacts/c_1/tags", true)).as("contact remembered").isEqualTo(1);
        assertThat(declared("create_contact").callsFrom("POST", "/contacts/upsert", true)).isEqualTo(2);
        assertThat(declared("create_contact").callsFrom("POST", "/contacts/upsert", false)).as("no tags, no tags call").isEqualTo(1);
        assertThat(declared("remove_tags").callsFrom("GET", "/contacts/search/duplicate", true)).isEqualTo(2);
        assertThat(declared("add_to_workflow").callsFrom("POST", "/contacts/c_1/workflow/wf_1", false)).isEqualTo(1);
        assertThat(declared("upsert_opportunity").callsFrom("POST", "/contacts/upsert", false)).isEqualTo(2);
        assertThat(declared("update_fields").callsFrom("POST", "/contacts/upsert", false)).isEqualTo(1);
        assertThat(declared("add_note").callsFrom("GET", "/somewhere/else", false)).as("an undeclared call counts one").isEqualTo(1);
    }

    @Test
    void anActionNoFileDeclaresIsUnknown_sayingSo() {
        assertThat(ACTIONS.find("send_sms")).isEmpty();
        assertThatThrownBy(() -> ACTIONS.require("send_sms")).isInstanceOf(UnknownAction.class)
                .hasMessage("unknown action 'send_sms': this engine cannot perform it");
    }

    @Test
    void aDeclarationWithoutItsRouteOrWithABadSchemaIsRefused() {
        ActionDeclaration d = new ActionDeclaration();
        d.setId("send_sms");
        d.setDisplayName("Send SMS");
        assertThatThrownBy(() -> new ActionCatalog(() -> List.of(d), id -> false).list())
                .hasMessageContaining("without its route").hasMessageContaining("direct:action-send_sms");
        d.setParams("type: array");
        assertThatThrownBy(() -> new ActionCatalog(() -> List.of(d), id -> true).list()).hasMessageContaining("type object");
    }

    @Test
    void templatesAreRenderedFromTheEvent_theTotalInTheCurrencysMajorUnit() {
        Customer ada = new Customer("ada@example.com", "Ada", null, null, null, null, null, null, null);
        EventFacts usd = new EventFacts("o1", 4990L, "USD", null, Instant.parse("2026-11-26T10:00:00Z"), Map.of("p1", 1999L));
        Map<String, String> values = EventFacts.templateValues(new DerivedTrigger("product.purchased", "p1", "Course", ada, true, "", usd));
        assertThat(Templates.render("{{customer.first_name}} {{customer.last_name}}: {{product.name}} {{order.total}} {{order.currency}} at {{ occurred_at }}",
                values)).isEqualTo("Ada : Course 49.90 USD at 2026-11-26T10:00:00Z");
        assertThat(values.get("item.price")).isEqualTo("19.99");
        EventFacts yen = new EventFacts("o2", 4990L, "JPY", null, null, Map.of());
        assertThat(yen.orderTotal().toPlainString()).as("no minor unit").isEqualTo("4990");
        assertThat(Templates.unknown("{{order.total}} {{order.secret}} {{trigger}} {{}}")).containsExactly("order.secret", "");
    }

    @Test
    void paramsGetTheirDefaults_andOnlyTemplatesAreRendered() {
        ActionParams opportunity = ACTIONS.require("upsert_opportunity").params();
        JsonNode saved = opportunity.check(Json.read("{\"pipeline_id\":\"{{trigger}}\",\"stage_id\":\"s\"}"));
        assertThat(saved.path("status").asText()).isEqualTo("open");
        assertThat(saved.path("monetary_value").asText()).isEqualTo("none");
        JsonNode rendered = opportunity.render(saved, Map.of("product.name", "Course", "customer.email", "a@b.c", "trigger", "t"));
        assertThat(rendered.path("name").asText()).isEqualTo("Course – a@b.c");
        assertThat(rendered.path("pipeline_id").asText()).as("not a template").isEqualTo("{{trigger}}");
    }
}
