package io.hlbridge.engine.highlevel;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.work.ActionExchange;
import io.hlbridge.engine.work.ActionJob;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.jdbi.v3.core.Jdbi;

/**
 * Contact ids learned per (integration, email), so a returning customer's tag action is one call.
 * A remembered id that HighLevel no longer knows is forgotten and looked up again once (spec §5).
 * The id known before an attempt comes with its claim; one learned during the attempt is written
 * with the attempt's outcome, in the same statement.
 */
public final class ContactRefs {
    private final Jdbi jdbi;

    public ContactRefs(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void recall(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        // the first recall of an attempt uses the id read with the claim; after a forget, ask again
        boolean first = exchange.getProperty(ActionExchange.CLAIMED_CONTACT_USED) == null;
        exchange.setProperty(ActionExchange.CLAIMED_CONTACT_USED, true);
        String id = first ? job.rememberedContactId() : jdbi.withHandle(h -> h.createQuery("SELECT contact_id FROM contact_ref WHERE integration_id = :i AND email = :e")
                .bind("i", job.integrationId()).bind("e", key(job)).mapTo(String.class).findOne().orElse(null));
        exchange.setProperty(ActionExchange.CONTACT_ID, id);
        exchange.setProperty(ActionExchange.CONTACT_FROM_CACHE, id != null);
    }

    /** After an upsert: {@code {"contact": {"id": …}}}. */
    public void rememberUpserted(Exchange exchange) {
        remember(exchange, exchange.getProperty(ActionExchange.RESPONSE, JsonNode.class).path("contact").path("id").asText(null));
    }

    /** After a duplicate search: the contact, or none ({@code "contact": null}). */
    public void rememberFound(Exchange exchange) {
        JsonNode response = exchange.getProperty(ActionExchange.RESPONSE, JsonNode.class);
        JsonNode contact = response == null ? null : response.path("contact");
        String id = contact == null || contact.isNull() || contact.isMissingNode() ? null : contact.path("id").asText(null);
        if (id == null) {
            exchange.setProperty(ActionExchange.CONTACT_ID, null);
            exchange.setProperty(ActionExchange.CONTACT_FROM_CACHE, false);
        } else {
            remember(exchange, id);
        }
    }

    public void forget(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        exchange.setProperty(ActionExchange.CLAIMED_CONTACT_USED, true);
        exchange.removeProperty(ActionExchange.LEARNED_CONTACT_ID);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM contact_ref WHERE integration_id = :i AND email = :e")
                .bind("i", job.integrationId()).bind("e", key(job)).execute());
        exchange.setProperty(ActionExchange.CONTACT_ID, null);
        exchange.setProperty(ActionExchange.CONTACT_FROM_CACHE, false);
    }

    /** Takes the contact id HighLevel named; it is stored with the attempt's outcome (ActionQueue.finish). */
    private void remember(Exchange exchange, String contactId) {
        if (contactId == null) {
            throw new HighLevelFailure(HighLevelFailure.Kind.RETRYABLE, null, "HighLevel's answer named no contact id", null);
        }
        exchange.setProperty(ActionExchange.CONTACT_ID, contactId);
        exchange.setProperty(ActionExchange.CONTACT_FROM_CACHE, false);
        exchange.setProperty(ActionExchange.LEARNED_CONTACT_ID, contactId);
    }

    /** The customer as contact_ref keys them: the email, trimmed and lower-case. */
    public static String key(ActionJob job) {
        return job.customer().email().trim().toLowerCase(Locale.ROOT);
    }
}
