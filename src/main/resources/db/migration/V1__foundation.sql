-- Foundation: marketplaces (tenants) and the durable inbox of store events.
-- Every piece of engine state lives here so that any number of replicas can share one database.

CREATE TABLE marketplace (
    id                         text PRIMARY KEY,
    name                       text        NOT NULL UNIQUE,
    -- SHA-256 (hex) of the marketplace API key; the key itself is shown once and never stored.
    api_key_hash               text        NOT NULL UNIQUE,
    -- Standard Webhooks secrets, encrypted with ENGINE_SECRET_KEY (AES-256-GCM).
    webhook_secret_enc         text        NOT NULL,
    previous_secret_enc        text,
    previous_secret_expires_at timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);

-- One row per accepted store event. (marketplace_id, webhook_id) is the idempotency key:
-- a redelivery hits the unique constraint and is answered "duplicate".
CREATE TABLE inbox_event (
    id             bigserial PRIMARY KEY,
    marketplace_id text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    webhook_id     text        NOT NULL,
    event_type     text        NOT NULL,
    -- Events sharing an ordering key are processed in the order they were accepted
    -- (spec §2: one customer's orders, refunds and subscriptions).
    ordering_key   text        NOT NULL,
    payload        jsonb       NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    status         text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    processed_at   timestamptz,
    CONSTRAINT inbox_event_idempotency UNIQUE (marketplace_id, webhook_id)
);

-- The engine core claims pending events oldest first, per ordering key.
CREATE INDEX inbox_event_pending ON inbox_event (marketplace_id, ordering_key, id) WHERE status = 'pending';
