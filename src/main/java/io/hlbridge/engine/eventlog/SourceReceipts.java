package io.hlbridge.engine.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import io.hlbridge.engine.api.StorableText;
import io.hlbridge.engine.db.Sql;
import io.hlbridge.engine.sources.Source;
import io.hlbridge.engine.sources.SourceIntake;
import io.hlbridge.engine.sources.SourcePlatform;
import javax.sql.DataSource;
import org.apache.camel.Exchange;

/**
 * Writes a store platform's delivery into the event log, off the request's thread (wire-tapped):
 * one event entry per store event it became (accepted or duplicate), or one entry saying it was
 * ignored, rejected or a ping. Every entry names the source, the platform and the platform's own
 * event type (PRODUCT.md §3a). Only deliveries whose key (and signature) checked out get here.
 */
public final class SourceReceipts {
    private static final String INSERT = """
            INSERT INTO event_log (id, marketplace_id, kind, status, event_id, event_type, email, product_id, message,
                                   source_id, platform, platform_event_type)
            VALUES (?, ?, 'event', ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final DataSource dataSource;

    public SourceReceipts(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void write(Exchange exchange) {
        SourceIntake.Receipt receipt = exchange.getProperty(SourceIntake.RECEIPT, SourceIntake.Receipt.class);
        Source source = exchange.getProperty(SourcePlatform.SOURCE, Source.class);
        if (receipt == null || source == null) {
            return;
        }
        Sql.autoCommit(dataSource, c -> {
            if (receipt.events().isEmpty()) {
                Sql.update(c, INSERT, EventLog.newId(), source.marketplaceId(), receipt.status(), clean(receipt.deliveryId()),
                        null, null, null, clean(receipt.message()), source.id(), source.platform(), clean(receipt.platformType()));
            }
            for (SourceIntake.Stored e : receipt.events()) {
                JsonNode event = e.event();
                Sql.update(c, INSERT, EventLog.newId(), source.marketplaceId(), e.status(), e.webhookId(),
                        event.path("type").asText(), clean(event.path("customer").path("email").asText(null)),
                        null, e.status().equals("duplicate") ? "already received: nothing done again" : null,
                        source.id(), source.platform(), clean(receipt.platformType()));
            }
            return null;
        });
    }

    private static String clean(String text) {
        if (text == null) {
            return null;
        }
        return StorableText.clean(text.length() > 500 ? text.substring(0, 500) : text);
    }
}
