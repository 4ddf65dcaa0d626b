package io.hlbridge.engine.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hlbridge.engine.EngineSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's PostgreSQL: the one given by {@code ENGINE_DB_URL}, or an embedded one whose data
 * lives in {@code ENGINE_DATA_DIR/postgres} and survives restarts. Either way the schema is migrated
 * with Flyway before anything else touches it, and access goes through one HikariCP pool.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** How long anything waits for a connection of the pool before it gives up (database unreachable). */
    public static final long CONNECTION_TIMEOUT_MILLIS = 1_000;

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final String schemaVersion;

    private final DataDirLock lock;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Database(EmbeddedPostgres embedded, HikariDataSource dataSource, String schemaVersion, DataDirLock lock) {
        this.lock = lock;
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.schemaVersion = schemaVersion;
    }

    public static Database open(EngineSettings settings) {
        EmbeddedPostgres embedded = null;
        String url;
        String user = settings.dbUser();
        String password = settings.dbPassword();
        DataDirLock lock = null;
        if (settings.embeddedDatabase()) {
            lock = DataDirLock.take(settings.dataDir());
            try {
                embedded = startEmbedded(settings.dataDir());
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
            url = embedded.getJdbcUrl("postgres", "postgres");
            user = "postgres";
            password = "";
        } else {
            url = settings.dbUrl().orElseThrow();
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("engine");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(settings.dbPoolSize());
        config.setMinimumIdle(Math.min(4, settings.dbPoolSize()));
        // While the database is unreachable a request must not hang: a connection not had within a
        // second is a 503 with Retry-After (HttpReplies), and a worker tries again on its next tick.
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setValidationTimeout(500);
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "hlbridge-engine");
        HikariDataSource dataSource;
        String schemaVersion;
        try {
            dataSource = new HikariDataSource(config);
            Flyway flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
            flyway.migrate();
            schemaVersion = flyway.info().current().getVersion().getVersion();
            if (embedded != null) {
                handBackLeasesOfAGoneEngine(dataSource);
            }
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        LOG.info("Database ready ({}), schema migrated", embedded != null ? "embedded PostgreSQL in " + settings.dataDir().resolve("postgres") : url);
        return new Database(embedded, dataSource, schemaVersion, lock);
    }

    /**
     * The embedded database has one engine, this one (the data-dir lock): every lease in it was taken
     * by an engine that is gone (killed, crashed), so its events and actions are taken up at once
     * instead of after their leases run out.
     */
    private static void handBackLeasesOfAGoneEngine(DataSource dataSource) {
        int[] released = Sql.autoCommit(dataSource, c -> new int[] {
                Sql.update(c, "UPDATE inbox_event SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL"),
                Sql.update(c, "UPDATE action_job SET lease_until = NULL WHERE status IN ('pending', 'retrying') AND lease_until IS NOT NULL")});
        if (released[0] + released[1] > 0) {
            LOG.info("Took back what the previous engine had claimed when it stopped: {} event(s), {} action(s)", released[0], released[1]);
        }
    }

    private static EmbeddedPostgres startEmbedded(Path dataDir) {
        try {
            Path pgData = dataDir.resolve("postgres");
            Path pgBinaries = dataDir.resolve("postgres-binaries");
            Files.createDirectories(pgData);
            Files.createDirectories(pgBinaries);
            EmbeddedPostgresGuard.clearLeftovers(pgData);
            EmbeddedPostgres started = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(pgBinaries.toFile())
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "128MB")
                    // the queue tables' vacuum thresholds (V6) are looked at every 10 s, not every minute
                    .setServerConfig("autovacuum_naptime", "10s")
                    // durable: zonky's defaults are fsync off (-F) and synchronous_commit off; a -c given after -F wins
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    // zonky's own hook stopped PostgreSQL at SIGTERM, alongside the engine's graceful stop
                    // (calls in flight then could not write their outcome): the engine stops it last
                    .setRegisterShutdownHook(false)
                    .start();
            // zonky leaves its working directory world-writable (777); only the engine's user may touch the binaries
            Files.setPosixFilePermissions(pgBinaries, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The schema version this build migrated the database to. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** Whether the database is embedded (stopped with the engine, see {@link #close}). */
    public boolean embedded() {
        return embedded != null;
    }

    /** Closes the pool, then stops the embedded PostgreSQL if there is one; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        dataSource.close();
        closeQuietly(embedded);
        if (lock != null) {
            lock.close();
        }
    }

    private static void closeQuietly(EmbeddedPostgres embedded) {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
