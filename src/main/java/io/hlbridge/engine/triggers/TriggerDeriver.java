package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.ingest.Inbox;
import io.hlbridge.engine.triggers.DerivationState.Cancellation;
import io.hlbridge.engine.triggers.DerivationState.Failure;
import io.hlbridge.engine.triggers.DerivationState.Fact;
import io.hlbridge.engine.triggers.DerivationState.Item;
import io.hlbridge.engine.triggers.DerivationState.RefundTotal;
import io.hlbridge.engine.triggers.DerivationState.Success;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns one store event (spec §3, already valid) into the triggers of spec §2, in order, keeping the
 * state this needs (docs/triggers.md). A trigger that would fire goes through {@link Fact}: it fires
 * only if the fact it expresses (this order item, this refund, this charge…) has not fired it before,
 * so the same fact reported again under a new webhook-id fires nothing.
 */
public final class TriggerDeriver {
    private final int delinquentAfter;
    private final Duration prospectDelay;

    public TriggerDeriver(int delinquentAfter, Duration prospectDelay) {
        if (delinquentAfter < 1) {
            throw new IllegalArgumentException("delinquentAfter must be at least 1, was " + delinquentAfter);
        }
        if (prospectDelay.isNegative()) {
            throw new IllegalArgumentException("prospectDelay must not be negative, was " + prospectDelay);
        }
        this.delinquentAfter = delinquentAfter;
        this.prospectDelay = prospectDelay;
    }

    /** One accepted event to derive: its marketplace, webhook-id, payload and acceptance. */
    public record Arrival(String marketplaceId, String webhookId, JsonNode event, Instant acceptedAt) {
    }

    /** Runs inside the caller's open transaction (the connection); updates the derived state and returns the triggers in order. */
    public List<DerivedTrigger> derive(Connection connection, String marketplaceId, String webhookId, JsonNode event,
                                       Instant acceptedAt) {
        return derive(connection, List.of(new Arrival(marketplaceId, webhookId, event, acceptedAt))).get(0);
    }

    /**
     * Derives a batch's events in order, inside the caller's open transaction: each event's triggers,
     * in order. Each event's own state (refunds, charges, subscriptions, prospects) is read and written
     * as it is derived; the batch's purchases and the facts its triggers would fire are written at its
     * end, together in one statement, not two per event. Nothing derived reads either table, and a fact two
     * events of the batch share fires for the earlier one, as it would one event at a time.
     */
    public List<List<DerivedTrigger>> derive(Connection connection, List<Arrival> arrivals) {
        StoredState.Batch batch = new StoredState.Batch(connection);
        List<Outcome> outcomes = new ArrayList<>(arrivals.size());
        for (Arrival arrival : arrivals) {
            outcomes.add(outcome(arrival.event(), arrival.acceptedAt(), batch.of(arrival.marketplaceId(), arrival.webhookId())));
        }
        List<Set<Fact>> claimed = batch.claim(outcomes.stream().map(Outcome::facts).toList());
        List<List<DerivedTrigger>> triggers = new ArrayList<>(arrivals.size());
        for (int i = 0; i < outcomes.size(); i++) {
            triggers.add(outcomes.get(i).decide(claimed.get(i)));
        }
        return triggers;
    }

    /**
     * What the event would derive for a customer the engine has never seen, touching no state (the
     * rules dry-run). A prospect is answered as the prospect.created it would fire after the delay.
     */
    public List<DerivedTrigger> preview(JsonNode event) {
        if ("prospect.created".equals(event.path("type").asText())) {
            Customer customer = Customer.from(event.path("customer"));
            return items(event).stream()
                    .map(item -> new DerivedTrigger("prospect.created", item.productId(), item.productName(), customer,
                            true, "after the prospect delay (" + prospectDelay + ") unless bought meanwhile",
                            EventFacts.of(event, occurredAt(event).orElse(Instant.now()))))
                    .toList();
        }
        Outcome fresh = outcome(event, Instant.now(), DerivationState.FRESH);
        return fresh.decide(new HashSet<>(fresh.facts()));
    }

