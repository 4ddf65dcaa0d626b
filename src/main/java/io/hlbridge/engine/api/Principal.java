package io.hlbridge.engine.api;

/** Who is calling the admin API: the operator (everything) or one marketplace's API key (its own data). */
public record Principal(String marketplaceId) {
    public static final String PROPERTY = "engine.principal";
    public static final Principal OPERATOR = new Principal(null);

    public boolean isOperator() {
        return marketplaceId == null;
    }

    public boolean mayAccess(String marketplace) {
        return isOperator() || marketplaceId.equals(marketplace);
    }
}
