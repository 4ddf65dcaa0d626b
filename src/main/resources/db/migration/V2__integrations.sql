-- HighLevel connections (spec §6): one row per connected (or connecting) HighLevel location, and the
-- single-use OAuth states that bind an authorization callback to its integration.

CREATE TABLE integration (
    id                text PRIMARY KEY,
    marketplace_id    text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    name              text        NOT NULL,
    provider          text        NOT NULL DEFAULT 'highlevel' CHECK (provider IN ('highlevel')),
    status            text        NOT NULL DEFAULT 'pending'
                                  CHECK (status IN ('pending', 'connected', 'needs_reconnect')),
    -- Why the integration is in its status, in words (e.g. HighLevel refused the refresh token).
    status_reason     text,
    location_id       text,
    company_id        text,
    scopes            text,
    -- OAuth tokens, encrypted with ENGINE_SECRET_KEY (AES-256-GCM, bound to this row's id).
    -- The refresh token is single-use: it is only ever replaced under this row's lock (FOR UPDATE).
    access_token_enc  text,
    refresh_token_enc text,
    token_expires_at  timestamptz,
    connected_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Names are unique within a marketplace, regardless of case ("Main" and "main" would confuse people).
CREATE UNIQUE INDEX integration_name_per_marketplace ON integration (marketplace_id, lower(name));

-- The refresh timer looks for connected integrations whose token expires soon.
CREATE INDEX integration_token_expiry ON integration (token_expires_at) WHERE status = 'connected';

-- The state of an authorization request: stored as its SHA-256 only, valid 15 minutes, used once.
CREATE TABLE oauth_state (
    state_hash     text PRIMARY KEY,
    integration_id text        NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);

CREATE INDEX oauth_state_integration ON oauth_state (integration_id);
