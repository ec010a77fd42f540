-- Published statistics: imports with their provenance, the places they name, and every cell
-- of every release (older releases stay as vintages; is_current marks the figure in use).
--
-- Every text column uses the "C" collation: text sorts and compares byte by byte, as on SQLite,
-- whatever the database's own collation. Timestamps are RFC 3339 text in UTC and are compared
-- as text.

CREATE TABLE imports (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name     TEXT    COLLATE "C" NOT NULL,
    sha256        TEXT    COLLATE "C" NOT NULL UNIQUE,
    bytes         BIGINT  NOT NULL,
    dataset       TEXT    COLLATE "C" NOT NULL,
    publisher     TEXT    COLLATE "C" NOT NULL,
    release_title TEXT    COLLATE "C" NOT NULL,
    first_year    INTEGER NOT NULL,
    last_year     INTEGER NOT NULL,
    row_count     BIGINT  NOT NULL,
    warnings      TEXT    COLLATE "C" NOT NULL, -- JSON array of strings
    renamed       TEXT    COLLATE "C" NOT NULL, -- JSON array of [column, measure]
    imported_at   TEXT    COLLATE "C" NOT NULL  -- RFC 3339, UTC
);

CREATE TABLE geographies (
    code        TEXT    COLLATE "C" PRIMARY KEY,
    name        TEXT    COLLATE "C" NOT NULL,
    level       TEXT    COLLATE "C" NOT NULL,
    parent_code TEXT    COLLATE "C",
    old_la_code TEXT    COLLATE "C",
    name_year   INTEGER NOT NULL -- last year of the release the name comes from
);

CREATE TABLE observations (
    geography_code TEXT    COLLATE "C" NOT NULL REFERENCES geographies (code),
    measure        TEXT    COLLATE "C" NOT NULL,
    breakdown      TEXT    COLLATE "C" NOT NULL,
    year           INTEGER NOT NULL,
    import_id      BIGINT  NOT NULL REFERENCES imports (id),
    dataset        TEXT    COLLATE "C" NOT NULL,
    value          DOUBLE PRECISION,
    symbol         TEXT    COLLATE "C",
    is_current     BOOLEAN NOT NULL,
    PRIMARY KEY (geography_code, measure, breakdown, year, import_id),
    CHECK ((value IS NULL) <> (symbol IS NULL))
);

CREATE INDEX observations_by_dataset ON observations (dataset, is_current);
CREATE INDEX observations_by_import ON observations (import_id);
