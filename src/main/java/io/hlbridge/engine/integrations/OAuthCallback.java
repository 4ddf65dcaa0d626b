package io.hlbridge.engine.integrations;

import io.hlbridge.engine.api.ProblemException;
import io.hlbridge.engine.highlevel.HighLevelOAuthClient;
import io.hlbridge.engine.highlevel.HighLevelTarget;
import io.hlbridge.engine.highlevel.HighLevelUnavailable;
import io.hlbridge.engine.highlevel.TokenGrant;
import io.hlbridge.engine.highlevel.TokenRequestRejected;
import java.time.Clock;
import java.util.Optional;
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
    private static final String RETURN_TO = "consoleReturnTo";

    /** How long the "connected" page stays before it takes the merchant back to the console by itself. */
    static final int RETURN_AFTER_SECONDS = 3;

    private final IntegrationStore store;
    private final HighLevelOAuthClient client;
    private final AuthorizeUrls authorizeUrls;
    private final ConsoleReturn consoleReturn;
    private final Clock clock;

    public OAuthCallback(IntegrationStore store, HighLevelOAuthClient client, AuthorizeUrls authorizeUrls,
                         ConsoleReturn consoleReturn, Clock clock) {
        this.store = store;
        this.client = client;
        this.authorizeUrls = authorizeUrls;
        this.consoleReturn = consoleReturn;
        this.clock = clock;
    }

    public void handle(Exchange exchange) {
        Message in = exchange.getMessage();
        String error = in.getHeader("error", String.class);
        if (error != null && !error.isBlank()) {
            String description = in.getHeader("error_description", String.class);
            refusalPage(exchange, 400, "HighLevel connection not completed",
                    "HighLevel did not authorize the connection (" + error
                            + (description == null || description.isBlank() ? "" : ": " + description)
                            + "). Nothing was changed; start again from the console when you are ready.");
            return;
        }
        try {
            connect(exchange);
        } catch (ProblemException e) {
            if (!wantsHtml(in)) {
                throw e; // an API client: problem+json, as everywhere else
            }
            boolean badState = "state".equals(e.field());
            refusalPage(exchange, e.status(), badState ? "HighLevel connection not completed" : e.title(),
                    badState ? "The connection request (its “state”) " + e.errors().get(0).message() + "." : e.getMessage());
        }
    }

    private void connect(Exchange exchange) {
        Message in = exchange.getMessage();
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
        exchange.setProperty(RETURN_TO, consoleReturn.integrationPage(
                store.stateReturn(state).flatMap(IntegrationStore.StateReturn::origin), connected.id()));
        if (connected.locationId() != null) {
            // the next step of the route asks HighLevel for the location's name (direct:highlevel-location-name)
            exchange.setProperty(HighLevelTarget.PROPERTY, new HighLevelTarget(connected.id(), connected.locationId()));
        }
    }

    /**
     * The page after {@link #handle} connected an integration: its name and its location's (name when known),
     * going back by itself to the console that asked (see {@link ConsoleReturn}).
     */
    public void page(Exchange exchange) {
        Integration connected = exchange.getProperty(CONNECTED, Integration.class);
        if (connected == null) {
            return; // handle already answered (a refusal page or problem)
        }
        Integration now = store.find(connected.marketplaceId(), connected.id()).orElse(connected);
        String location = now.locationName() != null ? now.locationName()
                : now.locationId() == null ? null : "location " + now.locationId();
        CallbackPages.send(exchange, 200, CallbackPages.connected(
                "HighLevel connected — " + now.name() + (location == null ? "" : " (" + location + ")"),
                exchange.getProperty(RETURN_TO, String.class), RETURN_AFTER_SECONDS));
    }

    /** A refusal in the merchant's browser: what went wrong and the way back (to the integration, when the state names one). */
    private void refusalPage(Exchange exchange, int status, String title, String text) {
        String state = exchange.getMessage().getHeader("state", String.class);
        Optional<IntegrationStore.StateReturn> known = state == null || state.isBlank() ? Optional.empty() : store.stateReturn(state);
        String back = known.map(r -> consoleReturn.integrationPage(r.origin(), r.integrationId()))
                .orElseGet(() -> consoleReturn.console(Optional.empty()));
        CallbackPages.send(exchange, status, CallbackPages.refused(title, text, back));
    }

    /** A browser asks for HTML; API clients (and tests) that do not get problem+json. */
    static boolean wantsHtml(Message in) {
        String accept = in.getHeader("Accept", String.class);
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
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
}
