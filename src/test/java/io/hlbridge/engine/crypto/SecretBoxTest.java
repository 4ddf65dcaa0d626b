package io.hlbridge.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretBoxTest {
    @Test
    void sealsAndOpens_withAFreshNonceEachTime() {
        SecretBox box = new SecretBox(SecretBox.generateKey());
        String a = box.seal("refresh-token-123", "int_1");
        String b = box.seal("refresh-token-123", "int_1");
        assertThat(a).startsWith("v1:").isNotEqualTo(b).doesNotContain("refresh-token-123");
        assertThat(box.open(a, "int_1")).isEqualTo("refresh-token-123");
        assertThat(box.open(b, "int_1")).isEqualTo("refresh-token-123");
    }

    @Test
    void refusesAnotherRowsCiphertextOrAnotherKey() {
        SecretBox box = new SecretBox("any passphrase is stretched to 32 bytes");
        String sealed = box.seal("secret", "int_1");
        assertThatThrownBy(() -> box.open(sealed, "int_2")).hasMessageNotContaining("secret\"");
        assertThatThrownBy(() -> new SecretBox(SecretBox.generateKey()).open(sealed, "int_1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesATamperedCiphertext() {
        SecretBox box = new SecretBox(SecretBox.generateKey());
        String sealed = box.seal("secret", "x");
        // Flip a bit of the decoded bytes: editing a base64 character may only touch padding bits.
        byte[] bytes = java.util.Base64.getDecoder().decode(sealed.substring("v1:".length()));
        bytes[bytes.length - 1] ^= 1;
        String tampered = "v1:" + java.util.Base64.getEncoder().encodeToString(bytes);
        assertThatThrownBy(() -> box.open(tampered, "x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anOpenedValueStaysBoundToItsRow_evenOnceRemembered() {
        SecretBox box = new SecretBox(SecretBox.generateKey());
        String sealed = box.seal("token", "int_1");
        assertThat(box.open(sealed, "int_1")).isEqualTo("token");
        assertThat(box.open(sealed, "int_1")).isEqualTo("token");
        assertThatThrownBy(() -> box.open(sealed, "int_2")).isInstanceOf(IllegalStateException.class);
    }
}
