package io.hlbridge.engine.sources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.EngineMetrics;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.api.RawFormBodies;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.ingest.Inbox;
import io.hlbridge.engine.ingest.StoreEventSchema;
import io.hlbridge.engine.ingest.WebhookIntake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The steps of {@code POST /sources/{sourceId}/{key}} (PRODUCT.md §3a) that every platform shares:
 * find the source and check its key, read the delivery as sent; after the platform's own route has
 * authenticated and translated it, check each store event against §3's schema, commit them all to
 * the same inbox as §3 (idempotent on {@code {sourceId}:{key}}), and answer 2xx.
 */
public final class SourceIntake {
    /** Set once the platform's authentication passed: from then on a failure is logged. */
    public static final String AUTHENTICATED = "sourceAuthenticated";
    /** The platform's id, naming the route the delivery goes to ({@code direct:source-<platform>}). */
    public static final String PLATFORM = "sourcePlatform";
    /** What was made of the delivery: a {@link Receipt}. */
    public static final String RECEIPT = "sourceReceipt";

    /** A delivery's outcome as answered and logged. */
    public record Receipt(String status, String platformType, String deliveryId, String message, List<Stored> events,
                          boolean answer400) {
    }

    /** One store event of a delivery as the inbox took it. */
    public record Stored(String webhookId, ObjectNode event, String status) {
    }

    private final SourceStore sources;
    private final SourcePlatforms platforms;
    private final StoreEventSchema schema;
    private final Inbox inbox;
    private final EngineMetrics metrics;

    public SourceIntake(SourceStore sources, SourcePlatforms platforms, StoreEventSchema schema, Inbox inbox,
                        EngineMetrics metrics) {
        this.sources = sources;
        this.platforms = platforms;
        this.schema = schema;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    /** 404 for an unknown source, 401 for a wrong key, 413 past 1 MiB; then the delivery as sent. */
    public void receive(Exchange exchange) {
        Message in = exchange.getMessage();
        StorableText.requireStorableParameters(in);
        // the path's own parameters, not headers: a form body's fields become headers too (one may be named "key")
        String[] path = in.getHeader(Exchange.HTTP_PATH, "", String.class).split("/");
        String sourceId = path.length == 4 ? path[2] : "";
        String key = path.length == 4 ? path[3] : null;
        Source source;
        try {
            source = sources.authenticate(sourceId, key)
                    .orElseThrow(() -> ProblemException.notFound("no source with id '" + sourceId + "'"));
        } catch (SourceStore.WrongKey wrongKey) {
            sources.countRefused(sourceId);
            throw ProblemException.unauthorized(wrongKey.getMessage() + ": copy the webhook URL again from the console");
        }
        byte[] body = rawBody(in);
        if (body.length > WebhookIntake.MAX_BODY_BYTES) {
            throw new ProblemException(413, "Payload too large", "a delivery may be at most 1 MiB");
        }
        exchange.setProperty(SourcePlatform.SOURCE, source);
        exchange.setProperty(PLATFORM, source.platform());
        exchange.setProperty(SourcePlatform.DELIVERY, new Delivery(in.getHeader(Exchange.HTTP_METHOD, "POST", String.class),
                httpHeaders(in), body));
    }

    /** A set-up ping (a HEAD, WooCommerce's {@code webhook_id=…}): answered 200 and logged {@code ping}. */
    public void ping(Exchange exchange) {
        exchange.setProperty(RECEIPT, new Receipt("ping", null, null, "the platform's set-up ping, answered 200", List.of(), false));
        touch(exchange);
    }

    /**
     * Commits the translated events to the inbox in one transaction (with the source's last delivery
     * time), or notes why the delivery was ignored or rejected. An event breaking §3's schema rejects
     * the whole delivery, naming the field.
     */
    public void store(Exchange exchange) {
        Source source = exchange.getProperty(SourcePlatform.SOURCE, Source.class);
        SourcePlatform platform = platforms.find(source.platform()).orElseThrow();
        Delivery delivery = exchange.getProperty(SourcePlatform.DELIVERY, Delivery.class);
        String deliveryId = idOf(source, platform, delivery);
        Translation translation = exchange.getProperty(SourcePlatform.TRANSLATION, Translation.class);
        if (translation instanceof Translation.Events events) {
            try {
                storeEvents(exchange, source, events, deliveryId);
                return;
            } catch (ProblemException invalid) {
                translation = new Translation.Rejected(events.platformType(), "the translated store event is invalid: "
                        + invalid.getMessage());
            }
        }
        if (translation instanceof Translation.Ignored ignored) {
            exchange.setProperty(RECEIPT, new Receipt("ignored", ignored.platformType(), deliveryId, ignored.reason(),
                    List.of(), false));
        } else if (translation instanceof Translation.Rejected rejected) {
            exchange.setProperty(RECEIPT, new Receipt("rejected", rejected.platformType(), deliveryId, rejected.reason(),
                    List.of(), platform.answersRejectedWith400()));
        }
        touch(exchange);
    }

    private void storeEvents(Exchange exchange, Source source, Translation.Events events, String deliveryId) {
        List<Inbox.Entry> entries = new ArrayList<>();
        for (SourceEvent e : events.events()) {
            byte[] text = Json.write(e.event()).getBytes(StandardCharsets.UTF_8);
            schema.parse(text);
            entries.add(new Inbox.Entry(webhookId(source, e.key()), e.event(), new String(text, StandardCharsets.UTF_8)));
        }
        List<Inbox.Outcome> outcomes = inbox.storeAll(source.marketplaceId(), entries, c -> {
            Sql.update(c, "UPDATE source SET last_event_at = now() WHERE id = ?", source.id());
            return null;
        });
        List<Stored> stored = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            stored.add(new Stored(entries.get(i).webhookId(), events.events().get(i).event(),
                    outcomes.get(i).name().toLowerCase(Locale.ROOT)));
        }
        boolean anyNew = outcomes.contains(Inbox.Outcome.ACCEPTED);
        exchange.setProperty(RECEIPT, new Receipt(anyNew ? "accepted" : "duplicate", events.platformType(), deliveryId,
                null, stored, false));
    }

