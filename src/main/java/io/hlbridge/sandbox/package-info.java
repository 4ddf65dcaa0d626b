/**
 * A built-in stand-in for HighLevel's OAuth, Contacts, Opportunities, Workflows and Locations API v2 ({@code Version: 2021-07-28}), for the demo,
 * the tests and the benchmarks (PRODUCT.md §9). Entry point: {@link io.hlbridge.sandbox.HighLevelSandbox}.
 *
 * <h2>HighLevel endpoints (paths relative to wherever the router is mounted)</h2>
 * <ul>
 *   <li>{@code GET /oauth/chooselocation} (also {@code /v2/oauth/chooselocation}): consent page; its
 *       {@code id="approve"} button posts to {@code chooselocation/approve} (relative).</li>
 *   <li>{@code GET|POST /oauth/chooselocation/approve?response_type=code&client_id&redirect_uri&scope&state[&location_id]}:
 *       302 to {@code redirect_uri?code=…&state=…} (non-interactive path for tests).</li>
 *   <li>{@code POST /oauth/token} (form): {@code authorization_code} and {@code refresh_token} grants.</li>
 *   <li>{@code POST /contacts/upsert}, {@code POST /contacts/}, {@code GET /contacts/search/duplicate},
 *       {@code GET /contacts/{id}}, {@code POST|DELETE /contacts/{id}/tags},
 *       {@code POST|DELETE /contacts/{id}/workflow/{workflowId}}, {@code POST /contacts/{id}/notes}.</li>
 *   <li>{@code POST /opportunities/upsert}, {@code GET /opportunities/pipelines?locationId=}.</li>
 *   <li>{@code GET /workflows/?locationId=}, {@code GET /locations/{id}}, {@code GET /locations/{id}/customFields[?model=]}.</li>
 *   <li>Each location is seeded ({@code SandboxCatalog}) with three workflows, a "Sales" pipeline (New, Qualified,
 *       Won, Lost) and custom fields (contact: Last product, Lifetime value, Customer since; opportunity: Order id).</li>
 * </ul>
 *
 * <p>This package imports nothing of the engine; only the engine's wiring ({@code SandboxMount}) uses it.
 *
 * <h2>Control endpoints (never rate limited, delayed or faulted; mounted in the engine they need
 * {@code Authorization: Bearer <operator token>})</h2>
 * <ul>
 *   <li>{@code GET /_sandbox/stats}, {@code GET /_sandbox/locations} (with each one's workflows, pipelines and
 *       custom fields), {@code GET /_sandbox/contacts[?locationId=]}, {@code GET /_sandbox/contacts/{id}}
 *       ({@code {contact, workflows, notes, customFields}}), {@code GET /_sandbox/opportunities[?locationId=]}</li>
 *   <li>{@code POST /_sandbox/tokens/expire}, {@code POST /_sandbox/locations/{locationId}/revoke}</li>
 *   <li>{@code POST /_sandbox/faults {"path":"/contacts/upsert","status":503,"count":2}} (the path matched literally, anywhere in the request path) or
 *       {@code {"path":"regex","mode":"drop","count":1}}; {@code DELETE /_sandbox/faults}</li>
 *   <li>{@code PUT /_sandbox/latency {"ms":250}}, {@code PUT /_sandbox/rate-limit {"enforced":false}},
 *       {@code POST /_sandbox/reset}</li>
 * </ul>
 */
package io.hlbridge.sandbox;
