-- Ids in addresses reveal no counts: the application turns each record's number into an
-- opaque id with a key kept here, made once per deployment and shared by every app server.
CREATE TABLE site_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Links made before opaque ids (with the record's number) keep working for the records that
-- existed then, and only for those, so a number cannot be probed for the counts of today.
CREATE TABLE legacy_ids (
    kind TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL
);
INSERT INTO legacy_ids (kind, last_id) SELECT 'organisation', COALESCE(MAX(id), 0) FROM organisations;
INSERT INTO legacy_ids (kind, last_id) SELECT 'person', COALESCE(MAX(id), 0) FROM users;
INSERT INTO legacy_ids (kind, last_id) SELECT 'team', COALESCE(MAX(id), 0) FROM teams;
INSERT INTO legacy_ids (kind, last_id) SELECT 'scenario', COALESCE(MAX(id), 0) FROM scenarios;
INSERT INTO legacy_ids (kind, last_id) SELECT 'token', COALESCE(MAX(id), 0) FROM api_tokens;
INSERT INTO legacy_ids (kind, last_id) SELECT 'engagement', COALESCE(MAX(id), 0) FROM agency_engagements;
INSERT INTO legacy_ids (kind, last_id) SELECT 'example', COALESCE(MAX(id), 0) FROM examples;
INSERT INTO legacy_ids (kind, last_id) SELECT 'form', COALESCE(MAX(id), 0) FROM feedback_forms;
INSERT INTO legacy_ids (kind, last_id) SELECT 'category', COALESCE(MAX(id), 0) FROM diary_categories;
