package io.hlbridge.engine.marketplace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.Exchange;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET …/marketplaces/{id}/overview}: what happened lately, counted from the durable tables
 * (inbox_event, action_job; the log keeps only its newest entries): store events received and actions by
 * their current status in the last 24 hours, in the last 7 days and per day (days in the caller's time
 * zone, {@code tz}, UTC by default), the last event's time, and the integrations that are not connected.
 * An action counts on the day it was queued, with the status it has now. Index V14 makes each count an
 * index-only range scan of the marketplace's last week.
 */
public final class MarketplaceOverview {
    static final int DAYS = 7;
    static final List<String> ACTION_STATUSES = List.of("succeeded", "skipped", "failed", "canceled", "waiting", "retrying", "pending");

    private final Jdbi jdbi;
    private final MarketplaceStore marketplaces;
    private final Clock clock;

    public MarketplaceOverview(Jdbi jdbi, MarketplaceStore marketplaces, Clock clock) {
        this.jdbi = jdbi;
        this.marketplaces = marketplaces;
        this.clock = clock;
    }

    public void get(Exchange exchange) {
        String id = marketplaces.existingId(exchange.getMessage().getHeader("marketplaceId", String.class));
        ZoneId zone = zone(exchange.getMessage().getHeader("tz", String.class));
        HttpReplies.json(exchange, 200, overview(id, zone, clock.instant()));
    }

    /** A time-zone name such as Europe/Berlin; a bad one is a 400 naming {@code tz}. */
    static ZoneId zone(String tz) {
        if (tz == null || tz.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(tz.trim());
        } catch (DateTimeException e) {
            throw ProblemException.invalidField("tz", "must be a time-zone name such as Europe/Berlin or UTC");
        }
    }

    public ObjectNode overview(String marketplaceId, ZoneId zone, Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        String[] starts = new String[DAYS];
        for (int i = 0; i < DAYS; i++) {
            starts[i] = today.minusDays(DAYS - 1 - i).atStartOfDay(zone).toInstant().toString();
        }
        OffsetDateTime from = OffsetDateTime.parse(starts[0]);
        OffsetDateTime dayAgo = OffsetDateTime.ofInstant(now.minus(Duration.ofHours(24)), ZoneOffset.UTC);
        ObjectNode out = Json.object();
        out.put("generated_at", now.toString());
        out.put("time_zone", zone.getId());
        jdbi.useHandle(h -> {
            long[] events = new long[DAYS];
            long[][] actions = new long[DAYS][ACTION_STATUSES.size()];
            long[] recentActions = new long[ACTION_STATUSES.size()];
            long[] recentEvents = {0};
            h.createQuery("""
                    SELECT width_bucket(received_at, CAST(:starts AS timestamptz[])) AS day, count(*) AS n,
                           count(*) FILTER (WHERE received_at >= :dayAgo) AS recent
                      FROM inbox_event WHERE marketplace_id = :m AND received_at >= :from GROUP BY 1""")
                    .bind("starts", starts).bind("dayAgo", dayAgo).bind("m", marketplaceId).bind("from", from)
                    .mapToMap().forEach(r -> {
                        events[day(r.get("day"))] += ((Number) r.get("n")).longValue();
                        recentEvents[0] += ((Number) r.get("recent")).longValue();
                    });
            h.createQuery("""
                    SELECT width_bucket(created_at, CAST(:starts AS timestamptz[])) AS day, status, count(*) AS n,
                           count(*) FILTER (WHERE created_at >= :dayAgo) AS recent
                      FROM action_job WHERE marketplace_id = :m AND created_at >= :from GROUP BY 1, 2""")
                    .bind("starts", starts).bind("dayAgo", dayAgo).bind("m", marketplaceId).bind("from", from)
                    .mapToMap().forEach(r -> {
                        int s = ACTION_STATUSES.indexOf((String) r.get("status"));
                        actions[day(r.get("day"))][s] += ((Number) r.get("n")).longValue();
                        recentActions[s] += ((Number) r.get("recent")).longValue();
                    });
            ObjectNode last24 = out.putObject("last_24h");
            last24.put("events", recentEvents[0]);
            statuses(last24.putObject("actions"), recentActions);
            ObjectNode week = out.putObject("last_7_days");
            long[] weekActions = new long[ACTION_STATUSES.size()];
            long weekEvents = 0;
            var days = out.putArray("days");
            for (int d = 0; d < DAYS; d++) {
                ObjectNode day = days.addObject();
                day.put("date", today.minusDays(DAYS - 1 - d).toString());
                day.put("events", events[d]);
                statuses(day.putObject("actions"), actions[d]);
                weekEvents += events[d];
                for (int s = 0; s < weekActions.length; s++) {
                    weekActions[s] += actions[d][s];
                }
            }
            week.put("events", weekEvents);
            statuses(week.putObject("actions"), weekActions);
            out.put("last_event_at", lastEventAt(h, marketplaceId));
            var attention = out.putArray("integrations_not_connected");
            h.createQuery("""
                    SELECT id, name, status, status_reason FROM integration
                     WHERE marketplace_id = :m AND status <> 'connected' ORDER BY status = 'pending', lower(name)""")
                    .bind("m", marketplaceId).mapToMap()
                    .forEach(r -> attention.addObject().put("id", (String) r.get("id")).put("name", (String) r.get("name"))
                            .put("status", (String) r.get("status")).put("status_reason", (String) r.get("status_reason")));
        });
        return out;
    }

    /**
     * The newest stored event's time. An event older than ENGINE_HISTORY_RETENTION is no longer in the inbox,
     * but a quiet marketplace's log may still show it: "none yet" only when neither has one.
     */
    static String lastEventAt(Handle h, String marketplaceId) {
        return h.createQuery("SELECT max(received_at) FROM inbox_event WHERE marketplace_id = :m")
                .bind("m", marketplaceId).mapTo(OffsetDateTime.class).findOne()
                .or(() -> h.createQuery("""
                        SELECT created_at FROM event_log
                         WHERE marketplace_id = :m AND kind = 'event' AND status = 'accepted' ORDER BY seq DESC LIMIT 1""")
                        .bind("m", marketplaceId).mapTo(OffsetDateTime.class).findOne())
                .map(t -> t.toInstant().toString()).orElse(null);
    }

    /** width_bucket's 1…DAYS as an index (a row stamped ahead of this replica's clock counts today). */
    private static int day(Object bucket) {
        int b = ((Number) bucket).intValue();
        return Math.max(0, Math.min(DAYS, b) - 1);
    }

    private static void statuses(ObjectNode into, long[] counts) {
        for (int s = 0; s < counts.length; s++) {
            into.put(ACTION_STATUSES.get(s), counts[s]);
        }
    }
}
