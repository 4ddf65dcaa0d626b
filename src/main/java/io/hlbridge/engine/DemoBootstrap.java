package io.hlbridge.engine;

import io.hlbridge.engine.marketplace.MarketplaceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup experience (spec §9): on the embedded default, the first start creates a demo
 * marketplace and tells the person at the terminal where the console is and which credentials to
 * use; the same text is kept in {@code ENGINE_DATA_DIR/demo-credentials.txt}.
 */
public final class DemoBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(DemoBootstrap.class);
    static final String FILE = "demo-credentials.txt";

    private DemoBootstrap() {
    }

    /** Creates the demo marketplace if the database has none; returns the text to print. */
    public static String prepare(EngineSettings settings, EngineSecrets secrets, MarketplaceStore marketplaces) {
        Path file = settings.dataDir().resolve(FILE);
        String console = settings.publicUrl() + "/console/";
        if (marketplaces.list().isEmpty()) {
            MarketplaceStore.Created demo = marketplaces.create("Demo Store");
            String text = """
                    Console:             %s
                    Operator token:      %s
                    Demo marketplace id: %s
                    Webhook secret:      %s
                    Marketplace API key: %s
                    Webhook URL:         %s/webhooks/%s
                    """.formatted(console, secrets.operatorToken(), demo.marketplace().id(), demo.webhookSecret(),
                    demo.apiKey(), settings.publicUrl(), demo.marketplace().id());
            write(file, text);
            return "\n=== The engine is running with a demo marketplace ===\n" + text
                    + "(kept in " + file + ")\n";
        }
        if (Files.exists(file)) {
            return "\n=== The engine is running ===\nConsole: " + console + "\nDemo credentials: " + file + "\n";
        }
        return "\n=== The engine is running ===\nConsole: " + console + "\n";
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                LOG.debug("cannot restrict permissions of {}", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
