package io.hlbridge.engine.triggers;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The triggers of spec §2: stable ids (used in the API and in rules), display names, categories. */
public final class TriggerCatalog {
    public record TriggerInfo(String id, String displayName, String category) {
    }

    public static final List<TriggerInfo> ALL = List.of(
            new TriggerInfo("product.purchased", "Product Purchased", "ecommerce"),
            new TriggerInfo("upsell.purchased", "Upsell Purchased", "ecommerce"),
            new TriggerInfo("product.refunded", "Product Refunded", "ecommerce"),
            new TriggerInfo("product.partially_refunded", "Product Partially Refunded", "ecommerce"),
            new TriggerInfo("prospect.created", "Prospect Created (Cart Abandonment)", "ecommerce"),
            new TriggerInfo("subscription.charged", "Subscription Charged", "ecommerce"),
            new TriggerInfo("subscription.charge_failed", "Subscription Charge Failed", "ecommerce"),
            new TriggerInfo("subscription.delinquent", "Subscription Delinquent", "ecommerce"),
            new TriggerInfo("subscription.canceled", "Subscription Canceled", "ecommerce"),
            new TriggerInfo("subscription.recovered", "Subscription Recovered", "ecommerce"),
            new TriggerInfo("subscription.restarted", "Subscription Restarted", "ecommerce"),
            new TriggerInfo("subscription.completed", "Subscription Completed", "ecommerce"),
            new TriggerInfo("course.enrolled", "Course Enrolled", "courses"),
            new TriggerInfo("course.completed", "Course Completed", "courses"),
            new TriggerInfo("lesson.completed", "Lesson Completed", "courses"));

    private static final Map<String, TriggerInfo> BY_ID =
            ALL.stream().collect(Collectors.toUnmodifiableMap(TriggerInfo::id, Function.identity()));

    private TriggerCatalog() {
    }

    public static boolean isKnown(String id) {
        return id != null && BY_ID.containsKey(id);
    }

    public static Optional<TriggerInfo> find(String id) {
        return Optional.ofNullable(id == null ? null : BY_ID.get(id));
    }
}
