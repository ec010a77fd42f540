-- Census returns and their worker records. Worker records are personal data: they are read
-- only within their authority's scope and never leave it except as disclosure-controlled
-- aggregates.

CREATE TABLE census_returns (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_code     TEXT    COLLATE "C" NOT NULL,
    year        INTEGER NOT NULL,
    file_name   TEXT    COLLATE "C" NOT NULL,
    sha256      TEXT    COLLATE "C" NOT NULL,
    workers     BIGINT  NOT NULL,
    header      TEXT    COLLATE "C" NOT NULL, -- JSON
    vacancies   TEXT    COLLATE "C" NOT NULL, -- JSON
    imported_at TEXT    COLLATE "C" NOT NULL,
    UNIQUE (la_code, year)
);

CREATE TABLE census_workers (
    return_id BIGINT NOT NULL REFERENCES census_returns (id) ON DELETE CASCADE,
    record    BIGINT NOT NULL,
    data      TEXT   COLLATE "C" NOT NULL, -- JSON of the worker's record
    PRIMARY KEY (return_id, record)
);
