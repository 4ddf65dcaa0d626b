package io.hlbridge.engine.integrations;

import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.crypto.SecretBox;
import io.hlbridge.engine.crypto.Tokens;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.highlevel.TokenGrant;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Integrations (spec §6) in PostgreSQL: their names and status, their OAuth tokens (sealed with
 * {@link SecretBox}, bound to the row's id) and the single-use states of authorization requests.
 *
 * <p>The {@code Handle} methods take part in a caller's transaction; those that lock
 * ({@link #lockTokens}, {@link #claimExpiring}) are how token rotation is serialized across replicas.
 */
public final class IntegrationStore {
    public static final Duration STATE_LIFETIME = Duration.ofMinutes(15);

    private static final String COLUMNS = """
            id, marketplace_id, name, provider, status, status_reason, location_id, location_name, company_id, scopes,
            token_expires_at, connected_at, created_at, updated_at""";
    private static final String TOKEN_COLUMNS = "id, status, status_reason, access_token_enc, refresh_token_enc, token_expires_at";

    private final Jdbi jdbi;
    private final SecretBox secretBox;
    private final Supplier<IntegrationListener> listener;

    /** A state found by its hash, locked until the transaction ends. */
    public record OAuthState(String integrationId, boolean used, boolean expired) {
    }

    public IntegrationStore(Jdbi jdbi, SecretBox secretBox, Supplier<IntegrationListener> listener) {
        this.jdbi = jdbi;
        this.secretBox = secretBox;
        this.listener = listener;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Integration create(String marketplaceId, String name) {
        String id = Tokens.id("int");
        try {
            return jdbi.withHandle(h -> h.createQuery("INSERT INTO integration (id, marketplace_id, name) "
                            + "VALUES (:id, :marketplace, :name) RETURNING " + COLUMNS)
                    .bind("id", id).bind("marketplace", marketplaceId).bind("name", name)
                    .map((rs, ctx) -> integration(rs)).one());
        } catch (UnableToExecuteStatementException e) {
            throw translate(e, name, marketplaceId);
        }
    }

    public List<Integration> list(String marketplaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM integration WHERE marketplace_id = :marketplace ORDER BY created_at, id")
                .bind("marketplace", marketplaceId).map((rs, ctx) -> integration(rs)).list());
    }

    public Optional<Integration> find(String marketplaceId, String id) {
        return jdbi.withHandle(h -> find(h, marketplaceId, id));
    }

    public Optional<Integration> find(Handle h, String marketplaceId, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM integration WHERE id = :id AND marketplace_id = :marketplace")
                .bind("id", id).bind("marketplace", marketplaceId).map((rs, ctx) -> integration(rs)).findOne();
    }

    public Optional<Integration> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM integration WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> integration(rs)).findOne();
    }

    public Optional<Integration> rename(String marketplaceId, String id, String name) {
        try {
            return jdbi.withHandle(h -> h.createQuery("UPDATE integration SET name = :name, updated_at = now() "
                            + "WHERE id = :id AND marketplace_id = :marketplace RETURNING " + COLUMNS)
                    .bind("id", id).bind("marketplace", marketplaceId).bind("name", name)
                    .map((rs, ctx) -> integration(rs)).findOne());
        } catch (UnableToExecuteStatementException e) {
            throw translate(e, name, marketplaceId);
        }
    }

    /**
     * Deletes the integration with its tokens and states (and, through the listener and foreign keys,
     * what the core keeps for it). Waits for an in-flight token refresh of it to finish first.
     */
    public boolean delete(String marketplaceId, String id) {
        return jdbi.inTransaction(h -> {
            boolean exists = h.createQuery("SELECT id FROM integration WHERE id = :id AND marketplace_id = :marketplace FOR UPDATE")
                    .bind("id", id).bind("marketplace", marketplaceId).mapTo(String.class).findOne().isPresent();
            if (!exists) {
                return false;
            }
            listener.get().deleted(h, id);
            // the log's old entries keep its id: they still name it (V17)
            h.createUpdate("""
                    INSERT INTO deleted_integration (id, marketplace_id, name, location_name)
                    SELECT id, marketplace_id, name, location_name FROM integration WHERE id = :id
                    ON CONFLICT (id) DO NOTHING""").bind("id", id).execute();
            return h.createUpdate("DELETE FROM integration WHERE id = :id").bind("id", id).execute() == 1;
        });
    }

    // ---- OAuth states -------------------------------------------------------------------------

    /**
     * Issues a new state for an authorization request of this integration; only its hash is stored, with
     * the origin of the console that asked for it (see {@link ConsoleReturn}), if any. An integration
     * deleted meanwhile (a request racing its DELETE) is a 404, not a 500.
     */
    public String newState(String integrationId, Optional<String> returnOrigin) {
        String state = Tokens.random(40);
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO oauth_state (state_hash, integration_id, expires_at, return_origin) "
                            + "VALUES (:hash, :integration, now() + make_interval(secs => :seconds), :origin)")
                    .bind("hash", Tokens.sha256(state)).bind("integration", integrationId)
                    .bind("seconds", STATE_LIFETIME.toSeconds()).bind("origin", returnOrigin.orElse(null)).execute());
        } catch (UnableToExecuteStatementException e) {
            if (SqlErrors.isForeignKeyViolation(e)) {
                throw notFound(integrationId);
            }
            throw e;
        }
        return state;
    }

    /** Where a state's callback sends the merchant back to: its integration and console origin (no lock). */
    public Optional<StateReturn> stateReturn(String state) {
        return jdbi.withHandle(h -> h.createQuery("SELECT integration_id, return_origin FROM oauth_state WHERE state_hash = :hash")
                .bind("hash", Tokens.sha256(state))
                .map((rs, ctx) -> new StateReturn(rs.getString(1), Optional.ofNullable(rs.getString(2))))
                .findOne());
    }

    public record StateReturn(String integrationId, Optional<String> origin) {
    }

    /** The integration a state was issued for (no lock; see {@link #lockState}). */
    public Optional<String> integrationOfState(Handle h, String state) {
        return h.createQuery("SELECT integration_id FROM oauth_state WHERE state_hash = :hash")
                .bind("hash", Tokens.sha256(state)).mapTo(String.class).findOne();
    }

    /** Finds a state and locks it (so two callbacks with it cannot both pass). */
    public Optional<OAuthState> lockState(Handle h, String state) {
        return h.createQuery("SELECT integration_id, used_at IS NOT NULL, expires_at <= now() "
                        + "FROM oauth_state WHERE state_hash = :hash FOR UPDATE")
                .bind("hash", Tokens.sha256(state))
                .map((rs, ctx) -> new OAuthState(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)))
                .findOne();
    }

    /** Uses up every open state of the integration: one authorization completes them all. */
    public void useStates(Handle h, String integrationId) {
        h.createUpdate("UPDATE oauth_state SET used_at = now() WHERE integration_id = :id AND used_at IS NULL")
                .bind("id", integrationId).execute();
    }

    // ---- tokens -------------------------------------------------------------------------------

    /** Reads the stored tokens without locking (the fast path, for a token that is still good). */
    public Optional<StoredTokens> readTokens(Handle h, String id) {
        return h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM integration WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> tokens(rs)).findOne();
    }

    /**
     * Locks the integration's row until the transaction ends and reads its tokens: whatever another
     * replica committed before the lock was granted is what this returns. NO KEY UPDATE: refreshes
     * (and deletion) still wait for each other, but rows that merely reference the integration
     * (contact ids learned, actions queued) are not held up for the length of a call to HighLevel.
     */
    public Optional<StoredTokens> lockTokens(Handle h, String id) {
        return h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM integration WHERE id = :id FOR NO KEY UPDATE")
                .bind("id", id).map((rs, ctx) -> tokens(rs)).findOne();
    }

    /**
     * Claims (locks) one connected integration whose token expires before {@code before}, skipping rows
     * another replica holds and the ids in {@code skip}.
     */
    public Optional<StoredTokens> claimExpiring(Handle h, Instant before, Collection<String> skip) {
        return h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM integration "
                        + "WHERE status = 'connected' AND refresh_token_enc IS NOT NULL AND token_expires_at < :before "
                        + "AND NOT (id = ANY(:skip)) ORDER BY token_expires_at LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED")
                .bind("before", OffsetDateTime.ofInstant(before, ZoneOffset.UTC))
                .bindArray("skip", String.class, skip)
                .map((rs, ctx) -> tokens(rs)).findOne();
    }

    /**
     * Saves a granted pair and its details and marks the integration connected. {@code newConnection}
     * (an OAuth callback) also stamps {@code connected_at}; a refresh keeps it.
     */
    public void saveGrant(Handle h, String id, TokenGrant grant, Instant now, boolean newConnection) {
        int updated = h.createUpdate("""
                        UPDATE integration
                           SET status = 'connected', status_reason = NULL,
                               access_token_enc = :access, refresh_token_enc = :refresh, token_expires_at = :expires,
                               location_name = CASE WHEN CAST(:location AS text) IS DISTINCT FROM location_id
                                                         AND :location IS NOT NULL THEN NULL ELSE location_name END,
                               location_id = COALESCE(:location, location_id), company_id = COALESCE(:company, company_id),
                               scopes = COALESCE(:scopes, scopes),
                               connected_at = CASE WHEN :newConnection OR connected_at IS NULL THEN :now ELSE connected_at END,
                               updated_at = :now
                         WHERE id = :id""")
                .bind("id", id)
                .bind("access", secretBox.seal(grant.accessToken(), accessAad(id)))
                .bind("refresh", secretBox.seal(grant.refreshToken(), refreshAad(id)))
                .bind("expires", OffsetDateTime.ofInstant(now.plus(grant.expiresIn()), ZoneOffset.UTC))
                .bind("location", grant.locationId()).bind("company", grant.companyId()).bind("scopes", grant.scope())
                .bind("newConnection", newConnection)
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .execute();
        if (updated != 1) {
            throw new IllegalStateException("integration " + id + " vanished while its tokens were saved");
        }
    }

    /** Stores the name HighLevel gives the integration's location (only while it is still that location). */
    public void saveLocationName(String id, String locationId, String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE integration SET location_name = :name WHERE id = :id "
                        + "AND location_id = :location")
                .bind("id", id).bind("location", locationId).bind("name", name).execute());
    }

    /**
     * Connected integrations whose location's name is not known yet (at most {@code limit}): id and location.
     * Each is claimed for an hour (asked once an hour at most, by one replica), oldest attempt first, and only
     * when its grant includes {@code locations.readonly}.
     */
    public List<String[]> withoutLocationName(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE integration SET location_name_tried_at = now()
                         WHERE id IN (SELECT id FROM integration
                                       WHERE status = 'connected' AND location_id IS NOT NULL AND location_name IS NULL
                                         AND ' ' || coalesce(scopes, '') || ' ' LIKE '% locations.readonly %'
                                         AND (location_name_tried_at IS NULL OR location_name_tried_at < now() - interval '1 hour')
                                       ORDER BY location_name_tried_at NULLS FIRST, connected_at
                                       LIMIT :limit FOR UPDATE SKIP LOCKED)
                        RETURNING id, location_id""")
                .bind("limit", limit)
                .map((rs, ctx) -> new String[] {rs.getString("id"), rs.getString("location_id")}).list());
    }

    /** The token chain is dead: only a new OAuth connection helps. The (dead) tokens stay for the record. */
    public void markNeedsReconnect(Handle h, String id, String reason) {
        h.createUpdate("UPDATE integration SET status = 'needs_reconnect', status_reason = :reason, updated_at = now() "
                        + "WHERE id = :id")
                .bind("id", id).bind("reason", reason).execute();
    }

    public IntegrationListener listener() {
        return listener.get();
    }

    /** An access token as stored in the integration's row, opened. */
    public String openAccessToken(String integrationId, String sealed) {
        return secretBox.open(sealed, accessAad(integrationId));
    }

    private StoredTokens tokens(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String access = rs.getString("access_token_enc");
        String refresh = rs.getString("refresh_token_enc");
        OffsetDateTime expires = rs.getObject("token_expires_at", OffsetDateTime.class);
        return new StoredTokens(id, rs.getString("status"), rs.getString("status_reason"),
                access == null ? null : secretBox.open(access, accessAad(id)),
                refresh == null ? null : secretBox.open(refresh, refreshAad(id)),
                expires == null ? null : expires.toInstant());
    }

    private static Integration integration(ResultSet rs) throws SQLException {
        return new Integration(rs.getString("id"), rs.getString("marketplace_id"), rs.getString("name"),
                rs.getString("provider"), rs.getString("status"), rs.getString("status_reason"),
                rs.getString("location_id"), rs.getString("location_name"), rs.getString("company_id"), rs.getString("scopes"),
                rs.getObject("token_expires_at", OffsetDateTime.class), rs.getObject("connected_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }

    private static RuntimeException translate(UnableToExecuteStatementException e, String name, String marketplaceId) {
        if (SqlErrors.isUniqueViolation(e)) {
            return ProblemException.conflict("an integration named '" + name + "' already exists in this marketplace", "name");
        }
        if (SqlErrors.isForeignKeyViolation(e)) {
            return ProblemException.notFound("no marketplace with id '" + marketplaceId + "'");
        }
        return e;
    }

    /** The API's answer for an integration id that this marketplace does not have (404). */
    public static ProblemException notFound(String integrationId) {
        return ProblemException.notFound("no integration with id '" + integrationId + "' in this marketplace");
    }

    static String accessAad(String id) {
        return "access-token:" + id;
    }

    static String refreshAad(String id) {
        return "refresh-token:" + id;
    }
}
