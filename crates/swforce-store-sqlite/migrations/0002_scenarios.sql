-- Named projection scenarios, saved so that a link can be shared.

CREATE TABLE scenarios (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    geography_code TEXT NOT NULL,
    query          TEXT NOT NULL, -- the projection page's query string
    toml           TEXT NOT NULL, -- the levers, as a scenario file
    created_at     TEXT NOT NULL  -- RFC 3339, UTC
);
