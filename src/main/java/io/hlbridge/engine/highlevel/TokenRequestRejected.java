package io.hlbridge.engine.highlevel;

/**
 * HighLevel's token endpoint answered a 4xx other than 408 or 429: the code or refresh token it was given is
 * dead ({@code invalid_grant}), the location is no longer active, or the app's credentials are wrong.
 * Retrying the same request will not help. The message is HighLevel's, with any token text removed.
 */
public final class TokenRequestRejected extends RuntimeException {
    private final int status;
    private final String error;

    public TokenRequestRejected(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** HighLevel's {@code error} field (e.g. {@code invalid_grant}), or null. */
    public String error() {
        return error;
    }
}
