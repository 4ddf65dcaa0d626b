package io.hlbridge.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hlbridge.engine.support.Webhooks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
    // The example published with the Standard Webhooks specification and its reference libraries.
    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String SPEC_TIMESTAMP = "1614265330";
    static final String SPEC_BODY = "{\"test\": 2432232314}";
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Instant SPEC_NOW = Instant.ofEpochSecond(1614265330);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signsThePublishedExampleExactly() {
        assertThat(StandardWebhooks.signatureHeader(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, bytes(SPEC_BODY)))
                .isEqualTo(SPEC_SIGNATURE);
        assertThat(Webhooks.sign(SPEC_SECRET, SPEC_ID, Long.parseLong(SPEC_TIMESTAMP), SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void acceptsThePublishedExample() {
        assertThatCode(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW)).doesNotThrowAnyException();
    }

    @Test
    void anyOfSeveralSignaturesMayMatch_andOtherSchemesAreIgnored() {
        String header = "v1a,abc v1,AAAA  v1,not-base64!   " + SPEC_SIGNATURE; // entries apart by one space or more
        assertThatCode(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, header,
                bytes(SPEC_BODY), SPEC_NOW)).doesNotThrowAnyException();
    }

    @Test
    void anyOfSeveralSecretsMayMatch() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThatCode(() -> StandardWebhooks.verify(List.of(other, SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP,
                SPEC_SIGNATURE, bytes(SPEC_BODY), SPEC_NOW)).doesNotThrowAnyException();
    }

    @Test
    void rejectsATamperedBodyIdOrTimestamp() {
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE,
                bytes("{\"test\": 2432232315}"), SPEC_NOW)).hasMessageContaining("no webhook-signature entry matches");
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), "msg_other", SPEC_TIMESTAMP,
                SPEC_SIGNATURE, bytes(SPEC_BODY), SPEC_NOW)).isInstanceOf(StandardWebhooks.Rejected.class);
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, "1614265331",
                SPEC_SIGNATURE, bytes(SPEC_BODY), SPEC_NOW)).isInstanceOf(StandardWebhooks.Rejected.class);
    }

    @Test
    void rejectsTimestampsMoreThanFiveMinutesAway() {
        assertThatCode(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW.plusSeconds(300))).doesNotThrowAnyException();
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW.plusSeconds(301))).hasMessageContaining("5 minutes");
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW.minusSeconds(301))).hasMessageContaining("5 minutes");
    }

    @Test
    void aTimestampNearTheEndsOfTheLongRangeIsStaleNotFresh() {
        // found by HttpFuzzIT: Math.abs(now - (now - 2^63)) overflowed to a negative number and passed
        for (long seconds : new long[] {SPEC_NOW.getEpochSecond() - Long.MAX_VALUE - 1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            String timestamp = String.valueOf(seconds);
            String signature = StandardWebhooks.signatureHeader(SPEC_SECRET, SPEC_ID, timestamp, bytes(SPEC_BODY));
            assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, timestamp, signature,
                    bytes(SPEC_BODY), SPEC_NOW)).as(timestamp).hasMessageContaining("5 minutes");
        }
    }

    @Test
    void namesTheMissingHeader() {
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), null, SPEC_TIMESTAMP, SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW)).hasMessageContaining("webhook-id");
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, "", SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW)).hasMessageContaining("webhook-timestamp");
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, null,
                bytes(SPEC_BODY), SPEC_NOW)).hasMessageContaining("webhook-signature");
        assertThatThrownBy(() -> StandardWebhooks.verify(List.of(SPEC_SECRET), SPEC_ID, "yesterday", SPEC_SIGNATURE,
                bytes(SPEC_BODY), SPEC_NOW)).hasMessageContaining("Unix seconds");
    }
}
