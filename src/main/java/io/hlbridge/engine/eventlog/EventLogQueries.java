package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads the event log (spec §7): newest first, filtered, paged by an opaque cursor on the log's
 * sequence (stable while new entries arrive). Each marketplace keeps at most ENGINE_LOG_RETENTION
 * entries, so a search scans at most that many rows through the (marketplace, seq) index.
 */
public final class EventLogQueries {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    static final Set<String> KINDS = Set.of("event", "trigger", "action");
    static final Set<String> STATUSES = Set.of("accepted", "duplicate", "rejected", "ignored", "ping", "fired", "suppressed", "pending",
            "waiting", "retrying", "succeeded", "skipped", "failed", "canceled");

    private final Jdbi jdbi;

    public record Page(List<ObjectNode> items, String nextCursor) {
    }

    public EventLogQueries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The filters of {@code GET …/logs} as SQL: a condition on event_log and its bound values. */
    public record Where(String sql, List<Consumer<Query>> binds) {
        void bind(Query q) {
            binds.forEach(b -> b.accept(q));
        }
    }

    /** Runs a search from the query parameters of {@code GET …/logs}; bad parameters are 400s naming them. */
    public Page search(String marketplaceId, Map<String, String> params) {
        Where filter = where(marketplaceId, params);
        StringBuilder where = new StringBuilder(filter.sql());
        List<Consumer<Query>> binds = new ArrayList<>(filter.binds());
        Long before = cursor(params.get("cursor"));
        if (before != null) {
            where.append(" AND seq < :before");
            binds.add(q -> q.bind("before", before));
        }
        int limit = limit(params.get("limit"));
        List<Row> rows = jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT *, " + INTEGRATION_NAME + " FROM event_log WHERE " + where + " ORDER BY seq DESC LIMIT :limit")
                    .bind("limit", limit + 1);
            binds.forEach(b -> b.accept(q));
            return q.map((rs, ctx) -> new Row(rs.getLong("seq"), view(rs))).list();
        });
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = encodeCursor(rows.get(limit - 1).seq());
        }
        return new Page(rows.stream().map(Row::view).toList(), next);
    }

    /**
     * The filters (all of {@code GET …/logs}'s but the cursor and the limit) as a condition; bad
     * parameters are 400s naming them. Each marketplace keeps at most ENGINE_LOG_RETENTION entries, so
     * any condition scans at most that many rows through the (marketplace, seq) index.
     */
    public Where where(String marketplaceId, Map<String, String> params) {
        StringBuilder where = new StringBuilder("marketplace_id = :marketplace");
        List<Consumer<Query>> binds = new ArrayList<>();
        binds.add(q -> q.bind("marketplace", marketplaceId));
        for (String column : List.of("kind", "trigger", "action", "status", "product_id", "integration_id", "source_id", "event_id")) {
            String value = blankToNull(params.get(column));
            if (value == null) {
                continue;
            }
            if (column.equals("kind") && !KINDS.contains(value)) {
                throw ProblemException.invalidField("kind", "must be one of " + KINDS);
            }
            if (column.equals("status") && !STATUSES.contains(value)) {
                throw ProblemException.invalidField("status", "must be one of " + STATUSES);
            }
            where.append(" AND ").append(column).append(" = :").append(column);
            binds.add(q -> q.bind(column, value));
        }
        String text = blankToNull(params.get("q"));
        if (text != null) {
            where.append(" AND concat_ws(' ', email, message, event_id, event_type, trigger, product_id, rule_id, integration_id,"
                    + " source_id, platform, platform_event_type)"
                    + " ILIKE :q ESCAPE '\\'");
            String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            binds.add(q -> q.bind("q", pattern));
        }
        Instant since = instant(params.get("since"), "since");
        if (since != null) {
            where.append(" AND created_at >= :since");
            binds.add(q -> q.bind("since", OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC)));
        }
        Instant until = instant(params.get("until"), "until");
        if (until != null) {
            where.append(" AND created_at < :until");
            binds.add(q -> q.bind("until", OffsetDateTime.ofInstant(until, java.time.ZoneOffset.UTC)));
        }
        return new Where(where.toString(), List.copyOf(binds));
    }

    /**
     * The ids of the action entries matching {@code filter} that a bulk replay re-runs: failed, waiting
     * or canceled, never replayed yet; oldest first, at most {@code max}.
     */
    public List<String> replayable(Where filter, Set<String> statuses, int max) {
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT id FROM event_log WHERE " + filter.sql()
                            + " AND kind = 'action' AND status IN (<statuses>) AND replayed_by IS NULL ORDER BY seq LIMIT :max")
                    .bindList("statuses", List.copyOf(statuses)).bind("max", max);
            filter.bind(q);
            return q.mapTo(String.class).list();
        });
    }

    /**
     * One entry in full; an event's entry also carries the store event as the inbox keeps it
     * ({@code payload}, secret-looking values masked; null when it was never stored: a rejected delivery).
     */
    public Optional<ObjectNode> get(String marketplaceId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT *, " + INTEGRATION_NAME + " FROM event_log WHERE marketplace_id = :m AND id = :id")
                .bind("m", marketplaceId).bind("id", id).map((rs, ctx) -> view(rs)).findOne()
                .map(entry -> {
                    if ("event".equals(entry.path("kind").asText()) && !entry.path("event_id").isNull()) {
                        String payload = h.createQuery("SELECT payload::text FROM inbox_event WHERE marketplace_id = :m AND webhook_id = :e")
                                .bind("m", marketplaceId).bind("e", entry.path("event_id").asText()).mapTo(String.class).findOne().orElse(null);
                        entry.set("payload", payload == null ? null : LoggedBodies.masked(Json.read(payload)));
                    }
                    return entry;
                }));
    }

    private record Row(long seq, ObjectNode view) {
    }

    /**
     * The name of the entry's integration, also once it is deleted (kept in deleted_integration, V17), and
     * whether it was: so an old entry still says which integration it was about.
     */
    private static final String INTEGRATION_NAME = """
            (SELECT name FROM integration i WHERE i.id = event_log.integration_id) AS current_integration_name,
            (SELECT name FROM deleted_integration d WHERE d.id = event_log.integration_id) AS deleted_integration_name""";

    static ObjectNode view(ResultSet rs) throws SQLException {
        ObjectNode o = Json.object();
        o.put("id", rs.getString("id"));
        o.put("created_at", rs.getObject("created_at", OffsetDateTime.class).toInstant().toString());
        o.put("updated_at", rs.getObject("updated_at", OffsetDateTime.class).toInstant().toString());
        for (String column : List.of("kind", "status", "event_id", "event_type", "trigger", "rule_id", "action",
                "integration_id", "product_id", "email", "message", "replay_of", "replayed_by", "source_id", "platform", "platform_event_type")) {
            o.put(column, rs.getString(column));
        }
        o.set("calls", Json.read(rs.getString("calls")));
        if (hasColumn(rs, "current_integration_name")) {
            String current = rs.getString("current_integration_name");
            String deleted = rs.getString("deleted_integration_name");
            o.put("integration_name", current != null ? current : deleted);
            o.put("integration_deleted", current == null && deleted != null);
        }
        return o;
    }

    private static boolean hasColumn(ResultSet rs, String column) throws SQLException {
        var meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equals(column)) {
                return true;
            }
        }
        return false;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Instant instant(String value, String field) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "must be an RFC 3339 date-time such as 2026-11-26T10:00:00Z");
        }
    }

    private static int limit(String value) {
        String v = blankToNull(value);
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the problem below
        }
        throw ProblemException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    static String encodeCursor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s" + seq).getBytes(StandardCharsets.US_ASCII));
    }

    private static Long cursor(String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(v), StandardCharsets.US_ASCII);
            if (decoded.startsWith("s")) {
                return Long.parseLong(decoded.substring(1));
            }
        } catch (IllegalArgumentException ignored) {
            // fall through
        }
        throw ProblemException.invalidField("cursor", "is not a cursor this API returned");
    }
}
