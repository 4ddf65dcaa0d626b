package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What trigger derivation needs to know about the past, and the facts it records: {@link StoredState}
 * keeps them in PostgreSQL; {@link #FRESH} answers as for a customer the engine has never seen and
 * records nothing (the rules dry-run). Which facts fired before is asked for a whole batch at once
 * ({@link StoredState.Batch#claim}).
 */
interface DerivationState {
    record Item(String productId, String productName) {
    }

    /** After one refund of one order item: whether this refund was new, and the item's refunded total. */
    record RefundTotal(boolean applied, long totalCents) {
    }

    /** After a new failed charge: the failures in the current run (this one included), the run's number, the cancellation epoch. */
    record Failure(int failures, int run, int epoch) {
    }

    /** After a new successful charge: the failures of the run it ended (0 if none) and that run's number. */
    record Success(int endedRunFailures, int run) {
    }

    /** After a cancellation: either canceled now (in epoch), or already canceled, and by what. */
    record Cancellation(boolean canceledNow, int epoch, String alreadyCanceledBy) {
    }

    /** A trigger that fires only if this fact has not fired it before. */
    record Fact(String trigger, String dedupeKey) {
    }

    void recordPurchases(String email, String orderId, List<String> productIds, Instant purchasedAt);

    /** Adds each item's refunded_cents once per refund id; answers per distinct product. */
    Map<String, RefundTotal> applyRefund(String orderId, String refundId, Map<String, Long> refundedCentsByProduct);

    void scheduleProspects(String prospectId, String email, JsonNode customer, List<Item> items,
                           Instant createdAt, Instant dueAt);

    /** Empty when this charge id was already counted. */
    Optional<Failure> failCharge(String subscriptionId, String chargeId, int delinquentAfter);

    /** Empty when this charge id was already counted. */
    Optional<Success> succeedCharge(String subscriptionId, String chargeId);

    Cancellation cancel(String subscriptionId);

    /** The cancellation epoch this restart ends, or empty when the subscription is not canceled or delinquent. */
    OptionalInt restart(String subscriptionId);

    DerivationState FRESH = new DerivationState() {
        @Override
        public void recordPurchases(String email, String orderId, List<String> productIds, Instant purchasedAt) {
        }

        @Override
        public Map<String, RefundTotal> applyRefund(String orderId, String refundId, Map<String, Long> cents) {
            Map<String, RefundTotal> totals = new LinkedHashMap<>();
            cents.forEach((product, amount) -> totals.put(product, new RefundTotal(true, amount)));
            return totals;
        }

        @Override
        public void scheduleProspects(String prospectId, String email, JsonNode customer, List<Item> items,
                                      Instant createdAt, Instant dueAt) {
        }

        @Override
        public Optional<Failure> failCharge(String subscriptionId, String chargeId, int delinquentAfter) {
            return Optional.of(new Failure(1, 1, 0));
        }

        @Override
        public Optional<Success> succeedCharge(String subscriptionId, String chargeId) {
            return Optional.of(new Success(0, 0));
        }

        @Override
        public Cancellation cancel(String subscriptionId) {
            return new Cancellation(true, 0, null);
        }

        @Override
        public OptionalInt restart(String subscriptionId) {
            return OptionalInt.of(0);
        }
    };
}
