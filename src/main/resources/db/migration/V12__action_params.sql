-- Actions are declared by their route files (routes/actions/<action>.camel.yaml; spec §4–§5), so the
-- database no longer lists them: the catalog is the only list, and a job naming an action no file
-- declares fails at dispatch, saying so (never silently succeeds).
ALTER TABLE rule DROP CONSTRAINT IF EXISTS rule_action_check;
ALTER TABLE action_job DROP CONSTRAINT IF EXISTS action_job_known_action;

-- A rule's settings for its action, checked against the action's params schema when saved; an
-- existing rule has none.
ALTER TABLE rule ADD COLUMN params jsonb NOT NULL DEFAULT '{}';
-- A job's params with their templates already rendered from its store event, and the event's values
-- the action may still need (an opportunity's value), so a job and its replay are self-contained.
ALTER TABLE action_job ADD COLUMN params jsonb NOT NULL DEFAULT '{}';
ALTER TABLE action_job ADD COLUMN event_values jsonb NOT NULL DEFAULT '{}';
