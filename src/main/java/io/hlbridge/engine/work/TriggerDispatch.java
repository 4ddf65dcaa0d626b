package io.hlbridge.engine.work;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.actions.ActionCatalog;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.eventlog.EventLog;
import io.hlbridge.engine.eventlog.LogEntry;
import io.hlbridge.engine.triggers.DerivedTrigger;
import io.hlbridge.engine.triggers.EventFacts;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The rule-lookup step: logs each derived trigger (fired or suppressed) and, for a fired one, queues
 * one action per matching rule — the enabled product rules of its product plus the enabled global
 * rules, each once. Runs in the transaction that consumed the event, so nothing is queued twice.
 */
public final class TriggerDispatch {
    private final ActionCatalog actions;

    public TriggerDispatch(ActionCatalog actions) {
        this.actions = actions;
    }

    record MatchedRule(String id, String integrationId, String integrationName, boolean connected, String action,
                       List<String> tags, ObjectNode params) {
    }

    public void dispatch(Handle h, String marketplaceId, String marketplaceName, String eventId, String eventType,
                         List<DerivedTrigger> triggers) {
        try {
            dispatch(h.getConnection(), marketplaceId, marketplaceName, eventId, eventType, triggers);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The triggers' matching rules, then their log entries, jobs and the jobs' entries, all in one statement. */
    public void dispatch(Connection c, String marketplaceId, String marketplaceName, String eventId, String eventType,
                         List<DerivedTrigger> triggers) throws SQLException {
        Batch batch = new Batch();
        dispatch(c, marketplaceId, marketplaceName, eventId, eventType, triggers, batch);
        batch.write(c);
    }

    /**
     * As above, into {@code batch}: the rules a batch's events share are looked up once, and its log
     * entries, jobs and products seen are written by {@link Batch#write} at the end of its transaction.
     */
    public void dispatch(Connection c, String marketplaceId, String marketplaceName, String eventId, String eventType,
                         List<DerivedTrigger> triggers, Batch batch) throws SQLException {
        for (DerivedTrigger t : triggers) {
            batch.seen.add(marketplaceId, t.productId(), t.productName());
            LogEntry entry = LogEntry.trigger(EventLog.newId(), marketplaceId, t.fired() ? "fired" : "suppressed", eventId,
                    eventType, t.trigger(), t.productId(), t.customer().email(), t.message());
            List<ActionQueue.NewJob> jobs = new ArrayList<>();
            if (t.fired()) {
                List<MatchedRule> rules = batch.rules(c, marketplaceId, t.trigger(), t.productId());
                Map<String, String> values = rules.isEmpty() ? Map.of() : EventFacts.templateValues(t);
                for (MatchedRule r : rules) {
                    jobs.add(new ActionQueue.NewJob(marketplaceId, r.integrationId(), r.id(), r.action(), r.tags(),
                            t.trigger(), eventId, eventType, t.productId(), t.customer(), marketplaceName, r.connected(),
                            r.integrationName(), null, rendered(r, values), Json.MAPPER.valueToTree(values)));
                }
            }
            batch.queued.add(entry, jobs);
        }
    }

    /**
     * What a batch of store events dispatches, written once at the end of its transaction: the triggers'
     * log entries and queued jobs (one statement), then the products seen, in one round trip. The rules matching a
     * (marketplace, trigger, product) are read once per batch: a batch lasts milliseconds, and a rule
     * saved meanwhile applies from the next one, as it would had it been saved a moment later.
     */
    public static final class Batch {
        private final ProductsSeen seen = new ProductsSeen();
        private final ActionQueue.Enqueued queued = new ActionQueue.Enqueued();
        private final Map<List<String>, List<MatchedRule>> rules = new java.util.HashMap<>();

        List<MatchedRule> rules(Connection c, String marketplaceId, String trigger, String productId) throws SQLException {
            List<String> key = java.util.Arrays.asList(marketplaceId, trigger, productId);
            List<MatchedRule> found = rules.get(key);
            if (found == null) {
                found = matching(c, marketplaceId, trigger, productId);
                rules.put(key, found);
            }
            return found;
        }

        /**
         * Writes the log entries and jobs, then the products seen (last: the only rows events of different
         * customers share), in one round trip.
         */
        public void write(Connection c) throws SQLException {
            Sql.Statement jobs = queued.statement(0);
            List<Sql.Statement> after = productsSeen();
            if (jobs == null) {
                Sql.runAll(c, after);
            } else {
                Sql.listAmong(c, List.of(), jobs, ActionQueue::map, after);
            }
        }

        /** What a batch queued: how many jobs, and those of them handed off to this replica's workers. */
        public record Queued(int jobs, List<ActionJob> handedOff) {
            /** True when some queued job was not handed off and waits for a claim. */
            public boolean leftForClaim() {
                return handedOff.size() < jobs;
            }
        }

        /**
         * As {@link #write}, leasing up to {@code handOff} of the new jobs for this replica's workers
         * ({@link ActionQueue.Enqueued#statement}), and commits the transaction in the same round trip
         * ({@link Sql#listAndCommit}): the last work of the inbox stage's transaction. Its statements use
         * their generic plans: the jobs' statement, given its arrays' lengths, was planned anew at every
         * batch (bench/deliver: 0.05 of its 0.22 ms per event).
         */
        public Queued writeAndCommit(Connection c, int handOff) throws SQLException {
            int jobCount = queued.jobCount();
            Sql.Statement jobs = queued.statement(handOff);
            List<Sql.Statement> after = productsSeen();
            if (jobs == null) {
                Sql.runAndCommit(c, after);
                return new Queued(0, List.of());
            }
            return new Queued(jobCount, Sql.listAndCommit(c, List.of(Sql.GENERIC_PLANS), jobs, ActionQueue::map, after));
        }

        private List<Sql.Statement> productsSeen() {
            rules.clear();
            Sql.Statement products = seen.statement();
            return products == null ? List.of() : List.of(products);
        }
    }

    /**
     * The products seen in events (offered by name when a merchant writes a product rule), written
     * once per transaction: a whole batch of events writes them in one statement, at its end.
     */
    static final class ProductsSeen {
        private final Map<List<String>, String> names = new LinkedHashMap<>();

        void add(String marketplaceId, String productId, String productName) {
            if (productId != null) {
                names.merge(List.of(marketplaceId, productId), productName == null ? "" : productName,
                        (earlier, later) -> later.isEmpty() ? earlier : later);
            }
        }

        /**
         * Every order of a best-seller names the same product: only a new product or a new name writes
         * (and locks) its row. Rows are locked in (marketplace, product) order, so two transactions
         * that both add or rename products never wait on each other in a cycle. (The UPDATE sees the
         * table as it was before the statement, so never a row the INSERT just added.)
         */
        Sql.Statement statement() {
            if (names.isEmpty()) {
                return null;
            }
            List<String> marketplaces = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<String> productNames = new ArrayList<>();
            names.forEach((key, name) -> {
                marketplaces.add(key.get(0));
                ids.add(key.get(1));
                productNames.add(name.isEmpty() ? null : name);
            });
            Sql.Statement all = new Sql.Statement("""
                    WITH seen AS (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                                           AS x(marketplace_id, product_id, product_name)),
                    added AS (
                        INSERT INTO product_seen (marketplace_id, product_id, product_name)
                        SELECT marketplace_id, product_id, product_name FROM seen ORDER BY marketplace_id, product_id
                        ON CONFLICT (marketplace_id, product_id) DO NOTHING),
                    renamed AS (
                        SELECT p.marketplace_id, p.product_id, s.product_name
                          FROM product_seen p JOIN seen s ON s.marketplace_id = p.marketplace_id AND s.product_id = p.product_id
                         WHERE s.product_name IS NOT NULL AND p.product_name IS DISTINCT FROM s.product_name
                         ORDER BY p.marketplace_id, p.product_id
                           FOR UPDATE OF p)
                    UPDATE product_seen p SET product_name = r.product_name, last_seen_at = now()
                      FROM renamed r
                     WHERE p.marketplace_id = r.marketplace_id AND p.product_id = r.product_id""",
                    Sql.texts(marketplaces), Sql.texts(ids), Sql.texts(productNames));
            names.clear();
            return all;
        }
    }

    /**
     * The rule's params with their templates rendered from this trigger's event, so the job is
     * self-contained; an action no file declares keeps them as they are (it fails at dispatch, saying so).
     */
    private ObjectNode rendered(MatchedRule r, Map<String, String> values) {
        return actions.find(r.action()).map(a -> a.params().render(r.params(), values)).orElse(r.params());
    }

    static List<MatchedRule> matching(Connection c, String marketplaceId, String trigger, String productId) throws SQLException {
        return Sql.list(c, """
                SELECT r.id, r.integration_id, i.name, i.status = 'connected' AS connected, r.action, r.tags, r.params::text
                  FROM rule r JOIN integration i ON i.id = r.integration_id
                 WHERE r.marketplace_id = ? AND r.enabled AND r.trigger = ?
                   AND (r.scope = 'global' OR r.product_id = ?)
                 ORDER BY r.created_at, r.id""",
                rs -> new MatchedRule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getString(5), Sql.strings(rs, "tags"), (ObjectNode) Json.read(rs.getString(7))),
                marketplaceId, trigger, productId);
    }
}
