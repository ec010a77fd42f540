-- Time for social work: diary categories, one row per person-week, and the running sums every
-- view reads (see swforce-store's diary module for how they are kept).

CREATE TABLE diary_categories (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id   BIGINT  NOT NULL REFERENCES organisations (id),
    label    TEXT    COLLATE "C" NOT NULL,
    activity TEXT    COLLATE "C" NOT NULL,
    position BIGINT  NOT NULL,
    retired  BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (org_id, label)
);

CREATE TABLE diary_settings (
    org_id          BIGINT  PRIMARY KEY REFERENCES organisations (id),
    national_opt_in BOOLEAN NOT NULL
);

-- person_id is a user's id, or negative for a synthetic person (demo and load data);
-- week is the day number (from 1970-01-01) of its Monday.
CREATE TABLE diaries (
    person_id  BIGINT  NOT NULL,
    week       BIGINT  NOT NULL,
    org_id     BIGINT  NOT NULL REFERENCES organisations (id),
    team_id    BIGINT,
    minutes    TEXT    COLLATE "C" NOT NULL,
    contracted BIGINT  NOT NULL,
    obstacles  BIGINT  NOT NULL,
    note       TEXT    NOT NULL,
    share_note BOOLEAN NOT NULL,
    updated_at TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (person_id, week)
);
CREATE INDEX diaries_shared_notes ON diaries (org_id, week) WHERE share_note;
CREATE INDEX diaries_by_org ON diaries (org_id, person_id);

CREATE TABLE diary_rollup (
    org_id  BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    week    BIGINT NOT NULL,
    measure BIGINT NOT NULL,
    amount  BIGINT NOT NULL,
    PRIMARY KEY (org_id, team_id, week, measure)
);

CREATE TABLE diary_spans (
    org_id    BIGINT NOT NULL,
    team_id   BIGINT NOT NULL,
    week      BIGINT NOT NULL,
    prev_week BIGINT NOT NULL,
    people    BIGINT NOT NULL,
    PRIMARY KEY (org_id, team_id, week, prev_week)
);
