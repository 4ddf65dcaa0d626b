-- The engine core: rules (spec §4), the durable action queue and its HighLevel bookkeeping (§5),
-- and the rolling event log (§7).

-- Processing of inbox events is claimed with a lease, so a crashed replica's claims come back.
ALTER TABLE inbox_event ADD COLUMN lease_until timestamptz;

CREATE TABLE rule (
    id             text PRIMARY KEY,
    marketplace_id text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    scope          text        NOT NULL CHECK (scope IN ('global', 'product')),
    product_id     text,
    trigger        text        NOT NULL,
    integration_id text        NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    action         text        NOT NULL CHECK (action IN ('create_contact', 'add_tags', 'remove_tags')),
    tags           text[]      NOT NULL DEFAULT '{}',
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope = 'product') = (product_id IS NOT NULL))
);
-- A trigger's matching rules: enabled product rules of its product + enabled global rules.
CREATE INDEX rule_lookup ON rule (marketplace_id, trigger, product_id) WHERE enabled;
CREATE INDEX rule_by_integration ON rule (integration_id);

-- One row per action to perform in HighLevel: claimed by any replica when due (lease + SKIP LOCKED),
-- retried by moving due_at, parked as 'waiting' while its integration cannot be used.
CREATE TABLE action_job (
    id              bigserial PRIMARY KEY,
    log_id          text        NOT NULL UNIQUE,
    marketplace_id  text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    integration_id  text        NOT NULL,
    rule_id         text,
    action          text        NOT NULL,
    tags            text[]      NOT NULL DEFAULT '{}',
    trigger         text        NOT NULL,
    event_id        text        NOT NULL,
    product_id      text,
    customer        jsonb       NOT NULL,
    source          text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'waiting', 'retrying', 'succeeded', 'skipped', 'failed', 'canceled')),
    due_at          timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    -- A slot already reserved with the location's pacer: the next attempt uses it instead of reserving again.
    paced_slot_at   timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    first_attempt_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_job_due ON action_job (due_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX action_job_waiting ON action_job (integration_id) WHERE status = 'waiting';

-- Contact ids learned per (integration, email): a returning customer's tag action is one call.
CREATE TABLE contact_ref (
    integration_id text        NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    email          text        NOT NULL,
    contact_id     text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (integration_id, email)
);

-- The pacer of each HighLevel location, shared by every replica: the next free call slot and the
-- limit HighLevel advertises (X-RateLimit-Max per X-RateLimit-Interval-Milliseconds).
CREATE TABLE location_pace (
    location_id  text PRIMARY KEY,
    next_free_at timestamptz NOT NULL DEFAULT now(),
    max_requests integer     NOT NULL DEFAULT 100,
    interval_ms  integer     NOT NULL DEFAULT 10000,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The event log (spec §7): newest ENGINE_LOG_RETENTION entries per marketplace, pruned as it goes.
-- seq orders entries (newest first) and makes the cursor; an action's entry is updated in place.
CREATE TABLE event_log (
    seq            bigserial PRIMARY KEY,
    id             text        NOT NULL UNIQUE,
    marketplace_id text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    kind           text        NOT NULL CHECK (kind IN ('event', 'trigger', 'action')),
    status         text        NOT NULL,
    event_id       text,
    event_type     text,
    trigger        text,
    rule_id        text,
    action         text,
    integration_id text,
    product_id     text,
    email          text,
    message        text,
    replay_of      text,
    calls          jsonb       NOT NULL DEFAULT '[]'
);
CREATE INDEX event_log_recent ON event_log (marketplace_id, seq DESC);

-- Products seen in store events, offered by name when a merchant writes a product rule.
CREATE TABLE product_seen (
    marketplace_id text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    product_id     text        NOT NULL,
    product_name   text,
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace_id, product_id)
);
