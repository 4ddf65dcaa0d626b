package io.hlbridge.engine.sources;

import java.util.List;

/**
 * What a platform's delivery means to the engine (PRODUCT.md §3a), with the platform's own event
 * type for the log: store events to take in, an event type the engine does not use, or a delivery
 * that cannot be translated.
 */
public sealed interface Translation {
    /** The platform's own name of what happened: Stripe's {@code charge.refunded}, Shopify's {@code orders/paid}. */
    String platformType();

    /** One or more store events of §3, each with its idempotency key. */
    record Events(String platformType, List<SourceEvent> events) implements Translation {
        public Events {
            if (events.isEmpty()) {
                throw new IllegalArgumentException("no events: answer Ignored instead");
            }
            events = List.copyOf(events);
        }

        public static Events of(String platformType, SourceEvent... events) {
            return new Events(platformType, List.of(events));
        }
    }

    /** Answered 2xx and logged {@code ignored}: the engine does not use this kind of delivery. */
    record Ignored(String platformType, String reason) implements Translation {
    }

    /** Authenticated but not translatable: logged {@code rejected} with the reason. */
    record Rejected(String platformType, String reason) implements Translation {
    }
}
