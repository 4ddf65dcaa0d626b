import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.hlbridge.engine.crypto.Tokens;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/webhook-insert: the webhook's own statement (its inbox row and receipt, as Inbox.store sends it)
 * from N connections at once, with and without the two rows' foreign keys to the marketplace (V19 dropped
 * them): inserts a second and PostgreSQL's CPU per insert, each variant measured in turn. Each statement
 * stores {@code per statement} webhooks (the engine's statement, its arrays that long: 1 as when no other
 * webhook shares it, more as Inbox's group commit sends them under load).
 */
public final class WebhookInsertBench {
    static final String SQL = io.hlbridge.engine.ingest.Inbox.STORE_WITH_RECEIPTS;

    public static void main(String[] args) throws Exception {
        String[] threadCounts = args[0].split(",");
        int seconds = Integer.parseInt(args[1]);
        try (EmbeddedPostgres pg = BenchSupport.postgres("probe-pg")) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE probe");
            }
            String url = pg.getJdbcUrl("postgres", "probe");
            org.flywaydb.core.Flyway.configure().dataSource(url, "postgres", "").load().migrate();
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc) VALUES ('mkt_p', 'P', 'h', 'x')");
            }
            for (String variant : args[2].split(",")) {
                foreignKeys(url, variant.equals("fk"));
                for (String perStatement : (args.length > 3 ? args[3] : "1").split(",")) {
                    for (String threads : threadCounts) {
                        measure(url, variant, Integer.parseInt(threads), seconds, Integer.parseInt(perStatement));
                    }
                }
            }
        }
    }

    static final AtomicLong IDS = new AtomicLong();

    /** The two foreign keys V19 dropped, put back (NOT VALID: only new rows are checked) or dropped; then a checkpoint. */
    static void foreignKeys(String url, boolean present) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            for (String table : new String[] {"inbox_event", "event_log"}) {
                s.execute("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + table + "_marketplace_id_fkey");
                if (present) {
                    s.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + table + "_marketplace_id_fkey FOREIGN KEY (marketplace_id) "
                            + "REFERENCES marketplace (id) ON DELETE CASCADE NOT VALID");
                }
            }
            s.execute("CHECKPOINT");
        }
    }

    /** {@code threads} connections insert for {@code seconds}; CPU is read before they close (a backend's CPU leaves with it). */
    static void measure(String url, String variant, int threads, int seconds, int perStatement) throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            connections.add(DriverManager.getConnection(url, "postgres", ""));
        }
        BenchSupport.Cpu before = BenchSupport.Cpu.of(List.of());
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (Connection c : connections) {
            pool.execute(() -> {
                try (PreparedStatement ps = c.prepareStatement(SQL)) {
                    while (System.nanoTime() < end) {
                        String[][] columns = new String[9][perStatement];
                        for (int w = 0; w < perStatement; w++) {
                            long n = IDS.incrementAndGet();
                            String[] values = {"mkt_p", "evt_" + n, "order.completed", "c" + (n % 5000) + "@bench.example", BenchSupport.event(n),
                                    Tokens.timeOrderedId("log"), "evt_" + n, "order.completed", "c@bench.example"};
                            for (int i = 0; i < values.length; i++) {
                                columns[i][w] = values[i];
                            }
                        }
                        for (int i = 0; i < columns.length; i++) {
                            ps.setArray(i + 1, c.createArrayOf("text", columns[i]));
                        }
                        ps.setString(columns.length + 1, "duplicate");
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                done.incrementAndGet();
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 30, TimeUnit.SECONDS);
        BenchSupport.Cpu after = BenchSupport.Cpu.of(List.of());
        for (Connection c : connections) {
            c.close();
        }
        System.out.printf("%-5s %3d connections, %2d webhooks per statement: %5.0f webhooks/s, PostgreSQL %.3f ms CPU per webhook%n",
                variant, threads, perStatement, done.get() / (double) seconds, (after.postgres() - before.postgres()) * 1000 / done.get());
    }
}
