-- Organisations holding invented people (the demo, or `swforce diary generate`) are marked, so
-- that they are labelled as synthetic wherever they are shown, and never counted in a region's
-- or England's time diary figures unless the operator opts them in from the command line.
ALTER TABLE organisations ADD COLUMN synthetic BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE organisations SET synthetic = TRUE
WHERE id IN (SELECT DISTINCT org_id FROM diaries WHERE person_id < 0);
-- The demo organisation opted itself in to England's figures: it is taken out.
UPDATE diary_settings SET national_opt_in = FALSE
WHERE org_id IN (SELECT id FROM organisations WHERE name = 'Demo Council (synthetic diaries)');
