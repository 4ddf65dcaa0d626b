package io.hlbridge.engine.work;

import io.hlbridge.engine.integrations.IntegrationListener;
import org.jdbi.v3.core.Handle;

/** What the queue does when an integration connects (its waiting actions run) or is deleted (canceled). */
public final class ActionQueueListener implements IntegrationListener {
    private final ActionQueue queue;

    public ActionQueueListener(ActionQueue queue) {
        this.queue = queue;
    }

    @Override
    public void connected(Handle h, String integrationId) {
        queue.resumeWaiting(h, integrationId);
    }

    @Override
    public void deleted(Handle h, String integrationId) {
        queue.cancelFor(h, integrationId, "its integration was deleted");
    }
}
