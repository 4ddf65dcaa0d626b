package io.hlbridge.engine.sources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Small helpers the platform translators share to build store events of PRODUCT.md §3: the common
 * fields, a customer without the fields a platform did not send, amounts in cents.
 */
public final class StoreEvents {
    private static final java.util.regex.Pattern PLAIN_DECIMAL = java.util.regex.Pattern.compile("-?\\d{1,40}(\\.\\d{0,20})?");

    private StoreEvents() {
    }

    /** {@code {"type", "occurred_at", "test_mode", "customer"}}; occurredAt may be null. */
    public static ObjectNode event(String type, Instant occurredAt, boolean testMode, ObjectNode customer) {
        ObjectNode event = Json.object();
        event.put("type", type);
        if (occurredAt != null) {
            event.put("occurred_at", occurredAt.toString());
        }
        event.put("test_mode", testMode);
        event.set("customer", customer);
        return event;
    }

    /** A customer; throws {@link Untranslatable} without an email. Blank values are left out. */
    public static ObjectNode customer(String id, String email, String firstName, String lastName, String phone) {
        if (blank(email)) {
            throw new Untranslatable("the delivery names no customer email");
        }
        ObjectNode c = Json.object();
        putText(c, "id", id);
        c.put("email", email.trim());
        putText(c, "first_name", firstName);
        putText(c, "last_name", lastName);
        putText(c, "phone", phone);
        return c;
    }

    /** Adds {@code address} to a customer when any part of it is known. */
    public static ObjectNode withAddress(ObjectNode customer, String line1, String city, String state, String postalCode,
                                         String country) {
        ObjectNode a = Json.object();
        putText(a, "line1", line1);
        putText(a, "city", city);
        putText(a, "state", state);
        putText(a, "postal_code", postalCode);
        putText(a, "country", country);
        if (!a.isEmpty()) {
            customer.set("address", a);
        }
        return customer;
    }

    /** Puts a text field unless it is null or blank (store events leave out what the store did not send). */
    public static void putText(ObjectNode node, String field, String value) {
        if (!blank(value)) {
            node.put(field, value.trim());
        }
    }

    /**
     * "97.00", "97", "97.5" → 9700, 9700, 9750; throws {@link Untranslatable} naming the field otherwise.
     * Plain decimals only: an exponent ("1e99999999") would make BigDecimal work for minutes.
     */
    public static long cents(String decimal, String field) {
        if (blank(decimal)) {
            throw new Untranslatable(field + " is missing");
        }
        if (!PLAIN_DECIMAL.matcher(decimal.trim()).matches()) {
            throw new Untranslatable(field + " is not an amount: '" + clip(decimal) + "'");
        }
        try {
            return new BigDecimal(decimal.trim()).movePointRight(2).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new Untranslatable(field + " is not an amount: '" + clip(decimal) + "'");
        }
    }

    /** A required text value, or {@link Untranslatable} naming the field. */
    public static String required(String value, String field) {
        if (blank(value)) {
            throw new Untranslatable(field + " is missing");
        }
        return value.trim();
    }

    public static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
