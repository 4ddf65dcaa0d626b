package io.hlbridge.engine.integrations;

import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.highlevel.HighLevelOAuthClient;
import io.hlbridge.engine.highlevel.HighLevelTarget;
import io.hlbridge.engine.highlevel.HighLevelUnavailable;
import io.hlbridge.engine.highlevel.TokenGrant;
import io.hlbridge.engine.highlevel.TokenRequestRejected;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /oauth/highlevel/callback?code=…&state=…} (spec §6): where HighLevel sends the merchant
 * back after "choose location". The state must be known, unused and younger than 15 minutes; then
 * the code is exchanged, the tokens stored and the integration connected, all in one transaction that
 * also uses the state up. Any failure changes nothing (the state stays as it was). Then the route asks
 * HighLevel for the location's name and {@link #page} answers.
 */
public final class OAuthCallback {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthCallback.class);
    private static final String CONNECTED = "connectedIntegration";

    private final IntegrationStore store;
    private final HighLevelOAuthClient client;
    private final AuthorizeUrls authorizeUrls;
    private final Clock clock;

    public OAuthCallback(IntegrationStore store, HighLevelOAuthClient client, AuthorizeUrls authorizeUrls, Clock clock) {
        this.store = store;
        this.client = client;
        this.authorizeUrls = authorizeUrls;
        this.clock = clock;
    }

    public void handle(Exchange exchange) {
        Message in = exchange.getMessage();
        String error = in.getHeader("error", String.class);
        if (error != null && !error.isBlank()) {
            String description = in.getHeader("error_description", String.class);
            html(exchange, 400, "HighLevel connection not completed",
                    "HighLevel did not authorize the connection (" + error
                            + (description == null || description.isBlank() ? "" : ": " + description)
                            + "). Nothing was changed; start again from the console when you are ready.");
            return;
        }
        String code = required(in, "code");
        String state = required(in, "state");
        Integration connected = store.jdbi().inTransaction(h -> {
            String integrationId = store.integrationOfState(h, state)
                    .orElseThrow(() -> ProblemException.invalidField("state", "is not a state this engine issued"));
            // Lock the integration first (the order delete and refresh use): a refresh in flight for it
            // finishes first and none starts meanwhile; then lock and re-check the state itself.
            store.lockTokens(h, integrationId)
                    .orElseThrow(() -> ProblemException.invalidField("state", "belongs to an integration that no longer exists"));
            IntegrationStore.OAuthState found = store.lockState(h, state)
                    .orElseThrow(() -> ProblemException.invalidField("state", "belongs to an integration that no longer exists"));
            if (found.used()) {
                throw ProblemException.invalidField("state", "has already been used; start the connection again");
            }
            if (found.expired()) {
                throw ProblemException.invalidField("state", "has expired (states are valid for 15 minutes); start the connection again");
            }
            TokenGrant grant = exchange(code);
            store.saveGrant(h, found.integrationId(), grant, clock.instant(), true);
            store.useStates(h, found.integrationId());
            store.listener().connected(h, found.integrationId());
            return store.find(h, found.integrationId()).orElseThrow();
        });
        LOG.info("HighLevel integration {} connected to location {}", connected.id(), connected.locationId());
        exchange.setProperty(CONNECTED, connected);
        if (connected.locationId() != null) {
            // the next step of the route asks HighLevel for the location's name (direct:highlevel-location-name)
            exchange.setProperty(HighLevelTarget.PROPERTY, new HighLevelTarget(connected.id(), connected.locationId()));
        }
    }

    /** The page after {@link #handle} connected an integration: its name and its location's (name when known). */
    public void page(Exchange exchange) {
        Integration connected = exchange.getProperty(CONNECTED, Integration.class);
        if (connected == null) {
            return; // handle already answered (HighLevel did not authorize)
        }
        Integration now = store.find(connected.marketplaceId(), connected.id()).orElse(connected);
        String location = now.locationName() != null ? now.locationName()
                : now.locationId() == null ? null : "location " + now.locationId();
        html(exchange, 200, "HighLevel connected",
                "HighLevel connected — " + now.name() + (location == null ? "" : " (" + location + ")"));
    }

    private TokenGrant exchange(String code) {
        try {
            return client.exchangeCode(code, authorizeUrls.redirectUri());
        } catch (TokenRequestRejected e) {
            throw new ProblemException(400, "Authorization code refused",
                    "HighLevel did not accept the authorization code; start the connection again (" + e.getMessage() + ")",
                    "code", java.util.List.of());
        } catch (HighLevelUnavailable e) {
            throw new ProblemException(502, "HighLevel unavailable",
                    "the authorization code could not be exchanged; start the connection again (" + e.getMessage() + ")");
        }
    }

    private static String required(Message in, String name) {
        String value = in.getHeader(name, String.class);
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(name, "is required");
        }
        return value;
    }

    private static void html(Exchange exchange, int status, String title, String text) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setBody("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title></head>
                <body><h1>%s</h1><p>%s</p><p><a href="/console/">Back to the console</a></p></body></html>
                """.formatted(escape(title), escape(title), escape(text)));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
