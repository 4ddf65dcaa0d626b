-- Deliveries a source refused (a key that is not its own, a signature that does not verify): only
-- counted, never logged (nobody can flood a log), and shown on the console's Store connections page
-- beside the last delivery received, so a merchant sees at once that the store posts to an old URL
-- or signs with another secret.
ALTER TABLE source
    ADD COLUMN refused_count   bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_refused_at timestamptz;
