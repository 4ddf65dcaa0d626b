package io.hlbridge.engine.highlevel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The contract check itself must catch a bad token request, or passing it proves nothing. */
class OAuthTokenContractTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    @Test
    void aWellFormedRefreshRequestPasses() {
        assertThat(OAuthTokenContract.validateTokenRequest(FORM,
                "client_id=c&client_secret=s&grant_type=refresh_token&refresh_token=r&user_type=Location")
                .getMessages()).isEmpty();
    }

    @Test
    void aMissingGrantTypeOrAnUnknownUserTypeFails() {
        assertThat(OAuthTokenContract.validateTokenRequest(FORM, "client_id=c&client_secret=s&refresh_token=r")
                .hasErrors()).isTrue();
        assertThat(OAuthTokenContract.validateTokenRequest(FORM,
                "client_id=c&client_secret=s&grant_type=refresh_token&refresh_token=r&user_type=Agency")
                .hasErrors()).isTrue();
    }

    @Test
    void jsonInsteadOfAFormFails() {
        assertThat(OAuthTokenContract.validateTokenRequest("application/json",
                "{\"client_id\":\"c\",\"client_secret\":\"s\",\"grant_type\":\"refresh_token\"}").hasErrors()).isTrue();
    }
}