    /**
     * 200 {@code {"status", "events": [{"id", "status"}]}} (every platform takes any 2xx); a rejected
     * delivery of a platform that retries only when that helps is a 400 problem naming the reason.
     */
    public void reply(Exchange exchange) {
        Receipt receipt = exchange.getProperty(RECEIPT, Receipt.class);
        Source source = exchange.getProperty(SourcePlatform.SOURCE, Source.class);
        metrics.count("engine_source_deliveries_total", "platform", source.platform(), "outcome", receipt.status());
        if (receipt.answer400()) {
            // answered here, not thrown: the error route would log the delivery a second time
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new ProblemException(400, "Delivery not translatable", receipt.message()));
            HttpReplies.problem(exchange);
            return;
        }
        ObjectNode body = Json.object();
        body.put("status", receipt.status());
        if (receipt.message() != null) {
            body.put("message", receipt.message());
        }
        ArrayNode list = body.putArray("events");
        receipt.events().forEach(e -> list.addObject().put("id", e.webhookId()).put("status", e.status()));
        HttpReplies.json(exchange, 200, body);
    }

    /**
     * Called by the route's error handler before the problem is answered: counted; logged (as
     * rejected) only once the platform's authentication passed, so nobody can flood a log.
     */
    public void rejected(Exchange exchange) {
        Source source = exchange.getProperty(SourcePlatform.SOURCE, Source.class);
        String platform = source == null ? "unknown" : source.platform();
        if (SqlErrors.isDatabaseUnavailable(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))) {
            exchange.setProperty(HttpReplies.DATABASE_UNAVAILABLE, true);
            metrics.count("engine_source_deliveries_total", "platform", platform, "outcome", "unavailable");
            return;
        }
        boolean authenticated = exchange.getProperty(AUTHENTICATED) != null;
        if (!authenticated && source != null && isUnauthorized(exchange)) {
            try {
                sources.countRefused(source.id()); // the platform's signature did not verify
            } catch (RuntimeException notCounted) {
                // a counter only: the 401 is answered all the same
            }
        }
        if (authenticated && exchange.getProperty(RECEIPT) == null) {
            Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            exchange.setProperty(RECEIPT, new Receipt("rejected", null, null,
                    caught instanceof ProblemException p ? p.getMessage() : "the engine could not take this delivery",
                    List.of(), false));
        }
        metrics.count("engine_source_deliveries_total", "platform", platform,
                "outcome", authenticated ? "rejected" : "unauthenticated");
    }

    private static boolean isUnauthorized(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class) instanceof ProblemException p && p.status() == 401;
    }

    private void touch(Exchange exchange) {
        Source source = exchange.getProperty(SourcePlatform.SOURCE, Source.class);
        sources.touch(source.id());
    }

    private static String idOf(Source source, SourcePlatform platform, Delivery delivery) {
        String id;
        try {
            id = platform.deliveryId(delivery);
        } catch (RuntimeException unreadable) {
            id = null;
        }
        return id == null ? null : webhookId(source, id);
    }

    /** {@code {sourceId}:{key}}; a key over 200 characters keeps its start and gets its SHA-256 instead of the rest. */
    static String webhookId(Source source, String key) {
        String clean = StorableText.clean(key);
        if (clean.length() > 200) {
            clean = clean.substring(0, 120) + "#sha256:" + io.hlbridge.engine.crypto.Tokens.sha256(clean);
        }
        return source.id() + ":" + clean;
    }

    /** The body as sent (a form's too: {@link RawFormBodies}). */
    private static byte[] rawBody(Message in) {
        byte[] body = in.getBody(byte[].class);
        return body == null ? new byte[0] : body;
    }

    /** The request's HTTP headers as sent (not Camel's, not the path's parameters: the key is one). */
    private static Map<String, String> httpHeaders(Message in) {
        Map<String, String> out = new LinkedHashMap<>();
        if (in instanceof HttpMessage http) {
            http.getRequest().headers().forEach(h -> out.putIfAbsent(h.getKey(), h.getValue()));
            String form = http.getRequest().getHeader(RawFormBodies.FORM_CONTENT_TYPE);
            if (form != null) {
                out.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase(RawFormBodies.FORM_CONTENT_TYPE));
                out.put("Content-Type", form);
            }
            return out;
        }
        in.getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel") && !name.equals("sourceId") && !name.equals("key") && value != null) {
                out.put(name, value instanceof Iterable<?> many ? String.valueOf(many.iterator().next()) : value.toString());
            }
        });
        return out;
    }
}
