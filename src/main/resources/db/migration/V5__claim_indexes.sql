-- Claiming pending inbox events walks them oldest first; without this index the walk also passed
-- over every event already done, so each claim grew slower as the inbox grew.
CREATE INDEX inbox_event_pending_by_id ON inbox_event (id) WHERE status = 'pending';
