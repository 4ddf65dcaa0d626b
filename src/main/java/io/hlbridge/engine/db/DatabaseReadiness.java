package io.hlbridge.engine.db;

import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.jdbi.v3.core.Jdbi;

/**
 * Readiness: the database answers and its schema is at the version this build migrated it to.
 * Served under {@code /observe/health/ready} on the management port.
 */
public final class DatabaseReadiness extends AbstractHealthCheck {
    private final Jdbi jdbi;
    private final String expectedVersion;

    public DatabaseReadiness(DataSource dataSource, String expectedVersion) {
        super("engine", "database");
        this.jdbi = Jdbi.create(dataSource);
        this.expectedVersion = expectedVersion;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            String version = jdbi.withHandle(h -> h.createQuery("""
                    SELECT version FROM flyway_schema_history
                     WHERE success AND version IS NOT NULL
                     ORDER BY installed_rank DESC LIMIT 1""").mapTo(String.class).findOne().orElse(null));
            builder.detail("schema.version", version);
            if (expectedVersion.equals(version)) {
                builder.up();
            } else {
                builder.message("schema is at " + version + ", expected " + expectedVersion).down();
            }
        } catch (RuntimeException e) {
            builder.message("database unreachable: " + e.getClass().getSimpleName()).down();
        }
    }
}
