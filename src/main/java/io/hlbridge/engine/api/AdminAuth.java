package io.hlbridge.engine.api;

import io.hlbridge.engine.crypto.Tokens;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import org.apache.camel.Exchange;

/**
 * Authenticates every admin API call (spec §8): {@code Authorization: Bearer <token>} with either
 * the operator token or a marketplace API key (looked up by its hash). A marketplace key reaching
 * for another marketplace is refused with 403 before any handler runs.
 */
public final class AdminAuth {
    private final String operatorToken;
    private final MarketplaceStore marketplaces;

    public AdminAuth(String operatorToken, MarketplaceStore marketplaces) {
        this.operatorToken = operatorToken;
        this.marketplaces = marketplaces;
    }

    public void authenticate(Exchange exchange) {
        StorableText.requireStorableParameters(exchange.getMessage());
        Principal principal = principal(exchange.getMessage().getHeader("Authorization", String.class));
        String marketplaceId = exchange.getMessage().getHeader("marketplaceId", String.class);
        if (marketplaceId != null && !principal.mayAccess(marketplaceId)) {
            throw ProblemException.forbidden("this API key belongs to another marketplace");
        }
        exchange.setProperty(Principal.PROPERTY, principal);
    }

    Principal principal(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ProblemException.unauthorized("send 'Authorization: Bearer <operator token or marketplace API key>'");
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw ProblemException.unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        String token = parts[1].trim();
        if (Tokens.constantTimeEquals(token, operatorToken)) {
            return Principal.OPERATOR;
        }
        return marketplaces.idForApiKey(token).map(Principal::new)
                .orElseThrow(() -> ProblemException.unauthorized("the bearer token is not valid"));
    }

    public static Principal principalOf(Exchange exchange) {
        Principal principal = exchange.getProperty(Principal.PROPERTY, Principal.class);
        if (principal == null) {
            throw new IllegalStateException("admin route reached without authentication");
        }
        return principal;
    }

    public static void requireOperator(Exchange exchange) {
        if (!principalOf(exchange).isOperator()) {
            throw ProblemException.forbidden("only the operator token may do this");
        }
    }
}