    private Outcome outcome(JsonNode event, Instant acceptedAt, DerivationState state) {
        Instant occurredAt = occurredAt(event).orElse(acceptedAt);
        Outcome out = new Outcome(Customer.from(event.path("customer")), EventFacts.of(event, occurredAt));
        String email = Inbox.orderingKey(event); // the customer, as the inbox orders their events
        switch (event.path("type").asText()) {
            case "order.completed" -> order(event, email, occurredAt, state, out);
            case "refund.created" -> refund(event, state, out);
            case "prospect.created" -> state.scheduleProspects(event.path("prospect").path("id").asText(), email,
                    event.path("customer"), items(event), occurredAt, acceptedAt.plus(prospectDelay));
            case "subscription.charged" -> charged(event, state, out);
            case "subscription.charge_failed" -> chargeFailed(event, state, out);
            case "subscription.canceled" -> canceled(event, state, out);
            case "subscription.restarted" -> restarted(event, state, out);
            case "course.enrolled", "course.completed" -> course(event, email, out);
            case "lesson.completed" -> lesson(event, email, out);
            default -> {
                // The schema admits no other type; nothing to derive.
            }
        }
        return out;
    }

    private static void order(JsonNode event, String email, Instant occurredAt, DerivationState state, Outcome out) {
        String orderId = event.path("order").path("id").asText();
        List<String> products = new ArrayList<>();
        for (JsonNode item : event.path("items")) {
            String productId = item.path("product_id").asText();
            String name = text(item, "product_name");
            String key = key("order", orderId, productId);
            String already = "already fired for order " + orderId + " item " + productId;
            products.add(productId);
            out.candidate("product.purchased", productId, name, key, "bought in order " + orderId, already);
            if ("upsell".equals(item.path("role").asText())) {
                out.candidate("upsell.purchased", productId, name, key, "bought as an upsell in order " + orderId, already);
            }
        }
        state.recordPurchases(email, orderId, products, occurredAt);
    }

    private static void refund(JsonNode event, DerivationState state, Outcome out) {
        String orderId = event.path("order").path("id").asText();
        String refundId = event.path("refund").path("id").asText();
        Map<String, Long> amounts = new LinkedHashMap<>();
        for (JsonNode item : event.path("items")) {
            amounts.putIfAbsent(item.path("product_id").asText(), item.path("refunded_cents").asLong());
        }
        Map<String, RefundTotal> totals = state.applyRefund(orderId, refundId, amounts);
        Set<String> seen = new HashSet<>();
        for (JsonNode item : event.path("items")) {
            String productId = item.path("product_id").asText();
            String name = text(item, "product_name");
            long price = item.path("price_cents").asLong();
            RefundTotal total = totals.get(productId);
            String trigger = total.totalCents() >= price ? "product.refunded" : "product.partially_refunded";
            String orderItem = "order " + orderId + " item " + productId;
            if (!seen.add(productId)) {
                out.suppressed(trigger, productId, name, "item listed twice in refund " + refundId + " of " + orderItem);
            } else if (!total.applied()) {
                out.suppressed(trigger, productId, name, "refund " + refundId + " already counted for " + orderItem);
            } else if (trigger.equals("product.refunded")) {
                out.candidate(trigger, productId, name, key("order", orderId, productId),
                        "refunded in full (" + total.totalCents() + " of " + price + " cents) by refund " + refundId,
                        "already fired for " + orderItem + " (fully refunded before)");
            } else {
                out.candidate(trigger, productId, name, key("refund", refundId, orderId, productId),
                        "refunded " + total.totalCents() + " of " + price + " cents by refund " + refundId,
                        "already fired for refund " + refundId + " of " + orderItem);
            }
        }
    }

