-- The "80:20 in practice" exchange: themes, examples (with their full-text search entry and
-- who found them helpful), feedback forms, their responses and the resources pages.
-- An example's author details and a response are personal data: the first are erased when
-- the example is withdrawn, the second deleted on their day.

CREATE TABLE exchange_themes (
    id       TEXT PRIMARY KEY,
    label    TEXT    NOT NULL,
    audience TEXT    NOT NULL,
    active   INTEGER NOT NULL
);

CREATE TABLE examples (
    id           INTEGER PRIMARY KEY,
    status       TEXT    NOT NULL,
    body         TEXT    NOT NULL, -- the example as JSON, its id and helped count 0
    setting      TEXT    NOT NULL,
    region       TEXT,
    hours_saved  REAL,
    measured     INTEGER NOT NULL,
    author_user  INTEGER REFERENCES users (id),
    fingerprint  TEXT UNIQUE, -- NULL when there is none
    updated_at   TEXT    NOT NULL,
    published_at TEXT,
    helped       INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX examples_status ON examples (status, updated_at);
CREATE INDEX examples_author ON examples (author_user);

-- Theme ids as filed; the themes on offer are checked before an example is saved, and a
-- retired theme stays on the examples filed under it.
CREATE TABLE example_themes (
    example_id INTEGER NOT NULL REFERENCES examples (id),
    theme_id   TEXT    NOT NULL,
    PRIMARY KEY (example_id, theme_id)
);

CREATE INDEX example_themes_theme ON example_themes (theme_id);

CREATE TABLE example_helped (
    example_id INTEGER NOT NULL REFERENCES examples (id),
    person     TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    PRIMARY KEY (example_id, person)
);

-- One entry per example, its rowid the example's id. No stemming: words match whole or as
-- the start of a word, as on PostgreSQL with the `simple` configuration.
CREATE VIRTUAL TABLE examples_fts USING fts5 (
    title,
    problem,
    change,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE feedback_forms (
    id         INTEGER PRIMARY KEY,
    body       TEXT NOT NULL, -- the form as JSON, its id 0
    created_at TEXT NOT NULL
);

-- Form 0 is the steering group, which has no row in feedback_forms.
CREATE TABLE responses (
    id        INTEGER PRIMARY KEY,
    form_id   INTEGER NOT NULL,
    body      TEXT    NOT NULL, -- the response as JSON, its id 0
    delete_on TEXT    NOT NULL
);

CREATE INDEX responses_form ON responses (form_id);
CREATE INDEX responses_delete_on ON responses (delete_on);

CREATE TABLE resource_pages (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
