-- The employer standards health check: each organisation's rounds (the round as JSON), the
-- tickets that stop anyone answering twice (an invitation link's digest, or a member), and the
-- responses, which carry no key, person or time that joins them to a ticket.

CREATE TABLE healthcheck_rounds (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    body      TEXT    NOT NULL, -- the round as JSON, its id 0
    opened_at TEXT    NOT NULL,
    closed_at TEXT,
    benchmark INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX healthcheck_rounds_org ON healthcheck_rounds (org_id, id);

CREATE TABLE healthcheck_tickets (
    holder    TEXT    PRIMARY KEY, -- 'code:' and a link's digest, or 'user:<round>:<user>'
    round_id  INTEGER NOT NULL REFERENCES healthcheck_rounds (id),
    counts    INTEGER NOT NULL,
    draft     TEXT,
    submitted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX healthcheck_tickets_round ON healthcheck_tickets (round_id);

CREATE TABLE healthcheck_responses (
    id       INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES healthcheck_rounds (id),
    body     TEXT    NOT NULL -- the response as JSON
);
CREATE INDEX healthcheck_responses_round ON healthcheck_responses (round_id);