    private static void charged(JsonNode event, DerivationState state, Outcome out) {
        Subscription sub = Subscription.of(event);
        String chargeId = event.path("charge").path("id").asText();
        Optional<Success> success = state.succeedCharge(sub.id, chargeId);
        if (success.isEmpty()) {
            out.suppressed("subscription.charged", sub.productId, sub.productName, "charge " + chargeId + " already counted");
            return;
        }
        out.candidate("subscription.charged", sub.productId, sub.productName, key("charge", chargeId),
                "charge " + chargeId + " succeeded", "already fired for charge " + chargeId);
        int run = success.get().run();
        if (success.get().endedRunFailures() > 0) {
            out.candidate("subscription.recovered", sub.productId, sub.productName, key("subscription", sub.id, "run", run),
                    "successful charge after " + success.get().endedRunFailures() + " failed",
                    "already fired for run of failures " + run + " of subscription " + sub.id);
        }
        JsonNode node = event.path("subscription");
        if ("limited".equals(node.path("kind").asText()) && node.hasNonNull("total_charges")
                && node.path("charge_number").asInt() == node.path("total_charges").asInt()) {
            out.candidate("subscription.completed", sub.productId, sub.productName, key("subscription", sub.id),
                    "final charge " + node.path("charge_number").asInt() + " of " + node.path("total_charges").asInt(),
                    "already fired for subscription " + sub.id);
        }
    }

    private void chargeFailed(JsonNode event, DerivationState state, Outcome out) {
        Subscription sub = Subscription.of(event);
        String chargeId = event.path("charge").path("id").asText();
        Optional<Failure> counted = state.failCharge(sub.id, chargeId, delinquentAfter);
        if (counted.isEmpty()) {
            out.suppressed("subscription.charge_failed", sub.productId, sub.productName,
                    "charge " + chargeId + " already counted");
            return;
        }
        Failure failure = counted.get();
        String runKey = key("subscription", sub.id, "run", failure.run());
        if (failure.failures() == 1) {
            out.candidate("subscription.charge_failed", sub.productId, sub.productName, runKey,
                    "first failed charge of a run", "already fired for run of failures " + failure.run() + " of subscription " + sub.id);
        } else {
            out.suppressed("subscription.charge_failed", sub.productId, sub.productName,
                    "failed charge " + failure.failures() + " in a row; only the first of a run fires");
        }
        if (failure.failures() == delinquentAfter) {
            out.candidate("subscription.delinquent", sub.productId, sub.productName, runKey,
                    failure.failures() + " failed charges in a row",
                    "already fired for run of failures " + failure.run() + " of subscription " + sub.id);
            out.candidate("subscription.canceled", sub.productId, sub.productName, cancellationKey(sub.id, failure.epoch()),
                    "turned delinquent", "already canceled (subscription " + sub.id + ", not restarted since)");
        }
    }

    private static void canceled(JsonNode event, DerivationState state, Outcome out) {
        Subscription sub = Subscription.of(event);
        Cancellation cancellation = state.cancel(sub.id);
        if (cancellation.canceledNow()) {
            out.candidate("subscription.canceled", sub.productId, sub.productName, cancellationKey(sub.id, cancellation.epoch()),
                    "canceled", "already canceled (subscription " + sub.id + ", not restarted since)");
        } else {
            out.suppressed("subscription.canceled", sub.productId, sub.productName,
                    "delinquency".equals(cancellation.alreadyCanceledBy())
                            ? "already canceled when it turned delinquent"
                            : "already canceled (subscription " + sub.id + ", not restarted since)");
        }
    }

    private static void restarted(JsonNode event, DerivationState state, Outcome out) {
        Subscription sub = Subscription.of(event);
        OptionalInt ended = state.restart(sub.id);
        if (ended.isPresent()) {
            out.candidate("subscription.restarted", sub.productId, sub.productName,
                    key("subscription", sub.id, "restart", ended.getAsInt()), "restarted",
                    "already fired for this restart of subscription " + sub.id);
        } else {
            out.suppressed("subscription.restarted", sub.productId, sub.productName,
                    "not canceled or delinquent (already restarted?)");
        }
    }

