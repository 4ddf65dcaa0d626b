package io.hlbridge.engine.triggers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.lang3.time.DurationFormatUtils;

/**
 * The triggers of spec §2: stable ids (used in the API and in rules), display names, categories, and
 * one sentence each saying when it fires, for the people who write rules ({@link #explain}).
 */
public final class TriggerCatalog {
    /**
     * @param explanation when it fires, in words; {@code {prospect_delay}} and {@code {delinquent_after}}
     *                    stand for the settings in force (ENGINE_PROSPECT_DELAY, ENGINE_DELINQUENT_AFTER)
     */
    public record TriggerInfo(String id, String displayName, String category, String explanation) {
    }

    public static final List<TriggerInfo> ALL = List.of(
            new TriggerInfo("product.purchased", "Product Purchased", "ecommerce",
                    "Fires for each product bought in an order, in any role: main product, upsell, downsell, order bump or payment option."),
            new TriggerInfo("upsell.purchased", "Upsell Purchased", "ecommerce",
                    "Fires when a product is bought as an upsell (Product Purchased fires for it too)."),
            new TriggerInfo("product.refunded", "Product Refunded", "ecommerce",
                    "Fires when refunds bring an order item's refunded total up to its full price."),
            new TriggerInfo("product.partially_refunded", "Product Partially Refunded", "ecommerce",
                    "Fires when a refund leaves an order item's refunded total below its price."),
            new TriggerInfo("prospect.created", "Prospect Created (Cart Abandonment)", "ecommerce",
                    "Fires {prospect_delay} after a customer started a checkout, unless that customer bought that product in the meantime."),
            new TriggerInfo("subscription.charged", "Subscription Charged", "ecommerce",
                    "Fires on every successful recurring charge."),
            new TriggerInfo("subscription.charge_failed", "Subscription Charge Failed", "ecommerce",
                    "Fires on the first failed charge of a run of failures, not on the ones after it."),
            new TriggerInfo("subscription.delinquent", "Subscription Delinquent", "ecommerce",
                    "Fires on the {delinquent_after} failed charge in a row; Subscription Canceled fires with it."),
            new TriggerInfo("subscription.canceled", "Subscription Canceled", "ecommerce",
                    "Fires when the subscription is canceled, or when it turns delinquent (the {delinquent_after} failed charge in a row)."),
            new TriggerInfo("subscription.recovered", "Subscription Recovered", "ecommerce",
                    "Fires on a successful charge after one or more failed charges in a row (while in dunning)."),
            new TriggerInfo("subscription.restarted", "Subscription Restarted", "ecommerce",
                    "Fires when the merchant restarts a canceled or delinquent subscription."),
            new TriggerInfo("subscription.completed", "Subscription Completed", "ecommerce",
                    "Fires on the final successful charge of a subscription with a limited number of payments."),
            new TriggerInfo("course.enrolled", "Course Enrolled", "courses",
                    "Fires when a student is enrolled in a course."),
            new TriggerInfo("course.completed", "Course Completed", "courses",
                    "Fires when a student completes a course."),
            new TriggerInfo("lesson.completed", "Lesson Completed", "courses",
                    "Fires when a student completes a lesson of a course."));

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

    /** The trigger's sentence with the delay and threshold the engine runs with. */
    public static String explain(TriggerInfo trigger, Duration prospectDelay, int delinquentAfter) {
        return trigger.explanation()
                .replace("{prospect_delay}", inWords(prospectDelay))
                .replace("{delinquent_after}", ordinal(delinquentAfter));
    }

    /** PT2H → "2 hours", PT90M → "1 hour 30 minutes", PT0S → "immediately". */
    static String inWords(Duration duration) {
        if (duration.isZero()) {
            return "immediately";
        }
        return DurationFormatUtils.formatDurationWords(duration.toMillis(), true, true);
    }

    /** 1 → "1st", 4 → "4th", 12 → "12th", 22 → "22nd". */
    static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
