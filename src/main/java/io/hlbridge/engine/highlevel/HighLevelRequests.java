package io.hlbridge.engine.highlevel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.HttpReplies;
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
    static final String REQUEST_BODY = "requestBody";
    /** The request body as the node it was written from (null for none, or for a body given as text): the log masks it without parsing it again. */
    static final String REQUEST_JSON = "requestJson";
    private static final String REQUEST_QUERY = "requestQuery";

    private final String apiUrl;

    public HighLevelRequests(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    public void upsertContact(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "POST", "/contacts/upsert", null, upsertBody(job.customer(), job.locationId(), job.source()));
    }

    public void addTags(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "POST", "/contacts/" + segment(ActionExchange.contactId(exchange)) + "/tags", null, tagsBody(job.tags()));
    }

    public void removeTags(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "DELETE", "/contacts/" + segment(ActionExchange.contactId(exchange)) + "/tags", null, tagsBody(job.tags()));
    }

    /** update_fields: the upsert of create_contact plus the rule's custom fields (rendered), still WITHOUT tags. */
    public void upsertContactWithFields(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        ObjectNode body = upsertBody(job.customer(), job.locationId(), job.source());
        body.set("customFields", customFields(job.params().path("fields")));
        prepare(exchange, "POST", "/contacts/upsert", null, body);
    }

    /** add_to_workflow: {@code POST /contacts/{contactId}/workflow/{workflowId}} ({@code CreateWorkflowDto}, nothing in it). */
    public void addToWorkflow(Exchange exchange) {
        prepare(exchange, "POST", workflowPath(exchange), null, Json.object());
    }

    /** remove_from_workflow: {@code DELETE /contacts/{contactId}/workflow/{workflowId}}. */
    public void removeFromWorkflow(Exchange exchange) {
        prepare(exchange, "DELETE", workflowPath(exchange), null, Json.object());
    }

    /** add_note: {@code POST /contacts/{contactId}/notes {"body": …}} (the rendered template). */
    public void addNote(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        ObjectNode body = Json.object();
        body.put("body", job.params().path("body").asText(""));
        prepare(exchange, "POST", "/contacts/" + segment(ActionExchange.contactId(exchange)) + "/notes", null, body);
    }

    /** upsert_opportunity: {@code POST /opportunities/upsert} for the contact and the rule's pipeline. */
    public void upsertOpportunity(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "POST", "/opportunities/upsert", null,
                opportunityBody(job.params(), job.eventValues(), job.locationId(), ActionExchange.contactId(exchange)));
    }

    /**
     * The body of {@code UpsertOpportunityDto} (opportunities.json, as HighLevelContract corrects it: the
     * file lacks {@code contactId}, yet an opportunity belongs to a contact): the rule's pipeline, stage,
     * status and name (rendered); the value is the order's total or the item's price in the currency's
     * major unit, or left out.
     */
    public static ObjectNode opportunityBody(JsonNode params, JsonNode eventValues, String locationId, String contactId) {
        ObjectNode body = Json.object();
        body.put("pipelineId", params.path("pipeline_id").asText());
        body.put("locationId", locationId);
        body.put("contactId", contactId);
        body.put("pipelineStageId", params.path("stage_id").asText());
        body.put("status", params.path("status").asText("open"));
        putIfPresent(body, "name", params.path("name").asText(null));
        String value = switch (params.path("monetary_value").asText("none")) {
            case "order_total" -> eventValues.path("order.total").asText(null);
            case "item_price" -> eventValues.path("item.price").asText(null);
            default -> null;
        };
        if (value != null) {
            body.put("monetaryValue", new java.math.BigDecimal(value));
        }
        return body;
    }

    /** {@code {"<field id>": "text"}} → {@code [{"id": …, "field_value": "text"}]} ({@code TextField}). */
    public static ArrayNode customFields(JsonNode fields) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        // a template whose store event lacked its values renders blank: left out, never sent to blank the field
        fields.fields().forEachRemaining(f -> {
            if (!f.getValue().asText().isBlank()) {
                out.addObject().put("id", f.getKey()).put("field_value", f.getValue().asText());
            }
        });
        return out;
    }

    private static String workflowPath(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        return "/contacts/" + segment(ActionExchange.contactId(exchange)) + "/workflow/" + segment(job.params().path("workflow_id").asText());
    }

    public void searchDuplicate(Exchange exchange) {
        ActionJob job = ActionExchange.job(exchange);
        prepare(exchange, "GET", "/contacts/search/duplicate",
                "locationId=" + encode(job.locationId()) + "&email=" + encode(job.customer().email()), null, null);
    }

    /** A GET made for no action (a lookup for the console): {@code query} already encoded, or null. */
    public void get(Exchange exchange, String path, String query) {
        prepare(exchange, "GET", path, query, null, null);
    }

    /** The same request once more (after a 401 and a token refresh). */
    public void again(Exchange exchange) {
        String method = exchange.getProperty(ActionExchange.REQUEST_METHOD, String.class);
        prepare(exchange, method, exchange.getProperty(ActionExchange.REQUEST_PATH, String.class),
                exchange.getProperty(REQUEST_QUERY, String.class), exchange.getProperty(REQUEST_BODY, String.class),
                exchange.getProperty(REQUEST_JSON, JsonNode.class));
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

    private void prepare(Exchange exchange, String method, String path, String query, JsonNode body) {
        prepare(exchange, method, path, query, Json.write(body), body);
    }

    private void prepare(Exchange exchange, String method, String path, String query, String body, JsonNode bodyJson) {
        Message m = exchange.getMessage();
        HttpReplies.clearHeaders(m);
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
        exchange.setProperty(REQUEST_JSON, bodyJson);
        exchange.setProperty(REQUEST_QUERY, query);
        exchange.setProperty(ActionExchange.REQUEST_METHOD, method);
        exchange.setProperty(ActionExchange.REQUEST_PATH, path);
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value);
        }
    }

    /** An id as one path segment (spaces as %20, a slash escaped). */
    private static String segment(String s) {
        return encode(s).replace("+", "%20");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
