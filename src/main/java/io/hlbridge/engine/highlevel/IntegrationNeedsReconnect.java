package io.hlbridge.engine.highlevel;

/**
 * The integration has no usable token chain: it was never connected ({@code pending}), or HighLevel
 * refused its refresh token and it is now {@code needs_reconnect}. Only an OAuth (re)connection
 * helps; actions for it wait. The message names the integration and the reason, never a token.
 */
public final class IntegrationNeedsReconnect extends RuntimeException {
    private final String integrationId;
    private final String status;
    private final String reason;

    public IntegrationNeedsReconnect(String integrationId, String status, String reason) {
        super("integration " + integrationId + " is " + status + (reason == null ? "" : ": " + reason), null, false, false);
        this.integrationId = integrationId;
        this.status = status;
        this.reason = reason;
    }

    public String integrationId() {
        return integrationId;
    }

    /** {@code pending} or {@code needs_reconnect}. */
    public String status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
