-- The marketplace's own Standard Webhooks endpoint on the console's Store connections page, like a
-- source's (V11): deliveries refused for a missing or bad signature or a stale timestamp are only
-- counted, never logged (nobody can flood a log), beside the last delivery received, so a merchant
-- sees at once that the store signs with an old or wrong secret.
ALTER TABLE marketplace
    ADD COLUMN refused_count   bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_refused_at timestamptz;

-- "Last delivery received" of that endpoint is the newest event receipt in the log that did not come
-- through a source (sources keep their own last_event_at), read on the console's page only: the log keeps
-- at most ENGINE_LOG_RETENTION entries per marketplace, so event_log_recent (V4) bounds that read, and no
-- index of its own is written on every webhook.

-- Where the console that asked for an authorization was opened (scheme://host[:port]), so that the
-- OAuth callback, served at ENGINE_PUBLIC_URL, sends the merchant back to that same origin and its
-- session (kept per origin by the browser). Only origins the engine accepted when the state was
-- issued are stored here; NULL: back to ENGINE_PUBLIC_URL's console.
ALTER TABLE oauth_state
    ADD COLUMN return_origin text;
