-- The HighLevel location's own name (GET /locations/{locationId}), so merchants see "Acme Dental" and
-- not an id. Fetched after the OAuth callback; NULL until HighLevel has told it (a failure to fetch it never
-- fails the connection: it is asked again by the token-refresh timer). V13: V12 is the actions' migration.
ALTER TABLE integration ADD COLUMN location_name text;
