-- Agency engagements of a council, the regional price caps and the permanent cost an
-- organisation compares agency charges with.

CREATE TABLE agency_engagements (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    reference  TEXT NOT NULL,
    body       TEXT NOT NULL, -- the engagement, as JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, reference)
);

CREATE TABLE agency_price_caps (
    region       TEXT NOT NULL,
    job_type     TEXT NOT NULL,
    from_date    TEXT NOT NULL,
    hourly_pence INTEGER NOT NULL CHECK (hourly_pence > 0),
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL,
    PRIMARY KEY (region, job_type, from_date)
);

CREATE TABLE agency_permanent_costs (
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    job_type     TEXT NOT NULL,
    hourly_pence INTEGER NOT NULL CHECK (hourly_pence > 0),
    PRIMARY KEY (org_id, job_type)
);
