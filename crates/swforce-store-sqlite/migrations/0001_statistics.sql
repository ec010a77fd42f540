-- Published statistics: imports with their provenance, the places they name, and every cell
-- of every release (older releases stay as vintages; is_current marks the figure in use).

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    file_name     TEXT    NOT NULL,
    sha256        TEXT    NOT NULL UNIQUE,
    bytes         INTEGER NOT NULL,
    dataset       TEXT    NOT NULL,
    publisher     TEXT    NOT NULL,
    release_title TEXT    NOT NULL,
    first_year    INTEGER NOT NULL,
    last_year     INTEGER NOT NULL,
    row_count     INTEGER NOT NULL,
    warnings      TEXT    NOT NULL, -- JSON array of strings
    renamed       TEXT    NOT NULL, -- JSON array of [column, measure]
    imported_at   TEXT    NOT NULL  -- RFC 3339, UTC
);

CREATE TABLE geographies (
    code        TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    level       TEXT    NOT NULL,
    parent_code TEXT,
    old_la_code TEXT,
    name_year   INTEGER NOT NULL -- last year of the release the name comes from
);

CREATE TABLE observations (
    geography_code TEXT    NOT NULL REFERENCES geographies (code),
    measure        TEXT    NOT NULL,
    breakdown      TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    import_id      INTEGER NOT NULL REFERENCES imports (id),
    dataset        TEXT    NOT NULL,
    value          DOUBLE PRECISION,
    symbol         TEXT,
    is_current     INTEGER NOT NULL,
    PRIMARY KEY (geography_code, measure, breakdown, year, import_id),
    CHECK ((value IS NULL) <> (symbol IS NULL))
);

CREATE INDEX observations_by_dataset ON observations (dataset, is_current);
CREATE INDEX observations_by_import ON observations (import_id);
