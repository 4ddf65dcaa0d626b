package io.hlbridge.engine.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.crypto.Tokens;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Rules in PostgreSQL, always within one marketplace; the integration must belong to it too. */
public final class RuleStore {
    private final Jdbi jdbi;

    public RuleStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public List<Rule> list(String marketplaceId, String scope, String productId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM rule WHERE marketplace_id = :m
                   AND (CAST(:scope AS text) IS NULL OR scope = :scope)
                   AND (CAST(:product AS text) IS NULL OR product_id = :product)
                 ORDER BY created_at, id""")
                .bind("m", marketplaceId).bind("scope", scope).bind("product", productId)
                .map((rs, ctx) -> map(rs)).list());
    }

    public Optional<Rule> find(String marketplaceId, String id) {
        return jdbi.withHandle(h -> find(h, marketplaceId, id));
    }

    static Optional<Rule> find(Handle h, String marketplaceId, String id) {
        return h.createQuery("SELECT * FROM rule WHERE marketplace_id = :m AND id = :id")
                .bind("m", marketplaceId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public Rule create(String marketplaceId, RuleInput in) {
        return jdbi.inTransaction(h -> {
            requireIntegration(h, marketplaceId, in.integrationId());
            String id = Tokens.id("rul");
            h.createUpdate("""
                    INSERT INTO rule (id, marketplace_id, scope, product_id, trigger, integration_id, action, tags, params, enabled)
                    VALUES (:id, :m, :scope, :product, :trigger, :integration, :action, :tags, CAST(:params AS jsonb), :enabled)""")
                    .bind("id", id).bind("m", marketplaceId).bind("scope", in.scope()).bind("product", in.productId())
                    .bind("trigger", in.trigger()).bind("integration", in.integrationId()).bind("action", in.action())
                    .bindArray("tags", String.class, in.tags()).bind("params", Json.write(in.params()))
                    .bind("enabled", in.enabled())
                    .execute();
            return find(h, marketplaceId, id).orElseThrow();
        });
    }

    public Optional<Rule> replace(String marketplaceId, String id, RuleInput in) {
        return jdbi.inTransaction(h -> {
            requireIntegration(h, marketplaceId, in.integrationId());
            int n = h.createUpdate("""
                    UPDATE rule SET scope = :scope, product_id = :product, trigger = :trigger, integration_id = :integration,
                                    action = :action, tags = :tags, params = CAST(:params AS jsonb), enabled = :enabled,
                                    updated_at = now()
                     WHERE marketplace_id = :m AND id = :id""")
                    .bind("id", id).bind("m", marketplaceId).bind("scope", in.scope()).bind("product", in.productId())
                    .bind("trigger", in.trigger()).bind("integration", in.integrationId()).bind("action", in.action())
                    .bindArray("tags", String.class, in.tags()).bind("params", Json.write(in.params()))
                    .bind("enabled", in.enabled())
                    .execute();
            return n == 1 ? find(h, marketplaceId, id) : Optional.<Rule>empty();
        });
    }

    public boolean delete(String marketplaceId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM rule WHERE marketplace_id = :m AND id = :id")
                .bind("m", marketplaceId).bind("id", id).execute()) == 1;
    }

    private static void requireIntegration(Handle h, String marketplaceId, String integrationId) {
        boolean ours = h.createQuery("SELECT count(*) FROM integration WHERE id = :id AND marketplace_id = :m")
                .bind("id", integrationId).bind("m", marketplaceId).mapTo(Integer.class).one() == 1;
        if (!ours) {
            throw ProblemException.invalidField("integration_id", "no integration '" + integrationId + "' in this marketplace");
        }
    }

    static Rule map(ResultSet rs) throws SQLException {
        Array tags = rs.getArray("tags");
        return new Rule(rs.getString("id"), rs.getString("marketplace_id"), rs.getString("scope"),
                rs.getString("product_id"), rs.getString("trigger"), rs.getString("integration_id"),
                rs.getString("action"), tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()),
                (ObjectNode) Json.read(rs.getString("params")), rs.getBoolean("enabled"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class));
    }
}
