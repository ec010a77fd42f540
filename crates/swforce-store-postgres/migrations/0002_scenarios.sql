-- Named projection scenarios, saved so that a link can be shared.

CREATE TABLE scenarios (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL,
    geography_code TEXT COLLATE "C" NOT NULL,
    query          TEXT COLLATE "C" NOT NULL, -- the projection page's query string
    toml           TEXT COLLATE "C" NOT NULL, -- the levers, as a scenario file
    created_at     TEXT COLLATE "C" NOT NULL  -- RFC 3339, UTC
);
