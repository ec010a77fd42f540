-- Census returns and their worker records. Worker records are personal data: they are read
-- only within their authority's scope and never leave it except as disclosure-controlled
-- aggregates.

CREATE TABLE census_returns (
    id          INTEGER PRIMARY KEY,
    la_code     TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    workers     INTEGER NOT NULL,
    header      TEXT    NOT NULL, -- JSON
    vacancies   TEXT    NOT NULL, -- JSON
    imported_at TEXT    NOT NULL,
    UNIQUE (la_code, year)
);

CREATE TABLE census_workers (
    return_id INTEGER NOT NULL REFERENCES census_returns (id) ON DELETE CASCADE,
    record    INTEGER NOT NULL,
    data      TEXT    NOT NULL, -- JSON of the worker's record
    PRIMARY KEY (return_id, record)
);
