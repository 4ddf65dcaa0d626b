package io.hlbridge.engine.highlevel;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks token requests against HighLevel's official {@code apps/oauth.json} (operation
 * {@code get-access-token}), read from {@code ../shared/highlevel-openapi/} beside the project.
 * (The sandbox branch is building a fuller helper, {@code HighLevelContract}; this one covers only
 * the token endpoint this branch calls.)
 */
public final class OAuthTokenContract {
    public static final Path SPEC = Path.of("..", "shared", "highlevel-openapi", "apps", "oauth.json")
            .toAbsolutePath().normalize();

    private static OpenApiInteractionValidator validator;

    private OAuthTokenContract() {
    }

    private static synchronized OpenApiInteractionValidator validator() {
        if (validator == null) {
            if (!Files.isRegularFile(SPEC)) {
                throw new IllegalStateException("HighLevel's OpenAPI file is missing: " + SPEC);
            }
            validator = OpenApiInteractionValidator.createForSpecificationUrl(SPEC.toUri().toString()).build();
        }
        return validator;
    }

    /** Validates one {@code POST /oauth/token} request as sent: its Content-Type and raw body. */
    public static ValidationReport validateTokenRequest(String contentType, String body) {
        return validator().validateRequest(SimpleRequest.Builder.post("/oauth/token")
                .withContentType(contentType)
                .withHeader("Content-Type", contentType)
                .withBody(body)
                .build());
    }
}
