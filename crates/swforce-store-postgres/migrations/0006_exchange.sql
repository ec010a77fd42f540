-- The "80:20 in practice" exchange: themes, examples (with their full-text search entry and
-- who found them helpful), feedback forms, their responses and the resources pages.
-- An example's author details and a response are personal data: the first are erased when
-- the example is withdrawn, the second deleted on their day.

CREATE TABLE exchange_themes (
    id       TEXT    COLLATE "C" PRIMARY KEY,
    label    TEXT    COLLATE "C" NOT NULL,
    audience TEXT    COLLATE "C" NOT NULL,
    active   BOOLEAN NOT NULL
);

CREATE TABLE examples (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status       TEXT   COLLATE "C" NOT NULL,
    body         TEXT   COLLATE "C" NOT NULL, -- the example as JSON, its id and helped count 0
    setting      TEXT   COLLATE "C" NOT NULL,
    region       TEXT   COLLATE "C",
    hours_saved  DOUBLE PRECISION,
    measured     BOOLEAN NOT NULL,
    author_user  BIGINT REFERENCES users (id),
    fingerprint  TEXT   COLLATE "C" UNIQUE, -- NULL when there is none
    updated_at   TEXT   COLLATE "C" NOT NULL,
    published_at TEXT   COLLATE "C",
    helped       BIGINT NOT NULL DEFAULT 0,
    -- The words of the title, the problem and the change, split as SQLite's `unicode61`
    -- tokenizer splits them, in the `simple` configuration: no stemming and no stop words, so
    -- words match whole or as the start of a word, as on SQLite.
    search       TSVECTOR NOT NULL
);
CREATE INDEX examples_status ON examples (status, updated_at);
CREATE INDEX examples_author ON examples (author_user);
CREATE INDEX examples_search ON examples USING GIN (search);

-- Theme ids as filed; the themes on offer are checked before an example is saved, and a
-- retired theme stays on the examples filed under it.
CREATE TABLE example_themes (
    example_id BIGINT NOT NULL REFERENCES examples (id),
    theme_id   TEXT   COLLATE "C" NOT NULL,
    PRIMARY KEY (example_id, theme_id)
);
CREATE INDEX example_themes_theme ON example_themes (theme_id);

CREATE TABLE example_helped (
    example_id BIGINT NOT NULL REFERENCES examples (id),
    person     TEXT   COLLATE "C" NOT NULL,
    at         TEXT   COLLATE "C" NOT NULL,
    PRIMARY KEY (example_id, person)
);

CREATE TABLE feedback_forms (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body       TEXT   COLLATE "C" NOT NULL, -- the form as JSON, its id 0
    created_at TEXT   COLLATE "C" NOT NULL
);

-- Form 0 is the steering group, which has no row in feedback_forms.
CREATE TABLE responses (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form_id   BIGINT NOT NULL,
    body      TEXT   COLLATE "C" NOT NULL, -- the response as JSON, its id 0
    delete_on TEXT   COLLATE "C" NOT NULL
);
CREATE INDEX responses_form ON responses (form_id);
CREATE INDEX responses_delete_on ON responses (delete_on);

CREATE TABLE resource_pages (
    slug       TEXT COLLATE "C" PRIMARY KEY,
    title      TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
