package io.hlbridge.engine.sources;

import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.crypto.Tokens;
import io.hlbridge.engine.db.SqlErrors;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Sources (PRODUCT.md §3a) in PostgreSQL. The URL key is random (32 base-36 characters, ~165 bits),
 * handed out once and kept only as its SHA-256; the platform's signing secret is sealed with
 * {@link SecretBox}, bound to the source's id, and opened only to verify a delivery.
 */
public final class SourceStore {
    private static final String COLUMNS = "id, marketplace_id, platform, name, signing_secret_enc IS NOT NULL AS has_secret, "
            + "created_at, updated_at, last_event_at, refused_count, last_refused_at";

    private final Jdbi jdbi;
    private final SecretBox secretBox;

    /** A source as the API shows it (never its key or secret). */
    public record SourceRow(String id, String marketplaceId, String platform, String name, boolean hasSigningSecret,
                            OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime lastEventAt,
                            long refusedCount, OffsetDateTime lastRefusedAt) {
    }

    /** A source just created or given a new key: the key is in the clear here and nowhere else. */
    public record WithKey(SourceRow source, String key) {
    }

    public SourceStore(Jdbi jdbi, SecretBox secretBox) {
        this.jdbi = jdbi;
        this.secretBox = secretBox;
    }

    public WithKey create(String marketplaceId, String platform, String name, String signingSecret) {
        String id = Tokens.id("src");
        String key = newKey();
        try {
            SourceRow row = jdbi.withHandle(h -> h.createQuery("INSERT INTO source (id, marketplace_id, platform, name, key_hash, "
                            + "signing_secret_enc) VALUES (:id, :m, :platform, :name, :hash, :secret) RETURNING " + COLUMNS)
                    .bind("id", id).bind("m", marketplaceId).bind("platform", platform).bind("name", name)
                    .bind("hash", Tokens.sha256(key)).bind("secret", seal(id, signingSecret))
                    .map((rs, ctx) -> row(rs)).one());
            return new WithKey(row, key);
        } catch (UnableToExecuteStatementException e) {
            throw nameTaken(e, name);
        }
    }

    public List<SourceRow> list(String marketplaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM source WHERE marketplace_id = :m ORDER BY created_at, id")
                .bind("m", marketplaceId).map((rs, ctx) -> row(rs)).list());
    }

    public Optional<SourceRow> find(String marketplaceId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM source WHERE id = :id AND marketplace_id = :m")
                .bind("id", id).bind("m", marketplaceId).map((rs, ctx) -> row(rs)).findOne());
    }

    public Optional<SourceRow> rename(String marketplaceId, String id, String name) {
        try {
            return jdbi.withHandle(h -> h.createQuery("UPDATE source SET name = :name, updated_at = now() "
                            + "WHERE id = :id AND marketplace_id = :m RETURNING " + COLUMNS)
                    .bind("name", name).bind("id", id).bind("m", marketplaceId).map((rs, ctx) -> row(rs)).findOne());
        } catch (UnableToExecuteStatementException e) {
            throw nameTaken(e, name);
        }
    }

    /** Sets (or, with null, removes) the platform's signing secret. */
    public Optional<SourceRow> setSigningSecret(String marketplaceId, String id, String signingSecret) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE source SET signing_secret_enc = :secret, updated_at = now() "
                        + "WHERE id = :id AND marketplace_id = :m RETURNING " + COLUMNS)
                .bind("secret", seal(id, signingSecret)).bind("id", id).bind("m", marketplaceId)
                .map((rs, ctx) -> row(rs)).findOne());
    }

    /** A new URL key; the old one stops working at once. */
    public Optional<WithKey> rotateKey(String marketplaceId, String id) {
        String key = newKey();
        return jdbi.withHandle(h -> h.createQuery("UPDATE source SET key_hash = :hash, updated_at = now() "
                        + "WHERE id = :id AND marketplace_id = :m RETURNING " + COLUMNS)
                .bind("hash", Tokens.sha256(key)).bind("id", id).bind("m", marketplaceId)
                .map((rs, ctx) -> row(rs)).findOne().map(r -> new WithKey(r, key)));
    }

    /** Notes that an authentic delivery (or ping) arrived now: the console's "last delivery received". */
    public void touch(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE source SET last_event_at = now() WHERE id = :id").bind("id", id).execute());
    }

    /** Counts a delivery refused for a wrong key or a bad signature (never logged: only counted, here). */
    public void countRefused(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE source SET refused_count = refused_count + 1, last_refused_at = now() "
                + "WHERE id = :id").bind("id", id).execute());
    }

    public boolean delete(String marketplaceId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM source WHERE id = :id AND marketplace_id = :m")
                .bind("id", id).bind("m", marketplaceId).execute()) == 1;
    }

    /**
     * The source a delivery names, if {@code key} is its key (compared as hashes, in constant time);
     * its signing secret opened for this delivery. Empty for an unknown source; {@link WrongKey} for a bad key.
     */
    public Optional<Source> authenticate(String id, String key) throws WrongKey {
        record Stored(String marketplaceId, String platform, String name, String keyHash, String secretEnc) {
        }
        Optional<Stored> stored = jdbi.withHandle(h -> h.createQuery(
                        "SELECT marketplace_id, platform, name, key_hash, signing_secret_enc FROM source WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .findOne());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Stored s = stored.get();
        if (key == null || !Tokens.constantTimeEquals(Tokens.sha256(key), s.keyHash())) {
            throw new WrongKey();
        }
        String secret = s.secretEnc() == null ? null : secretBox.open(s.secretEnc(), aad(id));
        return Optional.of(new Source(id, s.marketplaceId(), s.platform(), s.name(), secret));
    }

    /** The URL key of a delivery is not its source's. */
    public static final class WrongKey extends Exception {
        public WrongKey() {
            super("the key in the URL is not this source's", null, false, false);
        }
    }

    private String seal(String id, String secret) {
        return secret == null ? null : secretBox.seal(secret, aad(id));
    }

    private static String aad(String id) {
        return "source:" + id + ":signing-secret";
    }

    private static String newKey() {
        return Tokens.random(32);
    }

    private static RuntimeException nameTaken(UnableToExecuteStatementException e, String name) {
        if (SqlErrors.isUniqueViolation(e)) {
            return ProblemException.conflict("a source named '" + name + "' already exists in this marketplace", "name");
        }
        return e;
    }

    private static SourceRow row(ResultSet rs) throws SQLException {
        return new SourceRow(rs.getString("id"), rs.getString("marketplace_id"), rs.getString("platform"), rs.getString("name"),
                rs.getBoolean("has_secret"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class), rs.getObject("last_event_at", OffsetDateTime.class),
                rs.getLong("refused_count"), rs.getObject("last_refused_at", OffsetDateTime.class));
    }
}
