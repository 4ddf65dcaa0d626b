package io.hlbridge.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OAuth 2.0 of a HighLevel Marketplace app: the chooselocation consent page (served at both
 * {@code /oauth/chooselocation} and the newer {@code /v2/oauth/chooselocation}, notes §1.1) and
 * {@code POST /oauth/token} (apps/oauth.json, notes §1.2-1.4).
 */
final class SandboxOAuth {

    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials");
    private static final Set<String> USER_TYPES = Set.of("Company", "Location");

    private final SandboxSettings settings;
    private final List<SandboxLocation> locations;
    private final String userId;
    private final SandboxTokens tokens;
    private final SandboxStats stats;
    private final SandboxResponder out;

    SandboxOAuth(SandboxSettings settings, List<SandboxLocation> locations, String userId, SandboxTokens tokens,
                 SandboxStats stats, SandboxResponder out) {
        this.settings = settings;
        this.locations = locations;
        this.userId = userId;
        this.tokens = tokens;
        this.stats = stats;
        this.out = out;
    }

    void mount(Router router) {
        for (String base : List.of("/oauth/chooselocation", "/v2/oauth/chooselocation")) {
            router.get(base).handler(this::choosePage);
            router.get(base + "/approve").handler(this::approve);
            router.post(base + "/approve").handler(this::approve);
        }
        router.post("/oauth/token").handler(this::token);
    }

    // ---- chooselocation ----------------------------------------------------------------------------

