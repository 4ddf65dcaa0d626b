package io.hlbridge.engine.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.db.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One real PostgreSQL for the whole test JVM (embedded, started once), and a fresh database in it
 * for each caller, so tests never see each other's rows.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabase() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                Path dir = Path.of("target", "test-postgres").toAbsolutePath();
                Files.createDirectories(dir);
                postgres = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
                        .setDataDirectory(dir.resolve("data-" + ProcessHandle.current().pid()))
                        .setCleanDataDirectory(true)
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return postgres;
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, no password). */
    public static String newDatabase() {
        EmbeddedPostgres server = server();
        String name = "engine_test_" + COUNTER.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server.getJdbcUrl("postgres", name);
    }

    /** A new database with the engine's schema, behind a pool of {@code size} connections (close it when done). */
    public static HikariDataSource migratedPool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(newDatabase());
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        HikariDataSource pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        return pool;
    }

    /** A marketplace with one connected integration on {@code locationId}: what an action job needs to exist. */
    public static void connectedIntegration(DataSource pool, String marketplaceId, String integrationId, String locationId) {
        Sql.autoCommit(pool, c -> {
            Sql.update(c, "INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES (?, ?, 'h', 'x')",
                    marketplaceId, "Shop " + marketplaceId);
            return Sql.update(c, "INSERT INTO integration (id, marketplace_id, name, status, location_id) "
                    + "VALUES (?, ?, 'HL', 'connected', ?)", integrationId, marketplaceId, locationId);
        });
    }
}
