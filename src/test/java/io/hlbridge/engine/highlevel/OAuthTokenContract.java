package io.hlbridge.engine.highlevel;

import com.atlassian.oai.validator.report.ValidationReport;
import java.util.List;
import java.util.Map;

/**
 * Checks token requests against HighLevel's official {@code apps/oauth.json} (operation
 * {@code get-access-token}), through {@link HighLevelContract} and the project's copy of the files.
 */
public final class OAuthTokenContract {
    private OAuthTokenContract() {
    }

    /** Validates one {@code POST /oauth/token} request as sent: its Content-Type and raw body. */
    public static ValidationReport validateTokenRequest(String contentType, String body) {
        return HighLevelContract.get().validateRequest("POST", "/oauth/token", null,
                Map.of("Content-Type", List.of(contentType)), body);
    }
}
