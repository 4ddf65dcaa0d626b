package io.hlbridge.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.actions.DeclaredActions;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rule's validation (spec §4), field by field: every problem is a 400 naming its field, tags are
 * trimmed and de-duplicated, and what a PATCH leaves out keeps the rule's value. Whether the
 * integration exists (and is the marketplace's) is RulesApi's and RulesApiIT's.
 */
class RuleInputTest {
    static final ActionCatalog ACTIONS = DeclaredActions.catalog();

    static ObjectNode body(String json) {
        return (ObjectNode) Json.read(json);
    }

    static ObjectNode rule(String scope, String productId, String trigger, String action, String tagsJson) {
        ObjectNode b = body("{\"integration_id\":\"int_1\"}");
        b.put("scope", scope);
        if (productId != null) {
            b.put("product_id", productId);
        }
        b.put("trigger", trigger);
        b.put("action", action);
        if (tagsJson != null) {
            b.set("tags", Json.read(tagsJson));
        }
        return b;
    }

    /** The 400 refusing {@code body}: its field, and its detail (which names the field too). */
    static ProblemException refused(ObjectNode body) {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> RuleInput.from(body, ACTIONS));
        assertThat(p).as("refused: " + body).isNotNull();
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.getMessage()).startsWith(p.field() + ": ");
        return p;
    }

    static String fieldRefused(ObjectNode body) {
        return refused(body).field();
    }

    static Rule existing(String scope, String productId, String action, List<String> tags, boolean enabled) {
        OffsetDateTime t = OffsetDateTime.parse("2026-11-26T10:00:00Z");
        return new Rule("rul_1", "mkt_1", scope, productId, "product.purchased", "int_1", action, tags, Json.object(), enabled, t, t);
    }

    // ---- scope and product_id ----

    @Test
    void aProductRuleKeepsItsTrimmedProduct_aGlobalRuleHasNone() {
        RuleInput product = RuleInput.from(rule("product", "  prod_1 ", "product.purchased", "add_tags", "[\"a\"]"), ACTIONS);
        assertThat(product.scope()).isEqualTo("product");
        assertThat(product.productId()).isEqualTo("prod_1");
        assertThat(product.enabled()).as("a new rule is enabled unless told otherwise").isTrue();

        RuleInput global = RuleInput.from(rule("global", null, "product.purchased", "add_tags", "[\"a\"]"), ACTIONS);
        assertThat(global.scope()).isEqualTo("global");
        assertThat(global.productId()).isNull();
        assertThat(RuleInput.from(rule("global", "  ", "product.purchased", "add_tags", "[\"a\"]"), ACTIONS).productId())
                .as("a blank product on a global rule is no product").isNull();
    }

    @Test
    void theScopeIsRequiredAndIsGlobalOrProduct() {
        ObjectNode none = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        none.remove("scope");
        assertThat(refused(none).getMessage()).isEqualTo("scope: is required: 'global' or 'product'");
        assertThat(fieldRefused(rule("everything", null, "product.purchased", "add_tags", "[\"a\"]"))).isEqualTo("scope");
        assertThat(fieldRefused(rule("Global", null, "product.purchased", "add_tags", "[\"a\"]"))).isEqualTo("scope");
        ObjectNode notText = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        notText.put("scope", 1);
        assertThat(refused(notText).getMessage()).isEqualTo("scope: must be a string");
    }

    @Test
    void aProductRuleNeedsItsProduct_andAGlobalRuleMustNotNameOne() {
        assertThat(refused(rule("product", null, "product.purchased", "add_tags", "[\"a\"]")).getMessage())
                .isEqualTo("product_id: is required when scope is 'product'");
        assertThat(fieldRefused(rule("product", "   ", "product.purchased", "add_tags", "[\"a\"]"))).isEqualTo("product_id");
        ObjectNode nul = rule("product", null, "product.purchased", "add_tags", "[\"a\"]");
        nul.putNull("product_id");
        assertThat(fieldRefused(nul)).isEqualTo("product_id");
        assertThat(refused(rule("global", "prod_1", "product.purchased", "add_tags", "[\"a\"]")).getMessage())
                .isEqualTo("product_id: must be absent when scope is 'global'");
    }

    /** Security review #10: a 20 KB product_id made a 500 (index row too large); webhooks cap it at 255. */
    @Test
    void aProductIdIsAtMost255Characters_asInTheWebhooks() {
        String max = "p".repeat(255);
        assertThat(RuleInput.from(rule("product", max, "product.purchased", "add_tags", "[\"a\"]"), ACTIONS).productId()).isEqualTo(max);
        assertThat(RuleInput.from(rule("product", "  " + max + "  ", "product.purchased", "add_tags", "[\"a\"]"), ACTIONS).productId())
                .as("counted after trimming").isEqualTo(max);
        String emoji = "\uD83D\uDE00".repeat(255); // 255 characters, 510 UTF-16 units: the webhook schema's count
        assertThat(RuleInput.from(rule("product", emoji, "product.purchased", "add_tags", "[\"a\"]"), ACTIONS).productId()).isEqualTo(emoji);

        ProblemException tooLong = refused(rule("product", "p".repeat(256), "product.purchased", "add_tags", "[\"a\"]"));
        assertThat(tooLong.field()).isEqualTo("product_id");
        assertThat(tooLong.getMessage()).isEqualTo("product_id: must be at most 255 characters");
        assertThat(fieldRefused(rule("product", "p".repeat(20 * 1024), "product.purchased", "add_tags", "[\"a\"]")))
                .isEqualTo("product_id");
    }

    // ---- trigger, integration, action ----

    @Test
    void anUnknownOrMissingTriggerIsRefusedNamingIt() {
        assertThat(refused(rule("global", null, "product.exploded", "add_tags", "[\"a\"]")).getMessage())
                .isEqualTo("trigger: is not a known trigger (see GET /api/v1/triggers)");
        ObjectNode none = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        none.remove("trigger");
        assertThat(refused(none).getMessage()).isEqualTo("trigger: is required");
        assertThat(RuleInput.from(rule("global", null, " course.completed ", "add_tags", "[\"a\"]"), ACTIONS).trigger())
                .isEqualTo("course.completed");
    }

    @Test
    void theIntegrationIsRequired() {
        ObjectNode none = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        none.remove("integration_id");
        assertThat(refused(none).getMessage()).isEqualTo("integration_id: is required");
        ObjectNode blank = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        blank.put("integration_id", "  ");
        assertThat(fieldRefused(blank)).isEqualTo("integration_id");
    }

    @Test
    void anUnknownOrMissingActionIsRefusedNamingIt() {
        assertThat(refused(rule("global", null, "product.purchased", "send_email", "[\"a\"]")).getMessage())
                .isEqualTo("action: must be one of create_contact, add_tags, remove_tags, add_to_workflow, remove_from_workflow, "
                        + "upsert_opportunity, add_note, update_fields (see GET /api/v1/actions)");
        ObjectNode none = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        none.remove("action");
        assertThat(fieldRefused(none)).isEqualTo("action");
        assertThat(fieldRefused(rule("global", null, "product.purchased", "ADD_TAGS", "[\"a\"]"))).isEqualTo("action");
    }

    // ---- tags ----

    @Test
    void tagsAreTrimmedAndDeduplicated_keepingTheFirstSpelling() {
        RuleInput input = RuleInput.from(rule("product", "prod_1", "product.purchased", "add_tags",
                "[\" customer \",\"course-x\",\"Customer\",\"course-x \",\"CUSTOMER\"]"), ACTIONS);
        assertThat(input.tags()).containsExactly("customer", "course-x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"add_tags", "remove_tags"})
    void addingOrRemovingTagsNeedsOneToTwentyTags(String action) {
        assertThat(refused(rule("global", null, "product.purchased", action, null)).getMessage())
                .isEqualTo("tags: is required for " + action + ": 1 to 20 tags");
        assertThat(fieldRefused(rule("global", null, "product.purchased", action, "[]"))).isEqualTo("tags");
        assertThat(fieldRefused(rule("global", null, "product.purchased", action, "null"))).isEqualTo("tags");
        assertThat(RuleInput.from(rule("global", null, "product.purchased", action, tags(20)), ACTIONS).tags()).hasSize(20);
        assertThat(refused(rule("global", null, "product.purchased", action, tags(21))).getMessage())
                .isEqualTo("tags: must hold at most 20 tags");
    }

    @Test
    void twentyOneTagsThatAreTwentyOnceDeduplicatedAreFine() {
        String json = tags(20).replace("]", ",\" t0 \"]");
        assertThat(RuleInput.from(rule("global", null, "product.purchased", "add_tags", json), ACTIONS).tags()).hasSize(20);
    }

    @Test
    void tagsAreOptionalToCreateAContact() {
        assertThat(RuleInput.from(rule("global", null, "product.purchased", "create_contact", null), ACTIONS).tags()).isEmpty();
        assertThat(RuleInput.from(rule("global", null, "product.purchased", "create_contact", "[]"), ACTIONS).tags()).isEmpty();
        assertThat(RuleInput.from(rule("global", null, "product.purchased", "create_contact", "[\" vip \"]"), ACTIONS).tags())
                .containsExactly("vip");
        assertThat(fieldRefused(rule("global", null, "product.purchased", "create_contact", tags(21)))).isEqualTo("tags");
    }

    @Test
    void eachTagIsOneToAHundredCharactersAfterTrimming_namedByItsIndex() {
        String hundred = "x".repeat(100);
        assertThat(RuleInput.from(rule("global", null, "product.purchased", "add_tags", "[\"  " + hundred + "  \"]"), ACTIONS).tags())
                .containsExactly(hundred);
        assertThat(refused(rule("global", null, "product.purchased", "add_tags", "[\"a\",\"" + "x".repeat(101) + "\"]")).getMessage())
                .isEqualTo("tags[1]: must be 1 to 100 characters after trimming");
        assertThat(fieldRefused(rule("global", null, "product.purchased", "add_tags", "[\"a\",\"b\",\"   \"]"))).isEqualTo("tags[2]");
        assertThat(fieldRefused(rule("global", null, "product.purchased", "add_tags", "[\"\"]"))).isEqualTo("tags[0]");
        assertThat(refused(rule("global", null, "product.purchased", "add_tags", "[\"a\",7]")).getMessage())
                .isEqualTo("tags[1]: must be a string");
        assertThat(refused(rule("global", null, "product.purchased", "add_tags", "\"a,b\"")).getMessage())
                .isEqualTo("tags: must be an array of strings");
    }

    // ---- enabled ----

    @Test
    void enabledIsABoolean() {
        ObjectNode off = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        off.put("enabled", false);
        assertThat(RuleInput.from(off, ACTIONS).enabled()).isFalse();
        ObjectNode text = rule("global", null, "product.purchased", "add_tags", "[\"a\"]");
        text.put("enabled", "false");
        assertThat(refused(text).getMessage()).isEqualTo("enabled: must be true or false");
    }

    // ---- PATCH ----

    @Test
    void aPatchKeepsWhatItDoesNotName() {
        Rule rule = existing("product", "prod_1", "add_tags", List.of("customer"), false);
        RuleInput renamed = RuleInput.patch(rule, body("{\"tags\":[\"buyer\",\" Buyer\"]}"), ACTIONS);
        assertThat(renamed).isEqualTo(new RuleInput("product", "prod_1", "product.purchased", "int_1", "add_tags",
                List.of("buyer"), Json.object(), false));
        assertThat(RuleInput.patch(rule, body("{\"enabled\":true}"), ACTIONS).enabled()).isTrue();
        assertThat(RuleInput.patch(rule, body("{}"), ACTIONS)).isEqualTo(new RuleInput("product", "prod_1", "product.purchased", "int_1",
                "add_tags", List.of("customer"), Json.object(), false));
    }

    @Test
    void aPatchIsValidatedAsAWhole() {
        Rule product = existing("product", "prod_1", "create_contact", List.of(), true);
        assertThat(catchThrowableOfType(ProblemException.class,
                () -> RuleInput.patch(product, body("{\"action\":\"add_tags\"}"), ACTIONS)).field())
                .as("add_tags without tags, even when only the action changed").isEqualTo("tags");
        assertThat(catchThrowableOfType(ProblemException.class,
                () -> RuleInput.patch(product, body("{\"product_id\":\"" + "p".repeat(256) + "\"}"), ACTIONS)).field())
                .isEqualTo("product_id");
        RuleInput global = RuleInput.patch(product, body("{\"scope\":\"global\",\"product_id\":null}"), ACTIONS);
        assertThat(global.scope()).isEqualTo("global");
        assertThat(global.productId()).isNull();
        assertThat(catchThrowableOfType(ProblemException.class,
                () -> RuleInput.patch(existing("global", null, "add_tags", List.of("a"), true), body("{\"scope\":\"product\"}"), ACTIONS))
                .field()).isEqualTo("product_id");
    }

    static String tags(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(",", "[", "]"));
    }
}
