-- Deleting an integration (spec §6) removes it, its tokens and its rules, but the log's old entries keep
-- its id: its name is kept here so they still say which integration they were about (console point 10).
-- No token, no secret: only what the log shows.
CREATE TABLE deleted_integration (
    id             text        PRIMARY KEY,
    marketplace_id text        NOT NULL,
    name           text        NOT NULL,
    location_name  text,
    deleted_at     timestamptz NOT NULL DEFAULT now()
);
