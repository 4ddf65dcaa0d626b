package io.hlbridge.engine.sources;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One store event of PRODUCT.md §3 translated from a platform's delivery, with its idempotency key:
 * the platform's event or delivery id where it has one, else the fact itself (SamCart). A delivery
 * that becomes several events gives each its own key (the delivery id plus what tells them apart).
 * The inbox stores it under {@code {sourceId}:{key}}, so a platform's retry is a duplicate.
 */
public record SourceEvent(String key, ObjectNode event) {
}
