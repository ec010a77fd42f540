-- Agency engagements of a council, the regional price caps and the permanent cost an
-- organisation compares agency charges with.

CREATE TABLE agency_engagements (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations (id),
    reference  TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL, -- the engagement, as JSON
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (org_id, reference)
);

CREATE TABLE agency_price_caps (
    region       TEXT COLLATE "C" NOT NULL,
    job_type     TEXT COLLATE "C" NOT NULL,
    from_date    TEXT COLLATE "C" NOT NULL,
    hourly_pence BIGINT NOT NULL CHECK (hourly_pence > 0),
    set_by       TEXT COLLATE "C" NOT NULL,
    set_at       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (region, job_type, from_date)
);

CREATE TABLE agency_permanent_costs (
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    job_type     TEXT COLLATE "C" NOT NULL,
    hourly_pence BIGINT NOT NULL CHECK (hourly_pence > 0),
    PRIMARY KEY (org_id, job_type)
);
