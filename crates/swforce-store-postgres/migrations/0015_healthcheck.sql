-- The employer standards health check: each organisation's rounds (the round as JSON), the
-- tickets that stop anyone answering twice (an invitation link's digest, or a member), and the
-- responses, which carry no key, person or time that joins them to a ticket.

CREATE TABLE healthcheck_rounds (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id    BIGINT NOT NULL REFERENCES organisations (id),
    body      TEXT   COLLATE "C" NOT NULL, -- the round as JSON, its id 0
    opened_at TEXT   COLLATE "C" NOT NULL,
    closed_at TEXT   COLLATE "C",
    benchmark BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX healthcheck_rounds_org ON healthcheck_rounds (org_id, id);

CREATE TABLE healthcheck_tickets (
    holder    TEXT    COLLATE "C" PRIMARY KEY, -- 'code:' and a link's digest, or 'user:<round>:<user>'
    round_id  BIGINT  NOT NULL REFERENCES healthcheck_rounds (id),
    counts    BOOLEAN NOT NULL,
    draft     TEXT    COLLATE "C",
    submitted BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX healthcheck_tickets_round ON healthcheck_tickets (round_id);

CREATE TABLE healthcheck_responses (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES healthcheck_rounds (id),
    body     TEXT   COLLATE "C" NOT NULL -- the response as JSON
);
CREATE INDEX healthcheck_responses_round ON healthcheck_responses (round_id);
