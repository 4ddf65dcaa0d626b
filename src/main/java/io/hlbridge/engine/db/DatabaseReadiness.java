package io.hlbridge.engine.db;

import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness: the database answers and its schema is at the version this build migrated it to.
 * Served under {@code /observe/health/ready} on the management port. Not ready either once the engine
 * has begun to shut down, so a load balancer stops sending it webhooks first.
 */
public final class DatabaseReadiness extends AbstractHealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseReadiness.class);
    private final Jdbi jdbi;
    private final String expectedVersion;
    private final BooleanSupplier stopping;
    private volatile boolean wasUp = true;

    public DatabaseReadiness(DataSource dataSource, String expectedVersion) {
        this(dataSource, expectedVersion, () -> false);
    }

    /** {@code stopping}: true once the engine shuts down, which makes it not ready whatever the database. */
    public DatabaseReadiness(DataSource dataSource, String expectedVersion, BooleanSupplier stopping) {
        super("engine", "database");
        this.jdbi = Jdbi.create(dataSource);
        this.expectedVersion = expectedVersion;
        this.stopping = stopping;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (stopping.getAsBoolean()) {
            builder.message("the engine is shutting down").down();
            return;
        }
        try {
            String version = jdbi.withHandle(h -> h.createQuery("""
                    SELECT version FROM flyway_schema_history
                     WHERE success AND version IS NOT NULL
                     ORDER BY installed_rank DESC LIMIT 1""").mapTo(String.class).findOne().orElse(null));
            builder.detail("schema.version", version);
            if (expectedVersion.equals(version)) {
                if (!wasUp) {
                    LOG.info("Database reachable again: ready");
                    wasUp = true;
                }
                builder.up();
            } else {
                builder.message("schema is at " + version + ", expected " + expectedVersion).down();
            }
        } catch (RuntimeException e) {
            wasUp = false;
            DatabaseOutage.report(LOG, "not ready", e);
            builder.message("database unreachable: " + e.getClass().getSimpleName()).down();
        }
    }
}
