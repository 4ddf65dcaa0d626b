package io.hlbridge.engine.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.EngineMetrics;
import io.hlbridge.engine.api.HttpReplies;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.db.SqlErrors;
import io.hlbridge.engine.marketplace.MarketplaceStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The steps of {@code POST /webhooks/{marketplaceId}} (spec §3), each a method the route calls in
 * turn: check the envelope, verify the signature, validate the event, store it, answer 202.
 */
public final class WebhookIntake {
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Set once the signature checks out: from then on a failure is logged under the marketplace. */
    public static final String AUTHENTICATED_MARKETPLACE = "authenticatedMarketplace";
    public static final String EVENT = "storeEvent";
    public static final String OUTCOME = "intakeOutcome";
    public static final String WEBHOOK_ID = "webhookId";
    public static final String RAW_BODY = "rawBody";

    private final RecentWebhookSecrets secrets;
    private final StoreEventSchema schema;
    private final Inbox inbox;
    private final Clock clock;
    private final EngineMetrics metrics;

    public WebhookIntake(MarketplaceStore marketplaces, StoreEventSchema schema, Inbox inbox, Clock clock,
                         EngineMetrics metrics) {
        this.secrets = new RecentWebhookSecrets(marketplaces, clock);
        this.schema = schema;
        this.inbox = inbox;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** 415 unless the body is JSON; 413 past 1 MiB. */
    public void checkEnvelope(Exchange exchange) {
        Message in = exchange.getMessage();
        StorableText.requireStorableParameters(in);
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            throw new ProblemException(415, "Unsupported media type",
                    "send the event with 'Content-Type: application/json'");
        }
        String charset = charset(contentType);
        if (charset != null && !charset.equals("utf-8") && !charset.equals("utf8")) {
            throw new ProblemException(415, "Unsupported media type",
                    "send the event as UTF-8 ('Content-Type: application/json'), not charset " + StorableText.clean(charset));
        }
        String encoding = in.getHeader("Content-Encoding", String.class);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new ProblemException(415, "Unsupported media type",
                    "send the event uncompressed: Content-Encoding is not accepted");
        }
        byte[] body = in.getBody(byte[].class);
        if (body != null && body.length > MAX_BODY_BYTES) {
            throw new ProblemException(413, "Payload too large", "a store event may be at most 1 MiB");
        }
        requireUtf8(body == null ? new byte[0] : body);
        in.setBody(body == null ? new byte[0] : body);
    }

    /**
     * The body is stored as it came (PRODUCT.md §3), as text: it must be UTF-8 without a byte order
     * mark and without NUL bytes. Jackson would read UTF-16/32 or a BOM too, and PostgreSQL then
     * refused the stored text with a 500.
     */
    static void requireUtf8(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
            throw ProblemException.invalidField("(body)", "starts with a byte order mark; send UTF-8 JSON without one");
        }
        for (byte b : body) {
            if (b == 0) {
                throw ProblemException.invalidField("(body)", "contains a NUL byte; send the JSON as UTF-8 (not UTF-16 or UTF-32)");
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ProblemException.invalidField("(body)", "is not valid UTF-8");
        }
    }

    /**
     * 404 for an unknown marketplace, 401 for a missing or bad signature or a stale timestamp. A
     * signature made with the marketplace's current secret, as read for its webhooks a few seconds
     * ago, needs no read; any other is checked against the secrets read now.
     */
    public void verifySignature(Exchange exchange) {
        Message in = exchange.getMessage();
        String marketplaceId = in.getHeader("marketplaceId", String.class);
        if (!verifiedByRecentSecret(in, marketplaceId)) {
            List<String> fresh = secrets.fresh(marketplaceId)
                    .orElseThrow(() -> ProblemException.notFound("no marketplace with id '" + marketplaceId + "'"));
            try {
                verify(in, fresh);
            } catch (StandardWebhooks.Rejected rejected) {
                throw ProblemException.unauthorized(rejected.getMessage());
            }
        }
        exchange.setProperty(AUTHENTICATED_MARKETPLACE, marketplaceId);
        exchange.setProperty(WEBHOOK_ID, in.getHeader("webhook-id", String.class));
        exchange.setProperty(RAW_BODY, in.getBody(byte[].class));
    }

    private boolean verifiedByRecentSecret(Message in, String marketplaceId) {
        Optional<String> current = secrets.recentCurrent(marketplaceId);
        if (current.isEmpty()) {
            return false;
        }
        try {
            verify(in, List.of(current.get()));
            return true;
        } catch (StandardWebhooks.Rejected notWithIt) {
            return false;
        }
    }

    private void verify(Message in, List<String> secrets) throws StandardWebhooks.Rejected {
        StandardWebhooks.verify(secrets, in.getHeader("webhook-id", String.class),
                in.getHeader("webhook-timestamp", String.class), in.getHeader("webhook-signature", String.class),
                in.getBody(byte[].class), clock.instant());
    }

    /** 400 for malformed JSON or a body that breaks the schema, naming the field. */
    public void validate(Exchange exchange) {
        exchange.setProperty(EVENT, schema.parse(exchange.getMessage().getBody(byte[].class)));
    }

    /** Commits the event to the inbox (or finds it there already). */
    public void store(Exchange exchange) {
        Message in = exchange.getMessage();
        ObjectNode event = exchange.getProperty(EVENT, ObjectNode.class);
        Inbox.Outcome outcome = inbox.store(exchange.getProperty(AUTHENTICATED_MARKETPLACE, String.class),
                in.getHeader("webhook-id", String.class), event,
                new String(in.getBody(byte[].class), StandardCharsets.UTF_8));
        exchange.setProperty(OUTCOME, outcome);
    }

    /** {@code 202 {"id": "<webhook-id>", "status": "accepted" | "duplicate"}}. */
    public void reply(Exchange exchange) {
        ObjectNode body = Json.object();
        body.put("id", exchange.getMessage().getHeader("webhook-id", String.class));
        String outcome = exchange.getProperty(OUTCOME, Inbox.Outcome.class).name().toLowerCase(Locale.ROOT);
        body.put("status", outcome);
        HttpReplies.json(exchange, 202, body);
        metrics.count("engine_webhooks_total", "outcome", outcome);
    }

    /**
     * Called by the route's error handler before the problem is answered. Unauthenticated requests
     * are only counted, so nobody can flood a marketplace's log; the others are counted as rejected,
     * or as unavailable when the database could not be reached (503, see HttpReplies).
     */
    public void rejected(Exchange exchange) {
        if (SqlErrors.isDatabaseUnavailable(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))) {
            // answered 503 (the store sends it again), and not logged: the log is in the database too
            exchange.setProperty(HttpReplies.DATABASE_UNAVAILABLE, true);
            metrics.count("engine_webhooks_total", "outcome", "unavailable");
            return;
        }
        boolean authenticated = exchange.getProperty(AUTHENTICATED_MARKETPLACE) != null;
        metrics.count("engine_webhooks_total", "outcome", authenticated ? "rejected" : "unauthenticated");
    }

    /** The charset parameter of a Content-Type, lower case and unquoted, or null. */
    static String charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                return pair[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }
}
