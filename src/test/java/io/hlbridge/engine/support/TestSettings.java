package io.hlbridge.engine.support;

import io.hlbridge.engine.EngineSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Engine settings as the engine reads them, from the required properties plus {@code extra}, no environment. */
public final class TestSettings {
    private TestSettings() {
    }

    public static EngineSettings of(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(Map.of(
                "engine.http-port", "8080", "engine.management-port", "9876", "engine.data-dir", "./data",
                "engine.db-pool-size", "4", "highlevel.api-url", "https://hl.example.test/",
                "highlevel.authorize-url", "https://marketplace.example.test/v2/oauth/chooselocation",
                "engine.prospect-delay", "PT2H", "engine.delinquent-after", "4", "engine.log-retention", "1000"));
        p.putAll(extra);
        return EngineSettings.from(name -> Optional.ofNullable(p.get(name)));
    }
}