    private void choosePage(RoutingContext ctx) {
        MultiMap p = ctx.request().params();
        String problem = authorizeProblem(p);
        if (problem != null) {
            out.html(ctx, 400, page("Sandbox HighLevel — error", "<p id=\"error\">" + esc(problem) + "</p>"));
            return;
        }
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"lead\">The app <b id=\"client\">").append(esc(p.get("client_id")))
                .append("</b> asks to reach one of your sub-accounts (locations) with these permissions:</p>\n<ul class=\"scopes\">");
        for (String scope : (p.get("scope") == null ? "" : p.get("scope")).trim().split("\\s+")) {
            if (!scope.isEmpty()) {
                body.append("<li><code>").append(esc(scope)).append("</code></li>");
            }
        }
        body.append("</ul>\n");
        // Relative action: resolves next to this page, whatever prefix the sandbox is mounted under.
        body.append("<form method=\"post\" action=\"chooselocation/approve\">\n");
        for (String name : List.of("response_type", "client_id", "redirect_uri", "scope", "state")) {
            if (p.get(name) != null) {
                body.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(esc(p.get(name))).append("\">\n");
            }
        }
        body.append("<fieldset><legend>Choose a location</legend>\n");
        for (int i = 0; i < locations.size(); i++) {
            SandboxLocation l = locations.get(i);
            body.append("<label class=\"location\"><input type=\"radio\" name=\"location_id\" value=\"").append(esc(l.id())).append('"')
                    .append(i == 0 ? " checked" : "").append("> <span>").append(esc(l.name())).append(" <small>")
                    .append(esc(l.id())).append("</small></span></label>\n");
        }
        body.append("</fieldset>\n<button type=\"submit\" id=\"approve\">Approve</button>\n</form>\n")
                .append("<p class=\"note\">This is the engine's built-in HighLevel sandbox: no real HighLevel account is involved.</p>\n");
        out.html(ctx, 200, page("Sandbox HighLevel — authorize " + p.get("client_id"), body.toString()));
    }

    /** Non-interactive approval (GET for tests, POST from the page's form): 302 to redirect_uri with a code. */
    private void approve(RoutingContext ctx) {
        MultiMap p = ctx.request().params(); // query and (BodyHandler-merged) form attributes
        String problem = authorizeProblem(p);
        SandboxLocation location = null;
        if (problem == null) {
            String wanted = p.get("location_id");
            location = wanted == null || wanted.isBlank() ? locations.get(0)
                    : locations.stream().filter(l -> l.id().equals(wanted)).findFirst().orElse(null);
            if (location == null) problem = "Unknown location_id " + wanted;
        }
        if (problem != null) {
            out.html(ctx, 400, page("Sandbox HighLevel — error", "<p id=\"error\">" + esc(problem) + "</p>"));
            return;
        }
        String redirectUri = p.get("redirect_uri");
        String code = tokens.issueCode(p.get("client_id"), redirectUri, p.get("scope") == null ? "" : p.get("scope"), location);
        StringBuilder target = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?')
                .append("code=").append(enc(code));
        if (p.get("state") != null) {
            target.append("&state=").append(enc(p.get("state")));
        }
        out.redirect(ctx, target.toString());
    }

    private String authorizeProblem(MultiMap p) {
        if (!settings.clientId().equals(p.get("client_id"))) {
            // The message HighLevel shows for an unknown app (notes §1.1, activepieces#4910).
            return "No integration found with the ID " + (p.get("client_id") == null ? "" : p.get("client_id"));
        }
        if (!"code".equals(p.get("response_type"))) return "response_type must be code";
        String redirect = p.get("redirect_uri");
        if (redirect == null || !(redirect.startsWith("http://") || redirect.startsWith("https://"))) {
            return "redirect_uri must be an absolute http(s) URL";
        }
        return null;
    }

    // ---- /oauth/token ------------------------------------------------------------------------------

    private void token(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String grantType = form.get("grant_type");
        stats.tokenRequest(grantType);
        List<String> errors = new ArrayList<>();
        for (String f : List.of("client_id", "client_secret")) {
            if (isBlank(form.get(f))) {
                errors.add(f + " should not be empty");
                errors.add(f + " must be a string");
            }
        }
        if (isBlank(grantType)) {
            errors.add("grant_type must be a valid enum value");
            errors.add("grant_type should not be empty");
        } else if (!GRANT_TYPES.contains(grantType)) {
            errors.add("grant_type must be a valid enum value");
        }
        String userType = form.get("user_type");
        if (userType != null && !USER_TYPES.contains(userType)) {
            errors.add("user_type must be a valid enum value");
        }
        if (!errors.isEmpty()) {
            // Shape seen from HighLevel for an empty grant_type (notes §1.2, n8n#12689).
            out.unprocessable(ctx, errors);
            return;
        }
        if (!settings.clientId().equals(form.get("client_id")) || !settings.clientSecret().equals(form.get("client_secret"))) {
            out.json(ctx, 401, SandboxResponder.errorBody(401, "Invalid client credentials").put("error", "Unauthorized"));
            return;
        }
        if ("Company".equals(userType)) {
            out.error(ctx, 400, "The sandbox issues Location (Sub-Account) tokens only");
            return;
        }
        SandboxTokens.Result result;
        switch (grantType) {
            case "authorization_code" -> result = tokens.exchangeCode(form.get("code"), form.get("client_id"),
                    form.get("redirect_uri"));
            case "refresh_token" -> result = tokens.refresh(form.get("refresh_token"), form.get("client_id"));
            default -> {
                out.error(ctx, 400, "unsupported_grant_type: the sandbox does not support " + grantType);
                return;
            }
        }
        if (!result.ok()) {
            String what = grantType.equals("refresh_token") ? "refresh token" : "authorization code";
            String message = "invalid_grant: " + what + " is invalid, expired or already used";
            if (result.failure() == SandboxTokens.Failure.REDIRECT_MISMATCH) {
                message = "invalid_grant: redirect_uri does not match the one used to authorize";
            }
            // BadRequestDTO allows only statusCode and message. Third-party clients look for "invalid_grant"
            // (notes §1.4; the official shape is UNCONFIRMED), so the message starts with it.
            out.json(ctx, 400, SandboxResponder.errorBody(400, message));
            return;
        }
        SandboxTokens.Grant g = result.grant();
        // GetAccessCodeSuccessfulResponseDto (apps/oauth.json).
        out.json(ctx, 200, new JsonObject()
                .put("access_token", g.accessToken())
                .put("token_type", "Bearer")
                .put("expires_in", g.expiresInSeconds())
                .put("refresh_token", g.refreshToken())
                .put("scope", g.scope())
                .put("userType", "Location")
                .put("locationId", g.location().id())
                .put("companyId", g.location().companyId())
                .put("userId", g.userId())
                .put("isBulkInstallation", false));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** A consent screen that reads like HighLevel's (self-contained: the sandbox also runs on its own). */
    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + esc(title)
                + "</title>\n<style>" + STYLE + "</style></head>\n<body>\n<header>Sandbox HighLevel</header>\n<main><h1>"
                + esc(title) + "</h1>\n" + body + "</main></body></html>\n";
    }

    private static final String STYLE = """
            *{box-sizing:border-box}body{margin:0;background:#f2f4f7;color:#101828;
            font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
            header{background:#155eef;color:#fff;font-weight:700;padding:.75rem 1.25rem}
            main{max-width:30rem;margin:1.5rem auto;background:#fff;border:1px solid #d0d5dd;border-radius:10px;padding:1.25rem 1.5rem}
            h1{font-size:1.2rem;margin:0 0 .75rem;overflow-wrap:anywhere}.lead{margin-top:0;overflow-wrap:anywhere}
            ul.scopes{padding-left:1.25rem}code{font-size:.85rem;overflow-wrap:anywhere}
            fieldset{border:1px solid #d0d5dd;border-radius:8px;padding:.5rem .75rem;margin:0 0 1rem}legend{font-weight:700;padding:0 .35rem}
            label.location{display:flex;gap:.5rem;align-items:center;padding:.5rem;border-radius:6px;cursor:pointer}
            label.location:hover{background:#f5f8ff}small{color:#475467}
            button{font:inherit;font-weight:700;width:100%;padding:.65rem;border:0;border-radius:8px;background:#155eef;color:#fff;cursor:pointer}
            button:focus-visible,input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
            #error{background:#fef3f2;border:1px solid #fecdca;color:#912018;padding:.6rem .9rem;border-radius:6px}
            .note{color:#475467;font-size:.85rem;margin-bottom:0}""";

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
