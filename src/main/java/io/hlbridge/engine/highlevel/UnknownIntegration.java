package io.hlbridge.engine.highlevel;

/** The integration does not exist (any more): it was deleted, or the id is wrong. */
public final class UnknownIntegration extends RuntimeException {
    public UnknownIntegration(String integrationId) {
        super("no integration with id '" + integrationId + "'", null, false, false);
    }
}
