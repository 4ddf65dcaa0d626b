package io.hlbridge.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings of spec §9, read from the environment first and then from application.properties.
 *
 * <p>Each environment variable has a property twin: {@code ENGINE_HTTP_PORT} is
 * {@code engine.http-port}, {@code HIGHLEVEL_API_URL} is {@code highlevel.api-url} (the first
 * underscore becomes a dot, the others dashes). {@link #environmentOverrides} turns the environment
 * into Camel override properties, so routes can use the same {@code {{engine.…}}} placeholders.
 */
public record EngineSettings(
        int httpPort,
        int managementPort,
        String publicUrl,
        Optional<String> adminToken,
        Optional<String> secretKey,
        Path dataDir,
        Optional<String> dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        String highLevelApiUrl,
        String highLevelAuthorizeUrl,
        Optional<String> highLevelClientId,
        Optional<String> highLevelClientSecret,
        Duration prospectDelay,
        int delinquentAfter,
        int logRetention,
        Duration historyRetention,
        boolean sandboxRequested,
        io.hlbridge.engine.work.RetrySchedule retrySchedule) {

    /** How long processed store events and finished actions are remembered, by default. */
    public static final String DEFAULT_HISTORY_RETENTION = "P30D";

    /** The environment variables the engine reads (spec §9 plus the data dir and pool size). */
    public static final String[] VARIABLES = {
        "ENGINE_HTTP_PORT", "ENGINE_MANAGEMENT_PORT", "ENGINE_PUBLIC_URL", "ENGINE_ADMIN_TOKEN",
        "ENGINE_SECRET_KEY", "ENGINE_DATA_DIR", "ENGINE_DB_URL", "ENGINE_DB_USER", "ENGINE_DB_PASSWORD",
        "ENGINE_DB_POOL_SIZE", "HIGHLEVEL_API_URL", "HIGHLEVEL_AUTHORIZE_URL", "HIGHLEVEL_CLIENT_ID",
        "HIGHLEVEL_CLIENT_SECRET", "ENGINE_PROSPECT_DELAY", "ENGINE_DELINQUENT_AFTER", "ENGINE_LOG_RETENTION",
        "ENGINE_HISTORY_RETENTION", "ENGINE_SANDBOX", "ENGINE_RETRY_DELAYS", "ENGINE_RETRY_GIVE_UP_AFTER"
    };

    /** {@code ENGINE_HTTP_PORT} → {@code engine.http-port}. */
    public static String propertyName(String variable) {
        String lower = variable.toLowerCase();
        int first = lower.indexOf('_');
        return lower.substring(0, first) + "." + lower.substring(first + 1).replace('_', '-');
    }

    /** The variables that are set (and not blank), as property overrides. */
    public static Map<String, String> environmentOverrides(Map<String, String> environment) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String variable : VARIABLES) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                overrides.put(propertyName(variable), value);
            }
        }
        return overrides;
    }

    /** Reads the settings through a property lookup (Camel's properties component, already overridden). */
    public static EngineSettings from(Function<String, Optional<String>> property) {
        Function<String, String> required = name -> property.apply(name)
                .orElseThrow(() -> new IllegalStateException("missing setting " + name));
        Function<String, Optional<String>> optional = name -> property.apply(name).filter(v -> !v.isBlank());
        int httpPort = integer(required.apply("engine.http-port"), "ENGINE_HTTP_PORT");
        return new EngineSettings(
                httpPort,
                integer(required.apply("engine.management-port"), "ENGINE_MANAGEMENT_PORT"),
                optional.apply("engine.public-url").orElse("http://localhost:" + httpPort).replaceAll("/+$", ""),
                optional.apply("engine.admin-token"),
                optional.apply("engine.secret-key"),
                Path.of(required.apply("engine.data-dir")).toAbsolutePath().normalize(),
                optional.apply("engine.db-url"),
                optional.apply("engine.db-user").orElse("postgres"),
                optional.apply("engine.db-password").orElse(""),
                integer(required.apply("engine.db-pool-size"), "ENGINE_DB_POOL_SIZE"),
                required.apply("highlevel.api-url").replaceAll("/+$", ""),
                required.apply("highlevel.authorize-url"),
                optional.apply("highlevel.client-id"),
                optional.apply("highlevel.client-secret"),
                duration(required.apply("engine.prospect-delay"), "ENGINE_PROSPECT_DELAY", "PT2H"),
                integer(required.apply("engine.delinquent-after"), "ENGINE_DELINQUENT_AFTER"),
                integer(required.apply("engine.log-retention"), "ENGINE_LOG_RETENTION"),
                historyRetention(optional.apply("engine.history-retention").orElse(DEFAULT_HISTORY_RETENTION)),
                flag(optional.apply("engine.sandbox").orElse("false"), "ENGINE_SANDBOX"),
                io.hlbridge.engine.work.RetrySchedule.parse(
                        optional.apply("engine.retry-delays").orElse(io.hlbridge.engine.work.RetrySchedule.DEFAULT_DELAYS),
                        optional.apply("engine.retry-give-up-after").orElse(io.hlbridge.engine.work.RetrySchedule.DEFAULT_GIVE_UP_AFTER)));
    }

    /** The same settings, talking to another HighLevel (the built-in sandbox, in the zero-setup default). */
    public EngineSettings withHighLevel(String apiUrl, String authorizeUrl, String clientId, String clientSecret) {
        return new EngineSettings(httpPort, managementPort, publicUrl, adminToken, secretKey, dataDir, dbUrl, dbUser,
                dbPassword, dbPoolSize, apiUrl, authorizeUrl, Optional.of(clientId), Optional.of(clientSecret),
                prospectDelay, delinquentAfter, logRetention, historyRetention, sandboxRequested, retrySchedule);
    }

    /**
     * No HighLevel app configured: the engine serves its built-in HighLevel sandbox instead, but only
     * on the embedded database or when asked for with {@code ENGINE_SANDBOX=true} (spec §9), so that
     * no production deployment talks to a stand-in.
     */
    public boolean sandboxMode() {
        return highLevelClientId.isEmpty() && (embeddedDatabase() || sandboxRequested);
    }

    /** Refuses settings that would run against no HighLevel at all: an external database without an app. */
    public void requireHighLevel() {
        if (highLevelClientId.isEmpty() && !sandboxMode()) {
            throw new IllegalStateException("ENGINE_DB_URL is set but HIGHLEVEL_CLIENT_ID is not: set HIGHLEVEL_CLIENT_ID and "
                    + "HIGHLEVEL_CLIENT_SECRET to your HighLevel Marketplace app's credentials. The built-in HighLevel sandbox "
                    + "runs only on the embedded database or with ENGINE_SANDBOX=true (tests and demos, never production).");
        }
    }

    public boolean embeddedDatabase() {
        return dbUrl.isEmpty();
    }

    private static int integer(String value, String variable) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(variable + " must be a whole number, got '" + value + "'");
        }
    }

    private static boolean flag(String value, String variable) {
        String v = value.trim().toLowerCase();
        if (v.equals("true") || v.equals("false")) {
            return v.equals("true");
        }
        throw new IllegalStateException(variable + " must be true or false, got '" + value + "'");
    }

    private static Duration duration(String value, String variable, String example) {
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalStateException(variable + " must be an ISO-8601 duration such as " + example + ", got '" + value + "'");
        }
    }

    /** How long finished work is remembered (work/HistoryRetention): at least the overview's 7 days. */
    static Duration historyRetention(String value) {
        Duration keep = duration(value, "ENGINE_HISTORY_RETENTION", DEFAULT_HISTORY_RETENTION);
        if (keep.compareTo(io.hlbridge.engine.work.HistoryRetention.MINIMUM) < 0) {
            throw new IllegalStateException("ENGINE_HISTORY_RETENTION must be at least P7D (the console's overview counts "
                    + "the last 7 days of store events and actions), got '" + value + "'");
        }
        return keep;
    }
}
