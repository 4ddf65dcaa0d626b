-- Finished work is forgotten after ENGINE_HISTORY_RETENTION (30 days by default; work/HistoryRetention):
-- processed store events and finished actions. Without it inbox_event and action_job only grew, and
-- with them every insert's unique index. These indexes hold only finished rows, oldest first, so a
-- pass reads just the rows it deletes. Neither is on the webhook's path: an event enters the first when
-- an inbox batch marks it done, an action when its outcome ends it (both updates already change an
-- indexed column, so no update that was HOT stops being one).
CREATE INDEX inbox_event_done ON inbox_event (received_at) WHERE status = 'done';
CREATE INDEX action_job_finished ON action_job (updated_at) WHERE status IN ('succeeded', 'skipped', 'failed', 'canceled');
