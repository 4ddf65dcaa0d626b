package io.hlbridge.engine.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TriggerCatalogTest {

    @Test
    void explanationsCarryTheDelayAndThresholdInForce() {
        TriggerCatalog.TriggerInfo prospect = TriggerCatalog.find("prospect.created").orElseThrow();
        assertThat(TriggerCatalog.explain(prospect, Duration.ofHours(2), 4))
                .startsWith("Fires 2 hours after a customer started a checkout");
        assertThat(TriggerCatalog.explain(prospect, Duration.ofMinutes(90), 4)).startsWith("Fires 1 hour 30 minutes after");
        assertThat(TriggerCatalog.explain(prospect, Duration.ZERO, 4)).startsWith("Fires immediately after");

        TriggerCatalog.TriggerInfo delinquent = TriggerCatalog.find("subscription.delinquent").orElseThrow();
        assertThat(TriggerCatalog.explain(delinquent, Duration.ofHours(2), 4)).contains("the 4th failed charge in a row");
        assertThat(TriggerCatalog.explain(delinquent, Duration.ofHours(2), 2)).contains("the 2nd failed charge in a row");
        assertThat(TriggerCatalog.explain(TriggerCatalog.find("subscription.canceled").orElseThrow(), Duration.ZERO, 3))
                .contains("the 3rd failed charge in a row");
    }

    @Test
    void everyTriggerHasOneSentenceWithNoPlaceholderLeft() {
        assertThat(TriggerCatalog.ALL).allSatisfy(t -> assertThat(TriggerCatalog.explain(t, Duration.ofHours(2), 4))
                .startsWith("Fires ").endsWith(".").doesNotContain("{", "}"));
    }

    @Test
    void ordinals() {
        assertThat(TriggerCatalog.ordinal(1)).isEqualTo("1st");
        assertThat(TriggerCatalog.ordinal(11)).isEqualTo("11th");
        assertThat(TriggerCatalog.ordinal(12)).isEqualTo("12th");
        assertThat(TriggerCatalog.ordinal(13)).isEqualTo("13th");
        assertThat(TriggerCatalog.ordinal(21)).isEqualTo("21st");
        assertThat(TriggerCatalog.ordinal(22)).isEqualTo("22nd");
        assertThat(TriggerCatalog.ordinal(104)).isEqualTo("104th");
    }
}
