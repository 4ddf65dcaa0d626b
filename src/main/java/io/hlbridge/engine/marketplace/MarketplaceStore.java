package io.hlbridge.engine.marketplace;

import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.crypto.Tokens;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.db.SqlErrors;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Marketplaces (tenants): their API keys, stored as hashes, and their Standard Webhooks secrets,
 * stored encrypted. A rotated secret stays valid for {@link #PREVIOUS_SECRET_GRACE} so that stores
 * can switch over without losing events.
 */
public final class MarketplaceStore {
    public static final Duration PREVIOUS_SECRET_GRACE = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final SecretBox secretBox;

    public record Marketplace(String id, String name, OffsetDateTime createdAt) {
    }

    /** A new marketplace with its credentials: the only moment the API key is known in clear. */
    public record Created(Marketplace marketplace, String webhookSecret, String apiKey) {
    }

    public MarketplaceStore(Jdbi jdbi, DataSource dataSource, SecretBox secretBox) {
        this.jdbi = jdbi;
        this.dataSource = dataSource;
        this.secretBox = secretBox;
    }

    public Created create(String name) {
        String id = Tokens.id("mkt");
        String secret = newWebhookSecret();
        String apiKey = "mk_" + Tokens.random(40);
        try {
            OffsetDateTime createdAt = jdbi.withHandle(h -> h.createQuery("""
                    INSERT INTO marketplace (id, name, api_key_hash, webhook_secret_enc)
                    VALUES (:id, :name, :hash, :secret) RETURNING created_at""")
                    .bind("id", id).bind("name", name).bind("hash", Tokens.sha256(apiKey))
                    .bind("secret", secretBox.seal(secret, "webhook-secret:" + id))
                    .mapTo(OffsetDateTime.class).one());
            return new Created(new Marketplace(id, name, createdAt), secret, apiKey);
        } catch (UnableToExecuteStatementException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw ProblemException.conflict("a marketplace named '" + name + "' already exists", "name");
            }
            throw e;
        }
    }

    /** The id of an existing marketplace, else a 404 problem naming it (the admin API's marketplace paths). */
    public String existingId(String id) {
        return find(id).map(Marketplace::id)
                .orElseThrow(() -> io.hlbridge.engine.api.ProblemException.notFound("no marketplace with id '" + id + "'"));
    }

    public Optional<Marketplace> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, created_at FROM marketplace WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Marketplace(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)))
                .findOne());
    }

    public List<Marketplace> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, created_at FROM marketplace ORDER BY created_at, id")
                .map((rs, ctx) -> new Marketplace(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)))
                .list());
    }

    public Optional<String> idForApiKey(String apiKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM marketplace WHERE api_key_hash = :hash")
                .bind("hash", Tokens.sha256(apiKey)).mapTo(String.class).findOne());
    }

    /**
     * The secrets a webhook of this marketplace may be signed with: the current one, plus the
     * previous one while its grace period lasts. Empty when the marketplace does not exist.
     */
    public Optional<List<String>> webhookSecrets(String id) {
        return webhookSecretsAt(id).map(s -> s.usableAt(java.time.Instant.now()));
    }

    /** A marketplace's webhook secrets as read: the previous one with the end of its grace period. */
    public record WebhookSecrets(String current, String previous, java.time.Instant previousUntil) {
        /** The secrets a webhook may be signed with at {@code now}. */
        public List<String> usableAt(java.time.Instant now) {
            return previous != null && previousUntil != null && previousUntil.isAfter(now)
                    ? List.of(current, previous) : List.of(current);
        }
    }

    /** {@link #webhookSecrets} with the previous secret's expiry, for a reader that keeps them a few seconds. */
    public Optional<WebhookSecrets> webhookSecretsAt(String id) {
        // read for every webhook not recently seen: plain JDBC (Sql), and the opened secrets are memoized by SecretBox
        return Sql.autoCommit(dataSource, c -> Sql.first(c, """
                SELECT webhook_secret_enc,
                       CASE WHEN previous_secret_expires_at > now() THEN previous_secret_enc END,
                       CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END
                  FROM marketplace WHERE id = ?""",
                rs -> {
                    String previous = rs.getString(2);
                    java.sql.Timestamp until = rs.getTimestamp(3);
                    return new WebhookSecrets(secretBox.open(rs.getString(1), "webhook-secret:" + id),
                            previous == null ? null : secretBox.open(previous, "webhook-secret:" + id),
                            until == null ? null : until.toInstant());
                }, id));
    }

    /** Issues a new webhook secret; the one it replaces stays valid for 24 hours. */
    public Optional<String> rotateWebhookSecret(String id) {
        String secret = newWebhookSecret();
        int updated = jdbi.withHandle(h -> h.createUpdate("""
                UPDATE marketplace
                   SET previous_secret_enc = webhook_secret_enc,
                       previous_secret_expires_at = now() + make_interval(secs => :graceSeconds),
                       webhook_secret_enc = :secret,
                       updated_at = now()
                 WHERE id = :id""")
                .bind("id", id).bind("secret", secretBox.seal(secret, "webhook-secret:" + id))
                .bind("graceSeconds", PREVIOUS_SECRET_GRACE.toSeconds())
                .execute());
        return updated == 1 ? Optional.of(secret) : Optional.empty();
    }

    /** {@code whsec_} + base64 of 32 random bytes, as Standard Webhooks prescribes. */
    static String newWebhookSecret() {
        return "whsec_" + Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    }
}
