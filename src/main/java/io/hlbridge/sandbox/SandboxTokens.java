package io.hlbridge.sandbox;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * OAuth state: one-time authorization codes, access tokens and the single-use refresh-token chains.
 * All methods are synchronized (short, in-memory critical sections; fine on the event loop).
 */
final class SandboxTokens {

    static final long CODE_LIFETIME_MILLIS = 10 * 60 * 1000L;

    record Code(String code, String clientId, String redirectUri, String scope, SandboxLocation location,
                long expiresAtMillis) {
    }

    record Grant(String accessToken, String refreshToken, long expiresInSeconds, String scope,
                 SandboxLocation location, String userId) {
    }

    record AccessToken(String token, SandboxLocation location, String scope, long expiresAtMillis) {
    }

    private record RefreshToken(String token, String clientId, String scope, SandboxLocation location) {
    }

    /** Why a grant was refused. */
    enum Failure { UNKNOWN, EXPIRED, REDIRECT_MISMATCH, CLIENT_MISMATCH }

    /** Either a grant or a failure. */
    record Result(Grant grant, Failure failure) {
        static Result ok(Grant g) { return new Result(g, null); }
        static Result fail(Failure f) { return new Result(null, f); }
        boolean ok() { return grant != null; }
    }

    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, AccessToken> accessTokens = new HashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private final LongSupplier clock;
    private final long accessLifetimeSeconds;
    private final String userId;

    SandboxTokens(LongSupplier clockMillis, long accessLifetimeSeconds, String userId) {
        this.clock = clockMillis;
        this.accessLifetimeSeconds = accessLifetimeSeconds;
        this.userId = userId;
    }

    synchronized String issueCode(String clientId, String redirectUri, String scope, SandboxLocation location) {
        purgeCodes();
        String code = SandboxIds.secret();
        codes.put(code, new Code(code, clientId, redirectUri, scope, location, clock.getAsLong() + CODE_LIFETIME_MILLIS));
        return code;
    }

    /** Exchanges a code; the code is consumed whatever the outcome (single use). */
    synchronized Result exchangeCode(String code, String clientId, String redirectUri) {
        Code c = code == null ? null : codes.remove(code);
        if (c == null) return Result.fail(Failure.UNKNOWN);
        if (c.expiresAtMillis() <= clock.getAsLong()) return Result.fail(Failure.EXPIRED);
        if (!c.clientId().equals(clientId)) return Result.fail(Failure.CLIENT_MISMATCH);
        if (redirectUri != null && !redirectUri.isEmpty() && !redirectUri.equals(c.redirectUri())) {
            return Result.fail(Failure.REDIRECT_MISMATCH);
        }
        return Result.ok(grant(clientId, c.scope(), c.location()));
    }

    /** Rotates a refresh token: the old one is invalidated immediately, a new pair is issued. */
    synchronized Result refresh(String refreshToken, String clientId) {
        RefreshToken r = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (r == null) return Result.fail(Failure.UNKNOWN);
        if (!r.clientId().equals(clientId)) return Result.fail(Failure.CLIENT_MISMATCH);
        refreshTokens.remove(refreshToken);
        return Result.ok(grant(clientId, r.scope(), r.location()));
    }

    private Grant grant(String clientId, String scope, SandboxLocation location) {
        String access = SandboxIds.secret();
        String refresh = SandboxIds.secret();
        accessTokens.put(access, new AccessToken(access, location, scope,
                clock.getAsLong() + accessLifetimeSeconds * 1000L));
        refreshTokens.put(refresh, new RefreshToken(refresh, clientId, scope, location));
        return new Grant(access, refresh, accessLifetimeSeconds, scope, location, userId);
    }

    /** The access token if it exists; {@code expired} tells whether it is past its lifetime. */
    synchronized Optional<AccessToken> accessToken(String token) {
        return Optional.ofNullable(token == null ? null : accessTokens.get(token));
    }

    boolean isExpired(AccessToken t) {
        return t.expiresAtMillis() <= clock.getAsLong();
    }

    synchronized int expireAllAccessTokens() {
        long now = clock.getAsLong();
        accessTokens.replaceAll((k, t) -> new AccessToken(t.token(), t.location(), t.scope(), Math.min(now, t.expiresAtMillis())));
        return accessTokens.size();
    }

    /** Invalidates every live refresh token of a location (its chain is lost, as after an uninstall). */
    synchronized int revokeRefreshChain(String locationId) {
        int n = 0;
        for (Iterator<RefreshToken> it = refreshTokens.values().iterator(); it.hasNext(); ) {
            if (it.next().location().id().equals(locationId)) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    synchronized void reset() {
        codes.clear();
        accessTokens.clear();
        refreshTokens.clear();
    }

    private void purgeCodes() {
        long now = clock.getAsLong();
        codes.values().removeIf(c -> c.expiresAtMillis() <= now);
    }
}
