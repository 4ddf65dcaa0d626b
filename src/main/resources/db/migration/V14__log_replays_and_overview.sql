-- The log explains replays and the console's overview counts what happened.
-- An action's entry names its replay (the newest), so the console stops offering to replay it and a bulk
-- replay of the filtered failures replays each action at most once.
ALTER TABLE event_log ADD COLUMN replayed_by text;

-- The overview counts a marketplace's store events and actions of the last 7 days from the durable
-- tables (the log keeps only the newest entries): these indexes answer its counts by an index-only
-- range scan of the marketplace's last week, and the last event's time by one probe.
CREATE INDEX inbox_event_received ON inbox_event (marketplace_id, received_at);
CREATE INDEX action_job_created ON action_job (marketplace_id, created_at) INCLUDE (status);
