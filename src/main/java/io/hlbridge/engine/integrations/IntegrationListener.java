package io.hlbridge.engine.integrations;

import org.jdbi.v3.core.Handle;

/**
 * Hooks for the engine core: called inside the transaction that connects an integration (OAuth
 * callback, or a refresh that brings a {@code needs_reconnect} integration back) and inside the one
 * that deletes it, just before the row goes. Throwing rolls that transaction back.
 *
 * <p>The engine looks it up by the name {@code integrationListener} in the Camel registry on every
 * use, so binding another implementation under that name replaces the default no-op.
 */
public interface IntegrationListener {
    String BEAN_NAME = "integrationListener";

    /** Does nothing: the default until the core binds its own. */
    IntegrationListener NONE = new IntegrationListener() {
        @Override
        public void connected(Handle h, String integrationId) {
        }

        @Override
        public void deleted(Handle h, String integrationId) {
        }
    };

    void connected(Handle h, String integrationId);

    void deleted(Handle h, String integrationId);
}
