-- An action the engine does not know never succeeds silently (spec §5): the database refuses one in
-- the queue as it already does in rules (V4), so a job can only name an action the routes perform.
ALTER TABLE action_job ADD CONSTRAINT action_job_known_action
    CHECK (action IN ('create_contact', 'add_tags', 'remove_tags'));
