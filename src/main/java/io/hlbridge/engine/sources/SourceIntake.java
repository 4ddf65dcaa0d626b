package io.hlbridge.engine.sources;

/**
 * The steps of {@code POST /sources/{sourceId}/{key}} (PRODUCT.md §3a) that every platform shares:
 * find the source and check its key, read the delivery, and hand translated events to the inbox.
 */
public final class SourceIntake {
    /** Set once the platform's authentication passed: from then on a failure is logged. */
    public static final String AUTHENTICATED = "sourceAuthenticated";
}
