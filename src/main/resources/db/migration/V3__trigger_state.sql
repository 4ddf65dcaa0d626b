-- Trigger derivation state (spec §2): what the engine must remember so that each derived trigger
-- fires once, refunds add up, subscriptions count their failed charges and prospects wait out
-- their delay. Everything is scoped by marketplace and written in the transaction that marks the
-- inbox event processed. See docs/triggers.md.

-- The arbiter of "a derived trigger fires once": a trigger fires only if its row goes in.
-- dedupe_key names the fact (a JSON array, e.g. ["order","o1","p1"] or ["charge","ch_1"]).
CREATE TABLE fired_trigger (
    marketplace_id text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    trigger        text        NOT NULL,
    dedupe_key     text        NOT NULL,
    webhook_id     text        NOT NULL,
    fired_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace_id, trigger, dedupe_key)
);

-- Who bought what, and when (the order's occurred_at, else its acceptance): a prospect is
-- suppressed when its customer bought its product at or after the prospect was created.
CREATE TABLE purchase (
    marketplace_id text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    email          text        NOT NULL, -- trimmed, lower case (the inbox's ordering key)
    product_id     text        NOT NULL,
    order_id       text        NOT NULL,
    purchased_at   timestamptz NOT NULL,
    PRIMARY KEY (marketplace_id, email, product_id, order_id)
);

-- Each refund of each order item, once: the refunded total of an item is the sum of its lines.
CREATE TABLE refund_line (
    marketplace_id text   NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    order_id       text   NOT NULL,
    product_id     text   NOT NULL,
    refund_id      text   NOT NULL,
    refunded_cents bigint NOT NULL,
    PRIMARY KEY (marketplace_id, order_id, product_id, refund_id)
);

-- Prospects waiting out their delay: a small work queue claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE prospect (
    marketplace_id    text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    prospect_id       text        NOT NULL,
    product_id        text        NOT NULL,
    product_name      text,
    email             text        NOT NULL, -- trimmed, lower case
    customer          jsonb       NOT NULL, -- the event's customer object, for the trigger
    source_webhook_id text        NOT NULL,
    created_at        timestamptz NOT NULL, -- the event's occurred_at, else its acceptance
    due_at            timestamptz NOT NULL, -- acceptance + ENGINE_PROSPECT_DELAY
    status            text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'suppressed')),
    bought_order_id   text,                 -- set when suppressed
    done_at           timestamptz,
    PRIMARY KEY (marketplace_id, prospect_id, product_id)
);
CREATE INDEX prospect_due ON prospect (due_at) WHERE status = 'pending';

-- Each charge attempt, once (spec §3: the same charge.id reported again is the same fact).
CREATE TABLE subscription_charge (
    marketplace_id  text    NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    charge_id       text    NOT NULL,
    subscription_id text    NOT NULL,
    succeeded       boolean NOT NULL,
    PRIMARY KEY (marketplace_id, charge_id)
);

-- A subscription's dunning and cancellation state.
CREATE TABLE subscription_state (
    marketplace_id  text    NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    subscription_id text    NOT NULL,
    failures        integer NOT NULL DEFAULT 0, -- failed charges in the current run
    run             integer NOT NULL DEFAULT 0, -- runs of failures so far (numbers the current one)
    epoch           integer NOT NULL DEFAULT 0, -- restarts so far (numbers the current cancellation)
    canceled_by     text CHECK (canceled_by IN ('delinquency', 'cancellation')), -- null: not canceled
    PRIMARY KEY (marketplace_id, subscription_id)
);
