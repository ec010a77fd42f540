-- Organisations, people, sign-in, API tokens and the audit log.

CREATE TABLE organisations (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    la_code      TEXT UNIQUE,
    email_domain TEXT UNIQUE,
    sso          TEXT, -- JSON: issuer, client_id, client_secret
    created_at   TEXT NOT NULL
);

CREATE TABLE teams (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations (id),
    name   TEXT    NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    team_id         INTEGER REFERENCES teams (id),
    email           TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    roles           TEXT    NOT NULL, -- comma-separated role ids
    password_hash   TEXT,
    status          TEXT    NOT NULL,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL,
    last_sign_in    TEXT
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    kind       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    org_id     INTEGER,
    user_id    INTEGER,
    email      TEXT,
    payload    TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (kind, hash)
);

CREATE TABLE failed_sign_ins (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX failed_sign_ins_by_key ON failed_sign_ins (key, at);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT    NOT NULL,
    hash       TEXT    NOT NULL UNIQUE,
    scopes     TEXT    NOT NULL, -- comma-separated
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    revoked_at TEXT,
    last_used  TEXT
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    org_id  INTEGER,
    user_id INTEGER,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    ip      TEXT NOT NULL
);
CREATE INDEX audit_by_org ON audit_log (org_id, id);

-- The audit log is append-only: the database itself refuses changes and deletions.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Saved scenarios belong to an organisation and a person, where saved by one.
ALTER TABLE scenarios ADD COLUMN org_id INTEGER;
ALTER TABLE scenarios ADD COLUMN user_id INTEGER;
