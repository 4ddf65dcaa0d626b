package io.hlbridge.engine.actions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {{…}}} placeholders of action params (spec §5): a text such as
 * {@code "{{product.name}} – {{customer.email}}"}, checked when the rule is saved (an unknown
 * placeholder is refused) and rendered from the store event when the job is queued.
 */
public final class Templates {
    /** The placeholders spec §5 offers, in its order. */
    public static final List<String> PLACEHOLDERS = List.of("customer.email", "customer.first_name", "customer.last_name",
            "product.id", "product.name", "order.id", "order.total", "order.currency", "subscription.id", "trigger",
            "occurred_at");
    private static final Set<String> KNOWN = Set.copyOf(PLACEHOLDERS);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    private Templates() {
    }

    /** The placeholders of {@code text} that spec §5 does not offer (empty: the text is fine). */
    public static List<String> unknown(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** {@code text} with each placeholder replaced by its value ({@code ""} when the event had none). */
    public static String render(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
