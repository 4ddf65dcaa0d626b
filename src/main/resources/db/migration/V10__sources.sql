-- Store connections of a marketplace (PRODUCT.md §3a): a platform's own webhook posts to
-- /sources/{id}/{key}. The key is shown once and stored hashed; the platform's signing secret is
-- sealed with ENGINE_SECRET_KEY (AES-256-GCM, bound to the row's id) and never returned.
CREATE TABLE source (
    id                 text PRIMARY KEY,
    marketplace_id     text        NOT NULL REFERENCES marketplace (id) ON DELETE CASCADE,
    platform           text        NOT NULL CHECK (platform IN ('samcart', 'stripe', 'woocommerce', 'thrivecart', 'shopify')),
    name               text        NOT NULL,
    -- SHA-256 (hex) of the URL key
    key_hash           text        NOT NULL,
    signing_secret_enc text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    last_event_at      timestamptz,
    CONSTRAINT source_name_unique UNIQUE (marketplace_id, name)
);
CREATE INDEX source_marketplace ON source (marketplace_id, created_at, id);

-- Event entries name the delivery's source, its platform and the platform's own event type.
ALTER TABLE event_log
    ADD COLUMN source_id           text,
    ADD COLUMN platform            text,
    ADD COLUMN platform_event_type text;
CREATE INDEX event_log_source ON event_log (marketplace_id, source_id, seq DESC) WHERE source_id IS NOT NULL;
