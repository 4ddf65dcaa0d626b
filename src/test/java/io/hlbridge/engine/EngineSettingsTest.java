package io.hlbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hlbridge.engine.support.TestSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ENGINE_HISTORY_RETENTION: how long finished work is remembered, never less than the overview's week. */
class EngineSettingsTest {

    static EngineSettings settings(Map<String, String> extra) {
        return TestSettings.of(extra);
    }

    @Test
    void historyIsKeptThirtyDaysByDefault_orAsLongAsSaid() {
        assertThat(settings(Map.of()).historyRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(settings(Map.of("engine.history-retention", "P90D")).historyRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(settings(Map.of("engine.history-retention", "P7D")).historyRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aHistoryShorterThanAWeekOrNotADurationIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> settings(Map.of("engine.history-retention", "P6D")))
                .hasMessageContaining("ENGINE_HISTORY_RETENTION").hasMessageContaining("at least P7D");
        assertThatThrownBy(() -> settings(Map.of("engine.history-retention", "30 days")))
                .hasMessageContaining("ENGINE_HISTORY_RETENTION").hasMessageContaining("ISO-8601");
    }
}
