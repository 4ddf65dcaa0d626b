package io.hlbridge.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
    @Test
    void aTimeOrderedIdHasTheShapeOfARandomOne_andSortsByWhenItWasMade() throws Exception {
        String first = Tokens.timeOrderedId("log");
        Thread.sleep(2);
        String later = Tokens.timeOrderedId("log");

        assertThat(first).matches("log_[0-9a-z]{20}");
        assertThat(Tokens.id("log")).matches("log_[0-9a-z]{20}");
        assertThat(later.compareTo(first)).as("%s after %s", later, first).isPositive();
    }

    @Test
    void timeOrderedIdsMadeInTheSameMillisecondStillDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(Tokens.timeOrderedId("log"));
        }
        assertThat(ids).hasSize(20_000);
    }

    @Test
    void randomCharactersAreEveryBase36Digit_equallyOften() {
        int[] counts = new int[36];
        int total = 0;
        for (int i = 0; i < 20_000; i++) {
            for (char c : Tokens.random(18).toCharArray()) {
                counts[Character.digit(c, 36)]++;
                total++;
            }
        }
        double expected = total / 36.0; // 10,000 each; every byte taken modulo 36 would give 0-3 14 % more
        for (int digit = 0; digit < 36; digit++) {
            assertThat(counts[digit]).as("digit %s", Character.forDigit(digit, 36)).isBetween((int) (expected * 0.95), (int) (expected * 1.05));
        }
        assertThat(Tokens.random(1)).matches("[0-9a-z]");
        assertThat(Tokens.random(64)).matches("[0-9a-z]{64}");
    }
}