    private static void course(JsonNode event, String email, Outcome out) {
        String type = event.path("type").asText();
        JsonNode course = event.path("course");
        String courseId = course.path("id").asText();
        out.candidate(type, courseId, text(course, "name"), key("course", courseId, email),
                type.equals("course.enrolled") ? "enrolled in course " + courseId : "completed course " + courseId,
                "already fired for course " + courseId + " and " + email);
    }

    private static void lesson(JsonNode event, String email, Outcome out) {
        JsonNode course = event.path("course");
        String courseId = course.path("id").asText();
        String lessonId = event.path("lesson").path("id").asText();
        out.candidate("lesson.completed", courseId, text(course, "name"), key("course", courseId, "lesson", lessonId, email),
                "completed lesson " + lessonId + " of course " + courseId,
                "already fired for lesson " + lessonId + " of course " + courseId + " and " + email);
    }

    /** The triggers of one event in order: decided ones, and candidates that fire only if their fact is new. */
    private static final class Outcome {
        private record Entry(DerivedTrigger decided, Fact fact, DerivedTrigger ifNew, String ifKnown) {
        }

        private final Customer customer;
        private final EventFacts facts;
        private final List<Entry> entries = new ArrayList<>();

        Outcome(Customer customer, EventFacts facts) {
            this.customer = customer;
            this.facts = facts;
        }

        void candidate(String trigger, String productId, String productName, String dedupeKey,
                       String firedMessage, String alreadyMessage) {
            entries.add(new Entry(null, new Fact(trigger, dedupeKey),
                    new DerivedTrigger(trigger, productId, productName, customer, true, firedMessage, facts), alreadyMessage));
        }

        void suppressed(String trigger, String productId, String productName, String message) {
            entries.add(new Entry(new DerivedTrigger(trigger, productId, productName, customer, false, message, facts),
                    null, null, null));
        }

        /** The facts the candidates would fire for. */
        List<Fact> facts() {
            return entries.stream().map(Entry::fact).filter(f -> f != null).toList();
        }

        /** The triggers, given the facts recorded now (the others fired before). */
        List<DerivedTrigger> decide(Set<Fact> claimed) {
            List<DerivedTrigger> triggers = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                if (entry.decided != null) {
                    triggers.add(entry.decided);
                } else if (claimed.remove(entry.fact)) { // remove: the same fact twice in one event fires once
                    triggers.add(entry.ifNew);
                } else {
                    DerivedTrigger t = entry.ifNew;
                    triggers.add(new DerivedTrigger(t.trigger(), t.productId(), t.productName(), t.customer(), false,
                            entry.ifKnown, t.facts()));
                }
            }
            return triggers;
        }
    }

    private record Subscription(String id, String productId, String productName) {
        static Subscription of(JsonNode event) {
            JsonNode node = event.path("subscription");
            return new Subscription(node.path("id").asText(), node.path("product_id").asText(), text(node, "product_name"));
        }
    }

    private static String cancellationKey(String subscriptionId, int epoch) {
        return key("subscription", subscriptionId, "cancellation", epoch);
    }

    private static List<Item> items(JsonNode event) {
        List<Item> items = new ArrayList<>();
        for (JsonNode item : event.path("items")) {
            items.add(new Item(item.path("product_id").asText(), text(item, "product_name")));
        }
        return items;
    }

    private static Optional<Instant> occurredAt(JsonNode event) {
        JsonNode value = event.path("occurred_at");
        if (!value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.asText()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A dedupe key: the fact's parts as a JSON array of strings, unambiguous whatever the ids contain. */
    static String key(Object... parts) {
        StringBuilder key = new StringBuilder("[");
        for (Object part : parts) {
            if (key.length() > 1) {
                key.append(',');
            }
            key.append('"').append(part.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return key.append(']').toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
