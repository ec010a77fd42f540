-- Diaries are published, not summed the moment they are saved: a save marks the diary pending,
-- an organisation's week is released once it has closed, and later changes enter its sums only
-- in batches of enough people (see swforce-store's diary module).
ALTER TABLE diaries ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
-- Whether the person's account was older than the week: only those count towards five.
ALTER TABLE diaries ADD COLUMN eligible BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX diaries_pending ON diaries (week, org_id) WHERE pending;
DROP INDEX diaries_shared_notes;

-- Each diary as the sums hold it. team_id is the team whose sums hold it (its week's first
-- release), NULL when it entered the organisation's sums only, in a later batch.
CREATE TABLE diary_published (
    person_id  BIGINT NOT NULL,
    week       BIGINT NOT NULL,
    org_id     BIGINT NOT NULL,
    team_id    BIGINT,
    minutes    TEXT    COLLATE "C" NOT NULL,
    contracted BIGINT NOT NULL,
    obstacles  BIGINT NOT NULL,
    note       TEXT    NOT NULL,
    share_note BOOLEAN NOT NULL,
    eligible   BOOLEAN NOT NULL,
    PRIMARY KEY (person_id, week)
);
CREATE INDEX diary_published_notes ON diary_published (org_id, week) WHERE share_note;

-- An organisation's weeks that have had their first release, with how many diaries it held and
-- how many of them count towards five.
CREATE TABLE diary_released (
    org_id   BIGINT NOT NULL,
    week     BIGINT NOT NULL,
    diaries  BIGINT NOT NULL,
    eligible BIGINT NOT NULL,
    PRIMARY KEY (org_id, week)
);

-- What is already in the sums was published as it stands.
INSERT INTO diary_published
    SELECT person_id, week, org_id, team_id, minutes, contracted, obstacles, note, share_note, TRUE
    FROM diaries;
INSERT INTO diary_released
    SELECT org_id, week, amount, amount FROM diary_rollup WHERE team_id = 0 AND measure = -1;
INSERT INTO diary_rollup
    SELECT org_id, team_id, week, -4, amount FROM diary_rollup WHERE measure = -1;
-- How many diaries that count each team kept each week (measure -4), read on its own to decide
-- which teams' weeks are held back.
CREATE INDEX diary_rollup_eligible ON diary_rollup (org_id, week, team_id, amount) WHERE measure = -4;
