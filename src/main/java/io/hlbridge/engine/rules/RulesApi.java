package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import org.apache.camel.Exchange;
import org.jdbi.v3.core.Jdbi;

/**
 * Handlers of {@code …/marketplaces/{marketplaceId}/rules} (spec §4) and the products seen in events
 * (the trigger catalog is {@link TriggersApi}). Authentication already ran (AdminAuth).
 */
public final class RulesApi {
    private final RuleStore store;
    private final RuleDryRun dryRun;
    private final Jdbi jdbi;
    private final ActionCatalog actions;

    public RulesApi(RuleStore store, RuleDryRun dryRun, Jdbi jdbi, ActionCatalog actions) {
        this.store = store;
        this.dryRun = dryRun;
        this.jdbi = jdbi;
        this.actions = actions;
    }

    public void list(Exchange exchange) {
        String scope = exchange.getMessage().getHeader("scope", String.class);
        if (scope != null && !scope.isBlank() && !RuleInput.SCOPES.contains(scope)) {
            throw ProblemException.invalidField("scope", "must be 'global' or 'product'");
        }
        ObjectNode out = Json.object();
        var items = out.putArray("items");
        store.list(marketplace(exchange), blank(scope), blank(exchange.getMessage().getHeader("product_id", String.class)))
                .forEach(r -> items.add(r.view()));
        HttpReplies.json(exchange, 200, out);
    }

    public void create(Exchange exchange) {
        RuleInput in = RuleInput.from(body(exchange), actions);
        HttpReplies.json(exchange, 201, store.create(marketplace(exchange), in).view());
    }

    public void get(Exchange exchange) {
        HttpReplies.json(exchange, 200, existing(exchange).view());
    }

    public void replace(Exchange exchange) {
        existing(exchange);
        RuleInput in = RuleInput.from(body(exchange), actions);
        HttpReplies.json(exchange, 200, store.replace(marketplace(exchange), ruleId(exchange), in).orElseThrow(() -> notFound(exchange)).view());
    }

    public void patch(Exchange exchange) {
        Rule rule = existing(exchange);
        RuleInput in = RuleInput.patch(rule, body(exchange), actions);
        HttpReplies.json(exchange, 200, store.replace(marketplace(exchange), rule.id(), in).orElseThrow(() -> notFound(exchange)).view());
    }

    public void delete(Exchange exchange) {
        if (!store.delete(marketplace(exchange), ruleId(exchange))) {
            throw notFound(exchange);
        }
        HttpReplies.noContent(exchange);
    }

    /** {@code POST …/rules/{ruleId}/test}: a dry run with a sample store event; calls nothing, stores nothing. */
    public void test(Exchange exchange) {
        Rule rule = existing(exchange);
        HttpReplies.json(exchange, 200, dryRun.run(rule, exchange.getMessage().getBody(byte[].class)));
    }

    /** {@code GET /api/v1/actions}: the actions the route files declare (spec §4). */
    public void actions(Exchange exchange) {
        HttpReplies.json(exchange, 200, actions.view());
    }

    /** {@code GET …/products}: products seen in this marketplace's events, for product rules. */
    public void products(Exchange exchange) {
        ObjectNode out = Json.object();
        var items = out.putArray("items");
        jdbi.useHandle(h -> h.createQuery("""
                SELECT product_id, product_name FROM product_seen WHERE marketplace_id = :m
                 ORDER BY lower(coalesce(product_name, product_id)) LIMIT 1000""")
                .bind("m", marketplace(exchange))
                .map((rs, ctx) -> items.addObject().put("product_id", rs.getString(1)).put("product_name", rs.getString(2)))
                .list());
        HttpReplies.json(exchange, 200, out);
    }

    private Rule existing(Exchange exchange) {
        return store.find(marketplace(exchange), ruleId(exchange)).orElseThrow(() -> notFound(exchange));
    }

    private static ProblemException notFound(Exchange exchange) {
        return ProblemException.notFound("no rule '" + ruleId(exchange) + "' in this marketplace");
    }

    private static ObjectNode body(Exchange exchange) {
        return Json.requestObject(exchange.getMessage().getBody(byte[].class));
    }

    private static String marketplace(Exchange exchange) {
        return exchange.getMessage().getHeader("marketplaceId", String.class);
    }

    private static String ruleId(Exchange exchange) {
        return exchange.getMessage().getHeader("ruleId", String.class);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
