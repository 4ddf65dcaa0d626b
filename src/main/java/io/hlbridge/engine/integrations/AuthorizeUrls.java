package io.hlbridge.engine.integrations;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds HighLevel's "choose location" URL (spec §6) for one authorization request, and knows the
 * redirect URI the callback is served at.
 */
public final class AuthorizeUrls {
    public static final String CALLBACK_PATH = "/oauth/highlevel/callback";
    /**
     * What the actions need (spec §6), plus {@code locations.readonly} for {@code GET /locations/{id}}: the
     * location's name shown to the merchant (a deviation from §6's list, which lacks it).
     */
    public static final String SCOPES = "contacts.readonly contacts.write opportunities.readonly opportunities.write "
            + "workflows.readonly locations/customFields.readonly locations.readonly";

    private final String authorizeUrl;
    private final String clientId;
    private final String redirectUri;

    public AuthorizeUrls(String authorizeUrl, String clientId, String publicUrl) {
        this.authorizeUrl = authorizeUrl;
        this.clientId = clientId;
        this.redirectUri = publicUrl.replaceAll("/+$", "") + CALLBACK_PATH;
    }

    public String redirectUri() {
        return redirectUri;
    }

    public String forState(String state) {
        return authorizeUrl + (authorizeUrl.contains("?") ? "&" : "?")
                + "response_type=code"
                + "&client_id=" + encode(clientId)
                + "&redirect_uri=" + encode(redirectUri)
                + "&scope=" + encode(SCOPES)
                + "&state=" + encode(state);
    }

    /** Query-string encoding with spaces as {@code %20} (the spec's {@code contacts.readonly%20contacts.write}). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
