-- The location's name (V13) is asked for again by a timer on every replica: each integration at most
-- once an hour (location_name_tried_at), claimed with SKIP LOCKED so two replicas never ask for the same
-- one at once, and only where the grant includes locations.readonly (an integration connected before
-- the engine asked for it can only get its name by being reconnected; asking would only meet a 401).
ALTER TABLE integration ADD COLUMN location_name_tried_at timestamptz;
