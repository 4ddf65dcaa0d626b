package io.hlbridge.engine.triggers;

import com.fasterxml.jackson.databind.JsonNode;

/** The store's customer as a trigger carries it to the actions; a field the event did not send is null. */
public record Customer(String email, String firstName, String lastName, String phone,
                       String address1, String city, String state, String postalCode, String country) {

    public static Customer from(JsonNode customerNode) {
        JsonNode address = customerNode.path("address");
        return new Customer(
                text(customerNode, "email"), text(customerNode, "first_name"), text(customerNode, "last_name"),
                text(customerNode, "phone"), text(address, "line1"), text(address, "city"),
                text(address, "state"), text(address, "postal_code"), text(address, "country"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
