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
}
