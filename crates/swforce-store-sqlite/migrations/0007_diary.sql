-- Time for social work: diary categories, one row per person-week, and the running sums every
-- view reads (see swforce-store's diary module for how they are kept).

CREATE TABLE diary_categories (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organisations (id),
    label    TEXT    NOT NULL,
    activity TEXT    NOT NULL,
    position INTEGER NOT NULL,
    retired  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, label)
);

CREATE TABLE diary_settings (
    org_id          INTEGER PRIMARY KEY REFERENCES organisations (id),
    national_opt_in INTEGER NOT NULL
);

-- person_id is a user's id, or negative for a synthetic person (demo and load data);
-- week is the day number (from 1970-01-01) of its Monday.
CREATE TABLE diaries (
    person_id  INTEGER NOT NULL,
    week       INTEGER NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    team_id    INTEGER,
    minutes    TEXT    NOT NULL,
    contracted INTEGER NOT NULL,
    obstacles  INTEGER NOT NULL,
    note       TEXT    NOT NULL,
    share_note INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (person_id, week)
) WITHOUT ROWID;
CREATE INDEX diaries_shared_notes ON diaries (org_id, week) WHERE share_note = 1;
CREATE INDEX diaries_by_org ON diaries (org_id, person_id);

CREATE TABLE diary_rollup (
    org_id  INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    week    INTEGER NOT NULL,
    measure INTEGER NOT NULL,
    amount  INTEGER NOT NULL,
    PRIMARY KEY (org_id, team_id, week, measure)
) WITHOUT ROWID;

CREATE TABLE diary_spans (
    org_id    INTEGER NOT NULL,
    team_id   INTEGER NOT NULL,
    week      INTEGER NOT NULL,
    prev_week INTEGER NOT NULL,
    people    INTEGER NOT NULL,
    PRIMARY KEY (org_id, team_id, week, prev_week)
) WITHOUT ROWID;
