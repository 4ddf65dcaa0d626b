package io.hlbridge.engine.highlevel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.triggers.Customer;
import io.hlbridge.engine.work.ActionExchange;
import io.hlbridge.engine.work.ActionJob;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

/**
 * Builds each HighLevel request an action makes (spec §5, API v2): the method, the URL, the
 * {@code Version: 2021-07-28} header and the JSON body. Contacts are upserted WITHOUT tags (tags on
 * upsert replace all of a contact's tags); tags only ever go through {@code /contacts/{id}/tags}.
 */
public final class HighLevelRequests {
    public static final String VERSION = "2021-07-28";
    private static final String REQUEST_BODY = "requestBody";
    private static final String REQUEST_QUERY = "requestQuery";

    private final String apiUrl;

    public HighLevelRequests(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    public void upsertContact(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "POST", "/contacts/upsert", null, Json.write(upsertBody(job.customer(), job.locationId(), job.source())));
    }

    public void addTags(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "POST", "/contacts/" + ActionExchange.contactId(exchange) + "/tags", null, Json.write(tagsBody(job.tags())));
    }

    public void removeTags(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "DELETE", "/contacts/" + ActionExchange.contactId(exchange) + "/tags", null, Json.write(tagsBody(job.tags())));
    }

    public void searchDuplicate(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "GET", "/contacts/search/duplicate",
                "locationId=" + encode(job.locationId()) + "&email=" + encode(job.customer().email()), null);
    }

    /** A GET made for no action (a lookup for the console): {@code query} already encoded, or null. */
    public void get(Exchange exchange, String path, String query) {
        prepare(exchange, "GET", path, query, null);
    }

    /** The same request once more (after a 401 and a token refresh). */
    public void again(Exchange exchange) {
        String method = exchange.getProperty(ActionExchange.REQUEST_METHOD, String.class);
        prepare(exchange, method, exchange.getProperty(ActionExchange.REQUEST_PATH, String.class),
                exchange.getProperty(REQUEST_QUERY, String.class), exchange.getProperty(REQUEST_BODY, String.class));
    }

    /** The upsert body: only the fields the store sent, never null, never tags. */
    public static ObjectNode upsertBody(Customer c, String locationId, String source) {
        ObjectNode body = Json.object();
        body.put("locationId", locationId);
        putIfPresent(body, "email", c.email());
        putIfPresent(body, "firstName", c.firstName());
        putIfPresent(body, "lastName", c.lastName());
        putIfPresent(body, "phone", c.phone());
        putIfPresent(body, "address1", c.address1());
        putIfPresent(body, "city", c.city());
        putIfPresent(body, "state", c.state());
        putIfPresent(body, "postalCode", c.postalCode());
        putIfPresent(body, "country", c.country());
        putIfPresent(body, "source", source);
        return body;
    }

    public static ObjectNode tagsBody(List<String> tags) {
        ObjectNode body = Json.object();
        var array = body.putArray("tags");
        tags.forEach(array::add);
        return body;
    }

    private void prepare(Exchange exchange, String method, String path, String query, String body) {
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        // the enum camel-http reads: a String here costs a type-converter search on every call
        m.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
        m.setHeader(Exchange.HTTP_URI, apiUrl + path + (query == null ? "" : "?" + query));
        m.setHeader("Version", VERSION);
        m.setHeader("Accept", "application/json");
        if (body != null) {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        m.setBody(body);
        exchange.setProperty(REQUEST_BODY, body);
        exchange.setProperty(REQUEST_QUERY, query);
        exchange.setProperty(ActionExchange.REQUEST_METHOD, method);
        exchange.setProperty(ActionExchange.REQUEST_PATH, path);
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
