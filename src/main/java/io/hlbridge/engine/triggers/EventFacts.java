package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a trigger's store event said beyond the customer and the product, for the actions' templates
 * (spec §5: {@code order.id}, {@code order.total}, {@code order.currency}, {@code subscription.id},
 * {@code occurred_at}) and an opportunity's value (the order's total or the item's price). A field
 * the event did not send is null.
 */
public record EventFacts(String orderId, Long orderTotalCents, String currency, String subscriptionId, Instant occurredAt,
                         Map<String, Long> itemPriceCents) {
    public static final EventFacts NONE = new EventFacts(null, null, null, null, null, Map.of());

    public static EventFacts of(JsonNode event, Instant occurredAt) {
        JsonNode order = event.path("order");
        Map<String, Long> prices = new LinkedHashMap<>();
        for (JsonNode item : event.path("items")) {
            if (item.path("price_cents").isNumber()) {
                prices.putIfAbsent(item.path("product_id").asText(), item.path("price_cents").asLong());
            }
        }
        String subscription = event.path("subscription").path("id").isValueNode() ? event.path("subscription").path("id").asText(null) : null;
        return new EventFacts(order.path("id").isValueNode() ? order.path("id").asText(null) : null,
                order.path("total_cents").isNumber() ? order.path("total_cents").asLong() : null,
                order.path("currency").isTextual() ? order.path("currency").asText() : null,
                subscription, occurredAt, Map.copyOf(prices));
    }

    /** The order's total in the currency's major unit ({@code 4900} cents of USD → {@code 49.00}), or null. */
    public BigDecimal orderTotal() {
        return majorUnits(orderTotalCents);
    }

    /** The price of the order's item of {@code productId} in the major unit, or null. */
    public BigDecimal itemPrice(String productId) {
        return majorUnits(productId == null ? null : itemPriceCents.get(productId));
    }

    private BigDecimal majorUnits(Long minor) {
        if (minor == null) {
            return null;
        }
        int digits = 2;
        try {
            if (currency != null) {
                digits = Math.max(0, Currency.getInstance(currency.trim().toUpperCase(java.util.Locale.ROOT)).getDefaultFractionDigits());
            }
        } catch (IllegalArgumentException unknownCurrency) {
            digits = 2;
        }
        return BigDecimal.valueOf(minor, digits);
    }

    /** The values of spec §5's placeholders for {@code trigger}; a value the event lacks is absent. */
    public static Map<String, String> templateValues(DerivedTrigger trigger) {
        Map<String, String> v = new LinkedHashMap<>();
        Customer c = trigger.customer();
        EventFacts f = trigger.facts();
        put(v, "customer.email", c.email());
        put(v, "customer.first_name", c.firstName());
        put(v, "customer.last_name", c.lastName());
        put(v, "product.id", trigger.productId());
        put(v, "product.name", trigger.productName());
        put(v, "order.id", f.orderId());
        put(v, "order.total", f.orderTotal() == null ? null : f.orderTotal().toPlainString());
        put(v, "order.currency", f.currency());
        put(v, "subscription.id", f.subscriptionId());
        put(v, "trigger", trigger.trigger());
        put(v, "occurred_at", f.occurredAt() == null ? null : f.occurredAt().toString());
        // not a placeholder (spec §5 lists none for it): an opportunity's value from the item's price
        put(v, "item.price", f.itemPrice(trigger.productId()) == null ? null : f.itemPrice(trigger.productId()).toPlainString());
        return v;
    }

    private static void put(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
